import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { jobExperimentYaml } from '../support/katib-yaml.js';
import { trialProcesses, waitFor } from './support.js';

// kill -9 of `scriba run` (and of each `scriba resume`) at several moments, then a last
// resume: the experiment must end with exactly maxTrialCount trials, none lost, none twice.
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'dist/src/bin.js');
const MAX = 16;
let dir: string;

const experiment = jobExperimentYaml({
  name: 'crash-test',
  maxTrialCount: MAX,
  parallelTrialCount: 4,
  command: `[${JSON.stringify(process.execPath)}, -e, "setTimeout(() => console.log('loss=' + process.argv[1]), 150 + Math.floor(Math.random() * 350))", "\${trialParameters.x}"]`,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-crash-'));
  await writeFile(join(dir, 'crash.yaml'), experiment);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function start(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args, '--db', join(dir, 'scriba.db'), '--json', '--gpus', 'none'], { cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // With --json, stderr has one progress line per finished trial.
  const finished = () => stderr.split('\n').filter((l) => l.startsWith('crash-test: ')).length;
  return { child, exited, stdout: () => stdout, finished };
}


test('kill -9 at several moments, then resume: exactly maxTrialCount trials, none lost or counted twice', async () => {
  // Each kill lands after this many trials of that run finished, while the others run:
  // 9 of 16 at most, so every run is killed before the experiment ends, however slow the machine.
  const after = [1, 2, 1, 3, 2];
  let first = true;
  for (const count of after) {
    const p = start(first ? ['run', 'crash.yaml'] : ['resume', 'crash-test']);
    first = false;
    await waitFor(() => (p.finished() >= count ? true : undefined), `${count} finished trials`);
    p.child.kill('SIGKILL');
    await p.exited;
  }
  const last = start(['resume', 'crash-test']);
  expect(await last.exited).toBe(0);
  const summary = JSON.parse(last.stdout()) as { status: string; reason: string; trials: Record<string, number> };
  expect(summary).toMatchObject({ status: 'Succeeded', reason: 'ExperimentMaxTrialsReached' });
  expect(summary.trials).toMatchObject({ total: MAX, succeeded: MAX, failed: 0 });

  const { stdout } = await promisify(execFile)(process.execPath, [bin, 'get', 'trials', 'crash-test', '--db', join(dir, 'scriba.db'), '--json']);
  const trials = JSON.parse(stdout) as { name: string; condition: string; conditions: { reason: string }[]; observation: { metrics: { latest: string }[] }; parameterAssignments: { value: string }[] }[];
  expect(trials).toHaveLength(MAX);
  expect(new Set(trials.map((t) => t.name)).size).toBe(MAX);
  for (const t of trials) {
    expect(t.condition).toBe('Succeeded');
    // the objective is the trial's own x: a log row from another attempt or trial would show here
    expect(t.observation.metrics[0]?.latest).toBe(t.parameterAssignments[0]?.value);
    const { stdout: view } = await promisify(execFile)(process.execPath, [bin, 'get', 'trial', t.name, '--db', join(dir, 'scriba.db'), '--json']);
    expect((JSON.parse(view) as { observationLog: unknown[] }).observationLog).toHaveLength(1);
  }
  // the kills did interrupt running trials, which ran again
  expect(trials.some((t) => t.conditions.some((c) => c.reason === 'TrialRestarted'))).toBe(true);
  expect(trialProcesses('crash-test')).toEqual([]);
}, 120_000);
