import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRandom } from '../../algorithms/random/index.js';
import { createCollector } from '../../metrics-collector/index.js';
import { runExperiment } from '../../src/loop/run.js';
import type { Experiment } from '../../src/experiment/types.js';
import { createProcessRunner, trialDirectory, type CollectorFactory, type ProcessRunnerOptions } from '../../trials/process-runner.js';
import { makeExperiment } from '../support/experiment.js';
import { isAlive, until } from '../support/processes.js';

// Real processes: trials that fork children, stopped by early stopping through the loop.
const NODE = process.execPath;
let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'scriba-early-stop-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const realCollector: CollectorFactory = (spec, report) => createCollector(spec, report);

/**
 * Trial k (a counter file numbers them) prints `loss=<curve[k][t]>` lines. The last trial
 * forks a child that forks a grandchild, writes their pids, and prints its loss forever:
 * only early stopping ends it.
 */
function experiment(curves: number[][], settings: { min: number; start: number }, extra: string = ''): Experiment {
  const program = join(tmp, 'train.cjs');
  writeFileSync(
    program,
    `const fs = require('fs'); const { spawn } = require('child_process');
     const counter = ${JSON.stringify(join(tmp, 'counter'))};
     const k = fs.existsSync(counter) ? Number(fs.readFileSync(counter, 'utf8')) : 0;
     fs.writeFileSync(counter, String(k + 1));
     const curves = ${JSON.stringify(curves)};
     ${extra}
     if (k < curves.length - 1) {
       for (const v of curves[k]) console.log('loss=' + v);
     } else {
       const child = spawn(process.execPath, ['-e', "const g = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); require('fs').writeFileSync(process.argv[1], String(g.pid)); setInterval(() => {}, 1000)", ${JSON.stringify(join(tmp, 'grandchild.pid'))}], { stdio: 'ignore' });
       fs.writeFileSync(${JSON.stringify(join(tmp, 'child.pid'))}, String(child.pid));
       const v = curves[k][0];
       const tick = () => { if (fs.existsSync(${JSON.stringify(join(tmp, 'grandchild.pid'))})) console.log('loss=' + v); };
       setInterval(tick, 20);
     }`,
  );
  return makeExperiment({
    parameters: [{ name: 'lr', parameterType: 'double', feasibleSpace: { min: '0', max: '1' } }],
    parallelTrialCount: 1,
    maxTrialCount: curves.length,
    earlyStopping: {
      algorithmName: 'medianstop',
      algorithmSettings: [
        { name: 'min_trials_required', value: String(settings.min) },
        { name: 'start_step', value: String(settings.start) },
      ],
    },
    metricsCollectorSpec: { collector: { kind: 'StdOut' } },
    trialTemplate: {
      primaryContainerName: 'main',
      trialParameters: [{ name: 'lr', reference: 'lr' }],
      trialSpec: { apiVersion: 'batch/v1', kind: 'Job', spec: { template: { spec: { containers: [{ name: 'main', image: 'local', command: [NODE, program] }] } } } },
    },
  });
}

function run(e: Experiment, options: Partial<ProcessRunnerOptions> = {}) {
  const runner = createProcessRunner({ workDir: join(tmp, 'work'), collector: realCollector, env: { PATH: process.env.PATH }, ...options });
  return runExperiment({ experiment: e, algorithm: createRandom(), runner, seed: 1 });
}

describe('early stopping a local process', () => {
  it('stops a trial that forked children: EarlyStopped, and no process of it survives', async () => {
    // Means of the first 2 values: 0.5 and 0.3, median 0.4; the third trial reports 0.9 forever.
    const state = await run(experiment([[0.5, 0.5, 0.5], [0.3, 0.3, 0.3], [0.9]], { min: 2, start: 2 }));
    expect(state.trials.map((t) => t.condition)).toEqual(['Succeeded', 'Succeeded', 'EarlyStopped']);
    const stopped = state.trials[2];
    expect(stopped?.conditions.at(-1)).toMatchObject({ type: 'EarlyStopped', reason: 'TrialEarlyStopped', message: 'Trial is early stopped' });
    // Its log ends at the decision: start_step values, all 0.9.
    expect(state.logs.get(stopped?.name as string)?.map((l) => l.value)).toEqual(['0.9', '0.9']);
    const dir = trialDirectory(join(tmp, 'work'), 'loop-test', stopped?.name as string);
    const pids = [readFileSync(join(dir, 'pid'), 'utf8'), readFileSync(join(tmp, 'child.pid'), 'utf8'), readFileSync(join(tmp, 'grandchild.pid'), 'utf8')].map(Number);
    await until(() => pids.every((pid) => !isAlive(pid)));
    expect(state.outcome?.reason).toBe('ExperimentMaxTrialsReached');
  });

  it('a trial that ignores SIGTERM is killed with SIGKILL after the grace period', async () => {
    const ignore = `process.on('SIGTERM', () => fs.writeFileSync(${JSON.stringify(join(tmp, 'sigterm'))}, 'seen'));`;
    const state = await run(experiment([[0.1], [0.2], [0.9]], { min: 2, start: 1 }, ignore), { killGraceMs: 200 });
    expect(state.trials.map((t) => t.condition)).toEqual(['Succeeded', 'Succeeded', 'EarlyStopped']);
    // It saw SIGTERM, ignored it, and was killed anyway: the run ended.
    expect(existsSync(join(tmp, 'sigterm'))).toBe(true);
    const pids = [readFileSync(join(tmp, 'child.pid'), 'utf8'), readFileSync(join(tmp, 'grandchild.pid'), 'utf8')].map(Number);
    await until(() => pids.every((pid) => !isAlive(pid)));
  });
});
