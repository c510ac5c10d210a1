import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { BIN, ROOT, tempDirForFile } from '../support/cli.js';
import { isAlive, until } from '../support/processes.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { connectRedis } from '../../trials/queue/connection.js';
import { makeCertificates } from '../suggestion-service/support.js';

// `scriba run --queue` and `scriba worker` as a user runs them: the built bin, real trial
// processes, a real SQLite file and a real redis-server (no persistence) on a free port.
const tmp = tempDirForFile('scriba-queue-cli-');
/** A folder of its own for one test: its trials' start and end records are its alone. */
function folder(name: string): string {
  const dir = join(tmp(), name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
const exec = promisify(execFile);
let redis: TestRedis;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(children.splice(0).map(stopChild));
});
afterAll(async () => {
  await redis?.stop();
});

// A trial program: records its start (pid, devices) and end, waits for a gate file if given,
// and prints loss=x once per step.
const TRIAL = String.raw`
import { appendFileSync, existsSync } from 'node:fs';
const [x, dir, steps, gate, stepMs] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const name = process.env.KATIB_TRIAL_NAME;
appendFileSync(dir + '/starts', JSON.stringify({ name, pid: process.pid, gpus: process.env.CUDA_VISIBLE_DEVICES ?? '', experimentDir: process.env.SCRIBA_EXPERIMENT_DIR, t: Date.now() }) + '\n');
while (gate !== '-' && !existsSync(gate)) await sleep(20);
for (let s = 1; s <= Number(steps); s++) {
  console.log('loss=' + x + ' step=' + s);
  if (Number(stepMs) > 0) await sleep(Number(stepMs));
}
appendFileSync(dir + '/ends', JSON.stringify({ name, t: Date.now() }) + '\n');
`;

interface Spec {
  name: string;
  trials: number;
  parallel: number;
  gpus?: number;
  steps?: number;
  stepMs?: number;
  gate?: string;
  earlyStopping?: string;
  /** Grid over x in steps of 0.1 instead of random draws. */
  grid?: boolean;
}

/** An Experiment file whose trials run the trial program above; returns its path. */
function experimentFile(dir: string, s: Spec): string {
  const program = join(dir, 'trial.mjs');
  writeFileSync(program, TRIAL);
  const limits = s.gpus ? `\n                  resources: { limits: { nvidia.com/gpu: ${s.gpus} } }` : '';
  const yaml = `apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: { name: ${s.name} }
spec:
  objective: { type: minimize, objectiveMetricName: loss }
  algorithm: { algorithmName: ${s.grid ? 'grid' : 'random'} }${s.earlyStopping ?? ''}
  parallelTrialCount: ${s.parallel}
  maxTrialCount: ${s.trials}
  maxFailedTrialCount: 0
  parameters:
    - { name: x, parameterType: double, feasibleSpace: { min: "0.1", max: "${s.grid ? '0.9' : '1'}"${s.grid ? ', step: "0.1"' : ''} } }
  trialTemplate:
    primaryContainerName: training
    trialParameters: [{ name: x, reference: x }]
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            restartPolicy: Never
            containers:
                - name: training
                  image: node:20
                  command: [node, ${program}, "\${trialParameters.x}", ${dir}, "${s.steps ?? 1}", "${s.gate ?? '-'}", "${s.stepMs ?? 0}"]${limits}
`;
  const file = join(dir, `${s.name}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

/** Starts `scriba worker`; resolves once it takes trials. */
async function worker(dir: string, args: string[]): Promise<ChildProcess & { lines: string[] }> {
  const work = join(dir, 'work');
  const child = Object.assign(spawn(process.execPath, [BIN, 'worker', '--queue', redis.url, '--work-dir', work, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }), { lines: [] as string[] });
  children.push(child);
  child.stderr?.on('data', (d: Buffer) => child.lines.push(...d.toString().split('\n').filter(Boolean)));
  await until(() => child.lines.some((l) => l.includes('taking trials from')) || child.exitCode !== null);
  if (child.exitCode !== null) throw new Error(`scriba worker exited: ${child.lines.join('\n')}`);
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function scriba(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return exec(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 120_000 });
}

function records(file: string): Array<{ name: string; pid: number; gpus: string; experimentDir?: string; t: number }> {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

async function trialsOf(db: string, experiment: string): Promise<Array<{ name: string; condition: string }>> {
  const out = JSON.parse((await scriba(['get', 'trials', experiment, '--db', db, '-o', 'json'])).stdout) as { items?: Array<{ name: string; condition: string }> };
  return out.items ?? (out as unknown as Array<{ name: string; condition: string }>);
}

// Each test runs whole experiments through real processes: a generous bound, never a wait.
describe('scriba run --queue with scriba worker processes', { timeout: 120_000 }, () => {
  test('two workers finish an experiment; get workers shows the fleet', async () => {
    const dir = folder('two');
    await worker(dir, ['--name', 'w1', '--concurrency', '2']);
    await worker(dir, ['--name', 'w2', '--concurrency', '2']);
    const file = experimentFile(dir, { name: 'two-workers', trials: 8, parallel: 4, steps: 3 });
    const db = join(dir, 'two.db');
    const { stdout } = await scriba(['run', file, '--db', db, '--queue', redis.url, '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'Succeeded', trials: { total: 8, succeeded: 8 } });
    const starts = records(join(dir, 'starts'));
    expect(new Set(starts.map((s) => s.name)).size).toBe(8);
    expect(starts).toHaveLength(8);
    // The workers run in another folder; the trials still get the Experiment file's folder.
    for (const s of starts) expect(s.experimentDir).toBe(dir);
    const fleet = JSON.parse((await scriba(['get', 'workers', '--queue', redis.url, '-o', 'json'])).stdout) as Array<{ name: string; alive: boolean }>;
    expect(fleet.map((w) => [w.name, w.alive])).toEqual([['w1', true], ['w2', true]]);
    const table = (await scriba(['get', 'workers', '--queue', redis.url])).stdout;
    expect(table).toMatch(/^NAME\s+STATUS\s+HOST\s+GPUS\s+RUNNING\s+HEARTBEAT/);
    expect(table).toMatch(/\nw1\s+Ready\s/);
  });

  test('--gpus 0,1,2,3 on a CPU machine: trials of two experiments never share a device', async () => {
    const dir = folder('gpus');
    await worker(dir, ['--name', 'gpus', '--gpus', '0,1,2,3', '--concurrency', '4']);
    const db = join(dir, 'gpus.db');
    const two = experimentFile(dir, { name: 'two-gpus', trials: 6, parallel: 3, gpus: 2, steps: 3, stepMs: 30 });
    const one = experimentFile(dir, { name: 'one-gpu', trials: 8, parallel: 4, gpus: 1, steps: 3, stepMs: 30 });
    const [a, b] = await Promise.all([
      scriba(['run', two, '--db', join(dir, 'gpus-a.db'), '--queue', redis.url, '--json']),
      scriba(['run', one, '--db', db, '--queue', redis.url, '--json']),
    ]);
    expect(JSON.parse(a.stdout)).toMatchObject({ status: 'Succeeded', trials: { succeeded: 6 } });
    expect(JSON.parse(b.stdout)).toMatchObject({ status: 'Succeeded', trials: { succeeded: 8 } });
    const ends = new Map(records(join(dir, 'ends')).map((e) => [e.name, e.t]));
    const starts = records(join(dir, 'starts'));
    expect(starts).toHaveLength(14);
    for (const s of starts) expect(s.gpus.split(',')).toHaveLength(s.name.startsWith('two-gpus') ? 2 : 1);
    for (const s of starts) {
      for (const o of starts) {
        if (s === o) continue;
        const overlap = s.t < (ends.get(o.name) as number) && o.t < (ends.get(s.name) as number);
        if (overlap) expect(s.gpus.split(',').filter((g) => o.gpus.split(',').includes(g)), `${s.name} and ${o.name}`).toEqual([]);
      }
    }
  });

  test('kill -9 of a worker mid-trial: the trial runs again on another worker, counted once', async () => {
    const dir = folder('killed');
    const gate = join(dir, 'gate-kill');
    const a = await worker(dir, ['--name', 'doomed', '--lock-seconds', '2']);
    const file = experimentFile(dir, { name: 'worker-killed', trials: 1, parallel: 1, steps: 4, gate });
    const db = join(dir, 'killed.db');
    const run = scriba(['run', file, '--db', db, '--queue', redis.url, '--json']);
    await until(() => records(join(dir, 'starts')).some((s) => s.name.startsWith('worker-killed')));
    const first = records(join(dir, 'starts')).find((s) => s.name.startsWith('worker-killed'));
    a.kill('SIGKILL');
    // The trial's processes die with their worker.
    await until(() => !isAlive(first?.pid as number));
    writeFileSync(gate, '');
    await worker(dir, ['--name', 'rescuer', '--lock-seconds', '2']);
    const { stdout } = await run;
    expect(JSON.parse(stdout)).toMatchObject({ status: 'Succeeded', trials: { total: 1, succeeded: 1 } });
    const starts = records(join(dir, 'starts')).filter((s) => s.name.startsWith('worker-killed'));
    expect(starts.map((s) => s.name)).toEqual([first?.name, first?.name]);
    const trial = JSON.parse((await scriba(['get', 'trial', first?.name as string, '--db', db, '-o', 'json'])).stdout) as { observationLog: Array<{ name: string }> };
    // The log is the second attempt's alone: 4 steps.
    expect(trial.observationLog.filter((l) => l.name === 'loss')).toHaveLength(4);
  });

  test('Ctrl-C of a worker mid-trial: its trial goes back to the queue at once and runs on another worker', async () => {
    const dir = folder('closing');
    const gate = join(dir, 'gate-close');
    const a = await worker(dir, ['--name', 'leaving']);
    const file = experimentFile(dir, { name: 'worker-left', trials: 1, parallel: 1, steps: 2, gate });
    const run = scriba(['run', file, '--db', join(dir, 'closing.db'), '--queue', redis.url, '--json']);
    await until(() => records(join(dir, 'starts')).length === 1);
    const first = records(join(dir, 'starts'))[0];
    a.kill('SIGINT');
    await new Promise((r) => a.once('exit', r));
    expect(a.lines.join('\n')).toContain('SIGINT: stopping; its running trials go back to the queue');
    await until(() => !isAlive(first?.pid as number));
    writeFileSync(gate, '');
    await worker(dir, ['--name', 'staying']);
    const { stdout } = await run;
    expect(JSON.parse(stdout)).toMatchObject({ status: 'Succeeded', trials: { total: 1, succeeded: 1 } });
    expect(records(join(dir, 'starts')).map((s) => s.name)).toEqual([first?.name, first?.name]);
    expect(records(join(dir, 'ends')).map((s) => s.name)).toEqual([first?.name]);
  });

  test('kill -9 of the controller, then resume: it re-attaches to the trials still running on the worker', async () => {
    const dir = folder('controller');
    const gate = join(dir, 'gate-controller');
    await worker(dir, ['--name', 'steady', '--concurrency', '2']);
    const file = experimentFile(dir, { name: 'controller-killed', trials: 4, parallel: 2, steps: 2, gate });
    const db = join(dir, 'controller.db');
    const controller = spawn(process.execPath, [BIN, 'run', file, '--db', db, '--queue', redis.url, '--json'], { cwd: ROOT, stdio: 'ignore' });
    children.push(controller);
    const mine = () => records(join(dir, 'starts')).filter((s) => s.name.startsWith('controller-killed'));
    await until(() => mine().length === 2);
    controller.kill('SIGKILL');
    await new Promise((r) => controller.once('exit', r));
    writeFileSync(gate, '');
    // The two trials finish on the worker while no controller runs.
    await until(() => records(join(dir, 'ends')).filter((s) => s.name.startsWith('controller-killed')).length === 2);
    const { stdout } = await scriba(['resume', 'controller-killed', '--db', db, '--queue', redis.url, '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'Succeeded', trials: { total: 4, succeeded: 4 } });
    // Each trial ran once: the first two were not run again.
    const names = mine().map((s) => s.name);
    expect(names).toHaveLength(4);
    expect(new Set(names).size).toBe(4);
    for (const t of await trialsOf(db, 'controller-killed')) expect(t.condition).toBe('Succeeded');
  });

  test('delete experiment --queue after kill -9 of the controller: its trials on the worker stop, its keys go', async () => {
    const dir = folder('delete');
    await worker(dir, ['--name', 'deleting', '--concurrency', '2']);
    const file = experimentFile(dir, { name: 'deleted-live', trials: 4, parallel: 2, steps: 2, gate: join(dir, 'never') });
    const db = join(dir, 'delete.db');
    const controller = spawn(process.execPath, [BIN, 'run', file, '--db', db, '--queue', redis.url, '--json'], { cwd: ROOT, stdio: 'ignore' });
    children.push(controller);
    await until(() => records(join(dir, 'starts')).length === 2);
    controller.kill('SIGKILL');
    await new Promise((r) => controller.once('exit', r));
    const { stderr, stdout } = await scriba(['delete', 'experiment', 'deleted-live', '--db', db, '--queue', redis.url]);
    expect(stderr).toContain('stopped 2 trials of deleted-live still running on workers');
    expect(stdout).toContain('experiment "deleted-live" deleted');
    for (const s of records(join(dir, 'starts'))) await until(() => !isAlive(s.pid));
    const client = await connectRedis(redis.url);
    try {
      expect(await client.keys('scriba:exp:deleted-live.*')).toEqual([]);
      const jobs = await client.keys('scriba:trials*:deleted-live.*');
      expect(jobs).toEqual([]);
    } finally {
      client.disconnect();
    }
    expect(records(join(dir, 'ends'))).toEqual([]);
  });

  test('early stopping stops trials running on a worker, and their processes', async () => {
    const dir = folder('es');
    await worker(dir, ['--name', 'es', '--concurrency', '3']);
    const file = experimentFile(dir, {
      name: 'queue-median',
      grid: true,
      trials: 9,
      parallel: 3,
      steps: 60,
      stepMs: 40,
      earlyStopping: `\n  earlyStopping: { algorithmName: medianstop, algorithmSettings: [{ name: min_trials_required, value: "2" }, { name: start_step, value: "3" }] }`,
    });
    const db = join(dir, 'es.db');
    const { stdout } = await scriba(['run', file, '--db', db, '--queue', redis.url, '--json']);
    const summary = JSON.parse(stdout) as { status: string; trials: { total: number; earlyStopped: number; succeeded: number } };
    expect(summary.status).toBe('Succeeded');
    expect(summary.trials.earlyStopped).toBeGreaterThan(0);
    expect(summary.trials.earlyStopped + summary.trials.succeeded).toBe(9);
    const ended = new Set(records(join(dir, 'ends')).map((e) => e.name));
    for (const t of await trialsOf(db, 'queue-median')) {
      if (t.condition !== 'EarlyStopped') continue;
      expect(ended.has(t.name), `${t.name} ran to its end`).toBe(false);
      const pid = records(join(dir, 'starts')).find((s) => s.name === t.name)?.pid as number;
      await until(() => !isAlive(pid));
    }
  });

  test('rediss:// with a password: TLS to Redis, the private CA trusted through NODE_EXTRA_CA_CERTS', async () => {
    const dir = folder('tls');
    const certs = makeCertificates();
    const secure = await startRedis({ tls: certs.dir, password: 'p@ss' });
    let child: ChildProcess | undefined;
    try {
      const env = { ...process.env, NODE_EXTRA_CA_CERTS: join(certs.dir, 'ca.crt') };
      child = spawn(process.execPath, [BIN, 'worker', '--queue', secure.url, '--work-dir', join(dir, 'work'), '--name', 'tls'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
      children.push(child);
      let err = '';
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      await until(() => err.includes('taking trials from') || child?.exitCode !== null);
      expect(err).toContain(`taking trials from rediss://:***@127.0.0.1:${secure.port}`);
      const file = experimentFile(dir, { name: 'over-tls', trials: 2, parallel: 2 });
      const { stdout } = await exec(process.execPath, [BIN, 'run', file, '--db', join(dir, 'tls.db'), '--queue', secure.url, '--json'], { cwd: ROOT, env, timeout: 120_000 });
      expect(JSON.parse(stdout)).toMatchObject({ status: 'Succeeded', trials: { total: 2, succeeded: 2 } });
      // Without the CA the certificate is refused, and the message says what to do.
      const untrusted = (await scriba(['get', 'workers', '--queue', secure.url]).catch((e: unknown) => e)) as { code: number; stderr: string };
      expect(untrusted.code).toBe(69);
      expect(untrusted.stderr).toContain('its TLS certificate is not trusted');
      expect(untrusted.stderr).toContain('NODE_EXTRA_CA_CERTS');
    } finally {
      if (child) await stopChild(child);
      await secure.stop();
      rmSync(certs.dir, { recursive: true, force: true });
    }
  });

  test('an unreachable Redis or a wrong password is one clear line and exit 69', async () => {
    const dir = folder('down');
    const file = experimentFile(dir, { name: 'no-redis', trials: 1, parallel: 1 });
    const down = (await scriba(['run', file, '--db', join(dir, 'x.db'), '--queue', 'redis://127.0.0.1:1']).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(down.code).toBe(69);
    expect(down.stderr).toContain('cannot use Redis at redis://127.0.0.1:1: nothing listens there');
    const secured = await startRedis({ password: 'right' });
    try {
      const wrong = secured.url.replace(':right@', ':wrong@');
      const refused = (await exec(process.execPath, [BIN, 'worker', '--queue', wrong], { cwd: ROOT }).catch((e: unknown) => e)) as { code: number; stderr: string };
      expect(refused.code).toBe(69);
      expect(refused.stderr).toContain('the password was refused (WRONGPASS)');
      expect(refused.stderr).not.toContain(':wrong@');
    } finally {
      await secured.stop();
    }
    const bad = (await scriba(['run', file, '--queue', 'http://x', '--db', join(dir, 'y.db')]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--queue: expected a redis:// or rediss:// URL');
    const gpus = (await scriba(['run', file, '--queue', redis.url, '--gpus', '0', '--db', join(dir, 'z.db')]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(gpus.code).toBe(2);
    expect(gpus.stderr).toContain("--gpus: with --queue, GPUs are the workers'");
  });
});
