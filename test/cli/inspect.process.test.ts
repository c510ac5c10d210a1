import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { jobExperimentYaml } from '../support/katib-yaml.js';
import { scriba, start, trialsIn, waitFor } from './support.js';

// get, describe, delete and logs -f on stores that real runs wrote, and what they show of
// an experiment whose runner is gone.
// Each test starts several processes; a loaded machine takes its time.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-inspect-'));
});
afterAll(async () => {
  await writeFile(join(dir, 'gate'), ''); // any trial still waiting ends on its own
  await rm(dir, { recursive: true, force: true });
});

async function experimentFile(name: string, o: { max: number; parallel: number; command: string; spec?: string }): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, jobExperimentYaml({ name, maxTrialCount: o.max, parallelTrialCount: o.parallel, command: o.command, ...(o.spec ? { spec: o.spec } : {}) }));
  return file;
}

// What a Katib example does on a host without its image: the script is not there.
const MISSING = `python3: can't open file '/opt/pytorch-mnist/mnist.py': [Errno 2] No such file or directory`;

describe('a failed experiment says why its trials failed', () => {
  let db: string;
  test('run: summary, --json, get experiment and describe', async () => {
    db = join(dir, 'failing.db');
    const script = join(dir, 'fail.sh');
    await writeFile(script, `echo "epoch $1"\necho "${MISSING}" >&2\nexit 2\n`);
    const file = await experimentFile('failing', {
      max: 4,
      parallel: 2,
      spec: '  maxFailedTrialCount: 3',
      command: `[sh, ${JSON.stringify(script)}, "\${trialParameters.x}"]`,
    });
    const run = await scriba(['run', file, '--db', db, '--gpus', 'none']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Experiment failing Failed (ExperimentFailed)');
    expect(run.stdout).toMatch(new RegExp(`^[34] trials failed: exit code 2: ${MISSING.replace(/[[\]()]/g, '\\$&')}$`, 'm'));

    const json = await scriba(['get', 'experiment', 'failing', '--db', db, '-o', 'json']);
    const view = JSON.parse(json.stdout) as { name: string; status: string; failures: { message: string; count: number }[] };
    expect(view).toMatchObject({ name: 'failing', status: 'Failed' });
    expect(view.failures).toEqual([{ message: `exit code 2: ${MISSING}`, count: expect.any(Number) }]);
    expect(view.failures[0]?.count).toBeGreaterThanOrEqual(3);

    const get = await scriba(['get', 'experiment', 'failing', '--db', db]);
    expect(get.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+REASON\s+TRIALS\s+SUCCEEDED\s+FAILED\s+BEST\(loss\)\s+AGE$/);
    expect(get.stdout).toMatch(/^failing\s+Failed\s+ExperimentFailed\s/m);
    expect(get.stdout).toContain(`trials failed: exit code 2: ${MISSING}`);

    const describe = await scriba(['describe', 'experiment', 'failing', '--db', db]);
    expect(describe.code).toBe(0);
    expect(describe.stdout).toMatch(/^Status:\s+Failed \(ExperimentFailed\)$/m);
    expect(describe.stdout).toMatch(/^Algorithm:\s+random \(random_state=3\)$/m);
    expect(describe.stdout).toMatch(/^Early stopping:\s+<none>$/m);
    expect(describe.stdout).toMatch(/^Failures:\n {2}\d trials failed: exit code 2: python3/m);
    expect(describe.stdout).toMatch(/^ {2}x\s+double\s+min 0, max 1/m);
  });
});

describe('get, describe and delete on a finished experiment', () => {
  const db = () => join(dir, 'two.db');
  let trial: string;
  beforeAll(async () => {
    for (const name of ['alpha', 'beta']) {
      const file = await experimentFile(name, { max: 2, parallel: 2, command: `[sh, -c, 'echo "loss=\${trialParameters.x}"']` });
      expect((await scriba(['run', file, '--db', db(), '--gpus', 'none', '--json'])).code).toBe(0);
    }
    trial = JSON.parse((await scriba(['get', 'trials', 'alpha', '--db', db(), '--json'])).stdout)[0].name as string;
  });

  test('get experiment NAME shows that one; an unknown name is NotFound (exit 1)', async () => {
    const one = await scriba(['get', 'experiment', 'beta', '--db', db()]);
    expect(one.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(one.stdout).toMatch(/^beta\s+Succeeded\s+ExperimentMaxTrialsReached\s+2\s+2\s+0\s+0\.\d+\s+\d+s$/m);
    expect(await scriba(['get', 'experiments', 'gamma', '--db', db()])).toEqual({ code: 1, stdout: '', stderr: `scriba: experiments "gamma" not found in ${db()}\n` });
    expect(await scriba(['get', 'trial', 'nope', '--db', db()])).toMatchObject({ code: 1, stderr: `scriba: trials "nope" not found in ${db()}\n` });
  });

  test('-o name, yaml, wide and json on every get', async () => {
    expect((await scriba(['get', 'experiments', '-o', 'name', '--db', db()])).stdout).toBe('experiment/alpha\nexperiment/beta\n');
    expect((await scriba(['get', 'trials', 'alpha', '-o', 'name', '--db', db()])).stdout).toMatch(/^trial\/alpha-\w{8}\ntrial\/alpha-\w{8}\n$/);
    expect((await scriba(['get', 'trial', trial, '-o', 'name', '--db', db()])).stdout).toBe(`trial/${trial}\n`);
    const yaml = parse((await scriba(['get', 'experiment', 'alpha', '-o', 'yaml', '--db', db()])).stdout) as { name: string; trials: { total: number } };
    expect(yaml).toMatchObject({ name: 'alpha', trials: { total: 2 } });
    const list = JSON.parse((await scriba(['get', 'experiments', '--json', '--db', db()])).stdout) as { name: string }[];
    expect(list.map((e) => e.name)).toEqual(['alpha', 'beta']);
    const wide = await scriba(['get', 'experiments', '-o', 'wide', '--db', db()]);
    expect(wide.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+REASON\s+TRIALS\s+RUNNING\s+SUCCEEDED\s+FAILED\s+EARLYSTOPPED\s+ALGORITHM\s+BEST\(loss\)\s+BEST-TRIAL\s+AGE$/);
    expect(wide.stdout).toMatch(/^alpha\s+Succeeded\s+\S+\s+2\s+0\s+2\s+0\s+0\s+random\s+/m);
    const full = JSON.parse((await scriba(['get', 'trial', trial, '-o', 'json', '--db', db()])).stdout) as { experiment: string; observationLog: unknown[] };
    expect(full).toMatchObject({ experiment: 'alpha', observationLog: [expect.objectContaining({ name: 'loss' })] });
    expect((await scriba(['get', 'trial', trial, '-o', 'yaml', '--db', db()])).stdout).toMatch(/^observationLog:$/m);
    const row = await scriba(['get', 'trial', trial, '--db', db()]);
    expect(row.stdout).toMatch(new RegExp(`^NAME\\s+STATUS\\s+LOSS\\s+X\\s+AGE\\n${trial}\\s+Succeeded\\s+0\\.\\d+\\s+0\\.\\d+\\s+\\d+s\\n$`));
    expect(await scriba(['get', 'trials', 'alpha', '-o', 'yaml', '--json', '--db', db()])).toMatchObject({ code: 2, stderr: 'scriba: --json and -o yaml ask for different formats; give one\n' });
  });

  test('numbers: 6 significant digits in tables', async () => {
    const rows = (await scriba(['get', 'trials', 'alpha', '--db', db()])).stdout.trimEnd().split('\n').slice(1);
    for (const row of rows) {
      const [, , loss, x] = row.split(/\s+/);
      expect(loss).toBe(x);
      expect(loss?.replace(/^0\.0*/, '').length).toBeLessThanOrEqual(6);
    }
  });

  test('describe trial', async () => {
    const { code, stdout } = await scriba(['describe', 'trial', trial, '--db', db()]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Name:\\s+${trial}$`, 'm'));
    expect(stdout).toMatch(/^Experiment:\s+alpha$/m);
    expect(stdout).toMatch(/^Status:\s+Succeeded \(TrialSucceeded\)$/m);
    expect(stdout).toMatch(/^Observation log:\s+1 rows$/m);
    expect(stdout).toMatch(/^ {2}loss\s+0\.\d+\s+0\.\d+\s+0\.\d+$/m);
  });

  test('delete experiment removes it, its trials and their directories, and leaves the others', async () => {
    const trials = join(dir, 'trials');
    expect(existsSync(join(trials, 'alpha', trial))).toBe(true);
    expect(await scriba(['delete', 'experiment', 'alpha', '--db', db()])).toEqual({ code: 0, stdout: 'experiment "alpha" deleted\n', stderr: '' });
    expect(existsSync(join(trials, 'alpha'))).toBe(false);
    expect(existsSync(join(trials, 'beta'))).toBe(true);
    expect((await scriba(['get', 'experiments', '-o', 'name', '--db', db()])).stdout).toBe('experiment/beta\n');
    expect((await scriba(['get', 'trial', trial, '--db', db()])).code).toBe(1);
    expect(await scriba(['delete', 'experiment', 'alpha', '--db', db()])).toMatchObject({ code: 1, stderr: `scriba: experiments "alpha" not found in ${db()}\n` });
    expect((await scriba(['delete', 'experiment', 'alpha', '--ignore-not-found', '--db', db()])).code).toBe(0);
  });
});

describe('a run in progress, and one whose runner is gone', () => {
  // Each trial prints a line, then waits for a file the test writes: it runs exactly as long as the test needs.
  const gate = () => join(dir, 'gate');
  const waiting = (name: string) =>
    experimentFile(name, {
      max: 2,
      parallel: 1,
      command: `[${JSON.stringify(process.execPath)}, -e, "console.log('step 1'); const fs = require('fs'); const t = setInterval(() => { if (fs.existsSync(process.argv[1])) { clearInterval(t); console.log('loss=' + process.argv[2]); } }, 20)", "${gate()}", "\${trialParameters.x}"]`,
    });

  test('logs -f follows a running trial until it ends', async () => {
    await rm(gate(), { force: true });
    const db = join(dir, 'follow.db');
    const run = start(['run', await waiting('follow'), '--db', db, '--gpus', 'none', '--json']);
    const first = await waitFor(() => trialsIn(db, 'Running')?.[0], 'a running trial');
    const follow = start(['logs', '-f', first, '--db', db]);
    await waitFor(() => (follow.stdout().includes('step 1') ? true : undefined), 'the first line of the trial');
    expect(follow.stdout()).not.toContain('loss=');
    await writeFile(gate(), '');
    expect(await follow.exited).toBe(0);
    expect(follow.stdout()).toMatch(/^step 1\nloss=0\.\d+\n$/);
    expect(await run.exited).toBe(0);
  });

  test('kill -9 of the runner: get and describe say Interrupted and how to resume; resume finishes it', async () => {
    await rm(gate(), { force: true });
    const db = join(dir, 'killed.db');
    const run = start(['run', await waiting('killed'), '--db', db, '--gpus', 'none', '--json']);
    await waitFor(() => trialsIn(db, 'Running')?.[0], 'a running trial');
    run.child.kill('SIGKILL');
    await run.exited;
    const get = await scriba(['get', 'experiments', '--db', db]);
    expect(get.stdout).toMatch(/^killed\s+Interrupted\s+ExperimentInterrupted\s/m);
    expect(get.stderr).toMatch(/^killed is Interrupted: no process is running it \(process \d+ is gone\); continue it with: scriba resume killed$/m);
    const describe = await scriba(['describe', 'experiment', 'killed', '--db', db]);
    expect(describe.stdout).toMatch(/^Status:\s+Interrupted \(ExperimentInterrupted\)$/m);
    expect(describe.stderr).toBe('Hint: scriba resume killed\n');
    await writeFile(gate(), '');
    const resumed = await scriba(['resume', 'killed', '--db', db, '--json', '--gpus', 'none']);
    expect(resumed.code).toBe(0);
    expect((await scriba(['get', 'experiment', 'killed', '--db', db])).stdout).toMatch(/^killed\s+Succeeded\s/m);
  });

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s: the running trials are pending again and the experiment is Interrupted', async (signal, code) => {
    await rm(gate(), { force: true });
    const db = join(dir, `interrupted-${signal}.db`);
    const run = start(['run', await waiting('interrupted'), '--db', db, '--gpus', 'none', '--json']);
    const running = [await waitFor(() => trialsIn(db, 'Running')?.[0], 'a running trial')];
    run.child.kill(signal);
    expect(await run.exited).toBe(code);
    expect(run.stderr()).toContain(`scriba: ${signal}: stopped; running trials will run again on \`scriba resume interrupted\``);
    expect(trialsIn(db, 'Running')).toEqual([]);
    expect(trialsIn(db, 'Created')).toEqual(running);
    const view = JSON.parse((await scriba(['get', 'experiment', 'interrupted', '-o', 'json', '--db', db])).stdout) as { status: string; message: string; owner: object };
    expect(view).toMatchObject({ status: 'Interrupted', owner: { alive: false } });
    expect(view.message).toBe('no process is running it (its run was stopped); continue it with: scriba resume interrupted');
  });
});
