import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createRandom } from '../../algorithms/random/index.js';
import { runExperiment } from '../../src/loop/run.js';
import { createState, type ExperimentState } from '../../src/loop/state.js';
import type { Objective } from '../../trials/function-runner.js';
import { connectRedis } from '../../trials/queue/connection.js';
import { listWorkers } from '../../trials/queue/fleet.js';
import { experimentKeys, experimentNamespace, jobId, PREFIX, trialQueueName } from '../../trials/queue/keys.js';
import { JOB_VERSION, type TrialJob } from '../../trials/queue/messages.js';
import { createQueueRunner, type QueueRunner } from '../../trials/queue/producer.js';
import { startQueueWorker, type QueueWorker } from '../../trials/queue/worker.js';
import { makeExperiment } from '../support/experiment.js';
import { until } from '../support/processes.js';
import { startRedis, type TestRedis } from '../support/redis.js';

// The queue end to end on a real redis-server (no persistence) on a free loopback port:
// a controller's queue runner and in-process workers of this test.
let redis: TestRedis;
let dir: string;
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'scriba-queue-'));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const objectiveLoss: Objective = (p) => ({ loss: (p.x as number) * (p.k as number) });

async function worker(objective: Objective, extra: { name?: string; lockMs?: number; concurrency?: number } = {}): Promise<QueueWorker> {
  const w = await startQueueWorker({ url: redis.url, workDir: dir, objective, heartbeatMs: 200, ...extra });
  open.push(w);
  return w;
}

async function runner(ns: string, extra: { checkMs?: number; log?: (line: string) => void } = {}): Promise<QueueRunner> {
  const r = await createQueueRunner({ url: redis.url, namespace: ns, kind: 'function', checkMs: 200, ...extra });
  open.push(r);
  return r;
}

function lossOf(state: ExperimentState, name: string): number {
  const t = state.trials.find((x) => x.name === name);
  return Number(t?.observation?.metrics.find((m) => m.name === 'loss')?.latest);
}

describe('the Redis trial queue', () => {
  test('three workers finish an experiment; every trial counted once, with its own value', async () => {
    const workers = await Promise.all(['a', 'b', 'c'].map((name) => worker(objectiveLoss, { name })));
    const experiment = makeExperiment({ maxTrialCount: 24, parallelTrialCount: 6 });
    experiment.metadata.name = 'three-workers';
    const r = await runner(experimentNamespace('three-workers', '1'));
    const state = await runExperiment({ experiment, algorithm: createRandom(), runner: r, seed: 1 });
    expect(state.trials).toHaveLength(24);
    for (const t of state.trials) {
      expect(t.condition).toBe('Succeeded');
      const x = Number(t.parameterAssignments.find((a) => a.name === 'x')?.value);
      const k = Number(t.parameterAssignments.find((a) => a.name === 'k')?.value);
      expect(lossOf(state, t.name)).toBeCloseTo(x * k, 12);
      expect(state.logs.get(t.name)).toHaveLength(1);
    }
    expect(workers.reduce((n, w) => n + w.finished, 0)).toBe(24);
    const fleet = await listWorkers(await client());
    expect(fleet.map((w) => w.name)).toEqual(['a', 'b', 'c']);
    expect(fleet.every((w) => w.alive)).toBe(true);
    await r.cleanup();
    expect(await (await client()).keys(`${PREFIX}:exp:${experimentNamespace('three-workers', '1')}:*`)).toEqual([]);
  });

  test('observations stream while a trial runs, so early stopping stops trials on the workers', async () => {
    // Trials report loss = 1 + k·x at every step until told to stop; medianstop stops the worse ones.
    let calls = 0;
    const objective: Objective = async (p, context) => {
      calls++;
      for (let step = 1; step <= 200; step++) {
        if (context.report({ loss: 1 + (p.k as number) * (p.x as number) })) return;
        await new Promise((r) => setTimeout(r, 5));
      }
      return { loss: 1 + (p.k as number) * (p.x as number) };
    };
    await worker(objective, { name: 'es', concurrency: 3 });
    const experiment = makeExperiment({
      maxTrialCount: 12,
      parallelTrialCount: 3,
      earlyStopping: { algorithmName: 'medianstop', algorithmSettings: [{ name: 'min_trials_required', value: '2' }, { name: 'start_step', value: '2' }] },
    });
    experiment.metadata.name = 'streamed';
    const r = await runner(experimentNamespace('streamed', '1'));
    const state = await runExperiment({ experiment, algorithm: createRandom(), runner: r, seed: 5 });
    const stopped = state.trials.filter((t) => t.condition === 'EarlyStopped');
    expect(stopped.length).toBeGreaterThan(0);
    for (const t of stopped) expect((state.logs.get(t.name) ?? []).length).toBeLessThan(200);
    expect(calls).toBe(12);
  });

  test('a job delivered again after its result is recorded is not run again', async () => {
    let calls = 0;
    await worker((p) => {
      calls++;
      return { loss: p.x as number };
    });
    const ns = experimentNamespace('again', '1');
    const experiment = makeExperiment({ maxTrialCount: 2, parallelTrialCount: 1 });
    experiment.metadata.name = 'again';
    const r = await runner(ns);
    const state = await runExperiment({ experiment, algorithm: createRandom(), runner: r, seed: 2 });
    expect(calls).toBe(2);
    // The first trial's job, delivered a second time (as at-least-once delivery may).
    const c = await client();
    const first = state.trials[0]?.name as string;
    const run = (JSON.parse((await c.hget(experimentKeys(ns).runs, first)) as string) as { run: string }).run;
    const queue = new Queue(trialQueueName(0), { connection: c, prefix: PREFIX });
    open.push(queue);
    const data: TrialJob = {
      v: JOB_VERSION, ns, run, kind: 'function', experiment,
      trial: { name: first, parameterAssignments: state.trials[0]?.parameterAssignments ?? [] }, gpus: 0,
    };
    const ends = async () => (await c.xrange(experimentKeys(ns).events, '-', '+')).filter(([, f]) => f.includes('end') && f.includes(first)).length;
    expect(await ends()).toBe(1);
    await queue.add('trial', data, { jobId: jobId(ns, first, run) });
    // The worker says the recorded end again, and runs nothing.
    await eventually(async () => (await ends()) === 2);
    expect(calls).toBe(2);
  });

  test('a malformed job fails with a message naming the field, and the worker goes on', async () => {
    const lines: string[] = [];
    await startQueueWorker({ url: redis.url, workDir: dir, objective: objectiveLoss, log: (l) => lines.push(l) }).then((w) => open.push(w));
    const c = await client();
    const queue = new Queue(trialQueueName(0), { connection: c, prefix: PREFIX });
    open.push(queue);
    const job = await queue.add('trial', { v: JOB_VERSION, ns: 'x.1', run: 'r', kind: 'shell' }, { jobId: 'malformed/1' });
    await until(() => lines.length > 0);
    expect(lines[0]).toContain('malformed trial job: kind: expected "process" or "function"');
    await eventually(async () => (await queue.getJobState(String(job.id))) === 'failed');
    // And still runs a good experiment.
    const experiment = makeExperiment({ maxTrialCount: 3, parallelTrialCount: 3 });
    experiment.metadata.name = 'after-malformed';
    const state = await runExperiment({ experiment, algorithm: createRandom(), runner: await runner(experimentNamespace('after-malformed', '1')), seed: 3 });
    expect(state.trials.map((t) => t.condition)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
  });

  test('Redis restarting empty mid-experiment loses nothing the store recorded; the experiment completes', async () => {
    const gate = { open: false };
    const seen = new Set<string>();
    await worker(async (p, context) => {
      seen.add(context.trialName);
      while (!gate.open && !context.signal.aborted) await new Promise((r) => setTimeout(r, 10));
      return { loss: p.x as number };
    });
    const experiment = makeExperiment({ maxTrialCount: 6, parallelTrialCount: 3 });
    experiment.metadata.name = 'restart';
    const notices: string[] = [];
    const r = await runner(experimentNamespace('restart', '1'), { log: (l) => notices.push(l) });
    const state = createState(experiment, 4);
    const done = runExperiment({ experiment: state, algorithm: createRandom(), runner: r });
    // One trial runs (the worker's concurrency is 1), two wait in the queue: Redis loses all three jobs.
    await until(() => seen.size === 1);
    await redis.restart();
    gate.open = true;
    const final = await done;
    expect(final.trials).toHaveLength(6);
    expect(final.trials.every((t) => t.condition === 'Succeeded')).toBe(true);
    // The running trial's worker reports its end to the new Redis; the two waiting ones are enqueued again.
    expect(notices.filter((l) => l.includes('its job is gone from the queue (did Redis restart?); enqueued again from the start'))).toHaveLength(2);
    expect(seen.size).toBe(6);
  });

  test('two experiments on one queue take turns: a small one is not starved by a large one enqueued first', async () => {
    const order: string[] = [];
    const objective: Objective = (p) => {
      order.push((p.x as number) >= 10 ? 'small' : 'big');
      return { loss: p.x as number };
    };
    const big = makeExperiment({ maxTrialCount: 20, parallelTrialCount: 20 });
    big.metadata.name = 'big';
    const small = makeExperiment({ maxTrialCount: 2, parallelTrialCount: 2, parameters: [{ name: 'x', parameterType: 'double', feasibleSpace: { min: '10', max: '11' } }] });
    small.metadata.name = 'small';
    const waiting = new Queue(trialQueueName(0), { connection: await client(), prefix: PREFIX });
    open.push(waiting);
    const queued = async (n: number): Promise<void> => {
      while ((await waiting.getJobCountByTypes('prioritized', 'wait')) < n) await new Promise((r) => setImmediate(r));
    };
    // All of big's trials are waiting before small's arrive, and before any worker runs.
    const bigRun = runExperiment({ experiment: big, algorithm: createRandom(), runner: await runner(experimentNamespace('big', '1')), seed: 1 });
    await queued(20);
    const smallRun = runExperiment({ experiment: small, algorithm: createRandom(), runner: await runner(experimentNamespace('small', '1')), seed: 2 });
    await queued(22);
    await worker(objective, { name: 'one-at-a-time', concurrency: 1 });
    const [bigState, smallState] = await Promise.all([bigRun, smallRun]);
    expect(bigState.trials.every((t) => t.condition === 'Succeeded')).toBe(true);
    expect(smallState.trials.every((t) => t.condition === 'Succeeded')).toBe(true);
    expect(order).toHaveLength(22);
    // First come, first served would run small's two trials last (21st and 22nd).
    expect(order.lastIndexOf('small')).toBeLessThan(6);
  });
});

let shared: Redis | undefined;
async function client(): Promise<Redis> {
  if (!shared || shared.status === 'end') {
    shared = await connectRedis(redis.url);
    open.push({ close: async () => void (await shared?.quit().catch(() => undefined), (shared = undefined)) });
  }
  return shared;
}

/** Polls an asynchronous condition; fails after `ms` (a bound for a stuck test, not a timing). */
async function eventually(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
