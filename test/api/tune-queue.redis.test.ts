import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { search, tune } from '../../src/index.js';
import type { Objective } from '../../trials/function-runner.js';
import { connectRedis } from '../../trials/queue/connection.js';
import { startQueueWorker } from '../../trials/queue/worker.js';
import { BIN, ROOT, tempDirForFile } from '../support/cli.js';
import { until } from '../support/processes.js';
import { startRedis, type TestRedis } from '../support/redis.js';

// tune({ queue }) as a user runs it: this process suggests and records, workers on a real
// redis-server (no persistence, a free loopback port) run the objective.
const tmp = tempDirForFile('scriba-tune-queue-');
let redis: TestRedis;
const open: Array<{ close(): Promise<void> }> = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
  await Promise.all(
    children.splice(0).map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
});
afterAll(async () => {
  await redis?.stop();
});

const space = { x: search.double({ min: -2, max: 2 }), n: search.int({ min: 1, max: 4 }) };

async function keysLeft(): Promise<string[]> {
  const client = await connectRedis(redis.url);
  try {
    return (await client.keys('scriba:exp:*')).sort();
  } finally {
    client.disconnect();
  }
}

describe('tune({ queue })', { timeout: 120_000 }, () => {
  test('a worker in another process runs the objective module; results, reports and the best trial come back', async () => {
    const dir = tmp();
    const module = join(dir, 'objective.mjs');
    writeFileSync(
      module,
      `export async function objective({ x, n }, { report }) {
  for (let step = 1; step <= n; step++) await report({ loss: (x - 1) ** 2 + 1 / step, pid: process.pid });
  return { loss: (x - 1) ** 2, pid: process.pid };
}
`,
    );
    const child = Object.assign(spawn(process.execPath, [BIN, 'worker', '--queue', redis.url, '--objective', `${module}#objective`, '--name', 'far', '--concurrency', '2'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] }), { lines: [] as string[] });
    children.push(child);
    child.stderr?.on('data', (d: Buffer) => child.lines.push(d.toString()));
    await until(() => child.lines.join('').includes('taking trials from') || child.exitCode !== null);
    const { objective } = (await import(module)) as { objective: Objective };
    const result = await tune({
      objective: objective as never,
      parameters: space,
      objectiveMetricName: 'loss',
      objectiveType: 'minimize',
      additionalMetricNames: ['pid'],
      maxTrialCount: 8,
      parallelTrialCount: 2,
      seed: 3,
      queue: redis.url,
    });
    expect(result.trials).toHaveLength(8);
    for (const t of result.trials) {
      expect(t.condition).toBe('Succeeded');
      const { x, n } = t.parameters as { x: number; n: number };
      expect(t.value).toBeCloseTo((x - 1) ** 2, 12);
      // Ran in the worker's process, not in this one.
      const pid = Number(t.observation.metrics.find((m) => m.name === 'pid')?.latest);
      expect(pid).toBe(child.pid);
      expect(pid).not.toBe(process.pid);
      // Each report streamed back, then the final value: n + 1 rows of loss.
      expect(t.logs.filter((l) => l.name === 'loss')).toHaveLength(n + 1);
    }
    const best = [...result.trials].sort((a, b) => (a.value as number) - (b.value as number))[0];
    expect(result.bestTrial?.name).toBe(best?.name);
    expect(await keysLeft()).toEqual([]);
  });

  test('the same seed gives the same trials through the queue as in this process', async () => {
    const objective: Objective = ({ x, n }) => ({ loss: (Number(x) - 1) ** 2 + Number(n) });
    const worker = await startQueueWorker({ url: redis.url, workDir: tmp(), objective, concurrency: 3 });
    open.push(worker);
    const options = { objective: objective as never, parameters: space, objectiveMetricName: 'loss', objectiveType: 'minimize' as const, maxTrialCount: 6, parallelTrialCount: 1, seed: 11 };
    const here = await tune(options);
    const there = await tune({ ...options, queue: redis.url });
    expect(there.trials.map((t) => [t.parameters, t.value])).toEqual(here.trials.map((t) => [t.parameters, t.value]));
    expect(worker.finished).toBe(6);
  });

  test('a worker holding another objective fails the trials, saying which', async () => {
    const worker = await startQueueWorker({ url: redis.url, workDir: tmp(), objective: function train() {
      return { loss: 0 };
    } });
    open.push(worker);
    const result = await tune({
      objective: function evaluate() {
        return { loss: 1 };
      } as never,
      parameters: space,
      objectiveMetricName: 'loss',
      objectiveType: 'minimize',
      maxTrialCount: 2,
      parallelTrialCount: 1,
      queue: redis.url,
    });
    expect(result.status).toBe('Failed');
    expect(result.trials[0]?.message).toContain('the trial is for objective evaluate, but this worker loaded train');
  });

  test('a queue that is not a Redis URL is refused before anything runs', async () => {
    const base = { objective: () => 0, parameters: space, objectiveMetricName: 'loss', objectiveType: 'minimize' as const, maxTrialCount: 1 };
    await expect(tune({ ...base, queue: 'http://localhost:6379' })).rejects.toThrow('queue: expected a redis:// or rediss:// URL, got "http://localhost:6379/"');
    await expect(tune({ ...base, queue: 6379 as never })).rejects.toThrow('queue: expected a redis:// or rediss:// URL, got 6379');
    await expect(tune({ ...base, queue: 'redis://127.0.0.1:1' })).rejects.toThrow('cannot use Redis at redis://127.0.0.1:1: nothing listens there');
  });
});
