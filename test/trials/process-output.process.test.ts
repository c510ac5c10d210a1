import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Experiment } from '../../src/experiment/types.js';
import type { MetricLog, TrialRecord } from '../../src/trial/types.js';
import { createCollector } from '../../metrics-collector/index.js';
import { failureKey } from '../../src/loop/failures.js';
import { createProcessRunner, trialDirectory, type CollectorFactory, type ProcessRunnerOptions } from '../../trials/process-runner.js';
import { makeExperiment } from '../support/experiment.js';
import { isAlive, until } from '../support/processes.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'scriba-output-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** A StdOut trial running `sh -c script`, minimising `loss`. */
function experiment(script: string): Experiment {
  return makeExperiment({
    parameters: [{ name: 'lr', parameterType: 'double', feasibleSpace: { min: '0', max: '1' } }],
    metricsCollectorSpec: { collector: { kind: 'StdOut' } },
    trialTemplate: {
      primaryContainerName: 'main',
      trialParameters: [{ name: 'lr', reference: 'lr' }],
      trialSpec: { apiVersion: 'batch/v1', kind: 'Job', spec: { template: { spec: { containers: [{ name: 'main', image: 'local', command: ['sh', '-c', script] }] } } } },
    },
  });
}

const trial: TrialRecord = { name: 't1', parameterAssignments: [{ name: 'lr', value: '0.5' }], condition: 'Running', conditions: [], creationTime: new Date().toISOString() };
const realCollector: CollectorFactory = (spec, report) => createCollector(spec, report);

function setup(options: Partial<ProcessRunnerOptions> = {}) {
  const workDir = join(tmp, 'work');
  const runner = createProcessRunner({ workDir, collector: realCollector, env: { PATH: process.env.PATH }, ...options });
  const logs: MetricLog[] = [];
  const dir = trialDirectory(workDir, 'loop-test', 't1');
  const run = (script: string, onReport: () => void = () => undefined) =>
    runner.run({ experiment: experiment(script), trial, report: (l) => (onReport(), logs.push(...l)), signal: new AbortController().signal });
  return { runner, run, logs, dir };
}

/** Prints `loss=1` … `loss=count`, one a line, as fast as awk can. */
const printLosses = (count: number) => `awk 'BEGIN { for (i = 1; i <= ${count}; i++) print "epoch " i " loss=" i }'`;

describe('process runner: trial output', () => {
  it('reads all output of a process that exited in time, even when reading outlasts the timeout', async () => {
    const timeoutMs = 1500;
    const count = 100_000;
    // A slow store: reporting every row takes about 3 s in all, twice the timeout.
    const { run, logs, dir } = setup({ timeoutMs });
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const started = Date.now();
    const outcome = await run(printLosses(count), () => busy(0.03));
    expect(outcome).toEqual({ status: 'completed' });
    expect(Date.now() - started).toBeGreaterThan(timeoutMs);
    expect(logs).toHaveLength(count);
    expect(logs.at(-1)).toMatchObject({ name: 'loss', value: String(count) });
    expect(readFileSync(join(dir, 'output.log'), 'utf8').endsWith(`epoch ${count} loss=${count}\n`)).toBe(true);
  });

  it('honours a stop while a large output is still being parsed', async () => {
    const total = 300_000;
    const { runner, run, logs, dir } = setup();
    const pending = run(`${printLosses(total)}; exec sleep 600`);
    await until(() => logs.length > 0);
    runner.stop();
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    await until(() => !isAlive(pid));
    // The process is gone while its output is still being read: parsing did not hold up the stop.
    expect(logs.length).toBeLessThan(total);
    expect(await pending).toEqual({ status: 'failed', reason: 'TrialFailed', message: 'stopped by the runner' });
  });

  it('fails a trial whose output cannot be written (ENOSPC), stopping its process, without crashing', async () => {
    const { run, dir } = setup({ outputLog: () => '/dev/full', killGraceMs: 500 });
    const outcome = await run('echo loss=0.5; exec sleep 600');
    expect(outcome).toEqual({ status: 'failed', reason: 'TrialFailed', message: 'cannot write trial output to /dev/full: no space left on device' });
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    await until(() => !isAlive(pid));
  });

  it('fails a trial that exits before the write error arrives, too', async () => {
    const { run } = setup({ outputLog: () => '/dev/full' });
    expect(await run('echo loss=0.5')).toEqual({
      status: 'failed',
      reason: 'TrialFailed',
      message: 'cannot write trial output to /dev/full: no space left on device',
    });
  });

  it('fails a trial whose output log cannot be opened, naming the path', async () => {
    const path = join(tmp, 'missing', 'output.log');
    const { run } = setup({ outputLog: () => path });
    expect(await run('echo loss=0.5')).toEqual({
      status: 'failed',
      reason: 'TrialFailed',
      message: `cannot write trial output to ${path}: no such file or directory`,
    });
    expect(existsSync(path)).toBe(false);
  });

  it("a Node program's uncaught error is the failure's last line, not Node's version trailer", async () => {
    const { run } = setup();
    const missing = join(tmp, 'train-missing.mjs');
    const outcome = await run(`exec node ${missing}`);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'TrialFailed' });
    const message = (outcome as { message: string }).message;
    expect(message).toMatch(/^exit code 1; last output:\n/);
    expect(message).not.toContain('Node.js v');
    expect(failureKey(message)).toBe(`exit code 1: Error: Cannot find module '${missing}'`);
  });
});
