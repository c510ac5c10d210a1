import { describe, expect, test } from 'vitest';
import { createRandom } from '../../algorithms/random/index.js';
import type { Algorithm } from '../../algorithms/types.js';
import { runExperiment } from '../../src/loop/run.js';
import { counts, type TrialOutcome } from '../../src/loop/state.js';
import type { TrialRunner } from '../../trials/types.js';
import { makeExperiment, metric } from '../support/experiment.js';

/**
 * A runner whose trial i reports curves[i] one value per step, yielding between steps, and
 * stops as soon as its signal aborts (as a process runner kills the process).
 */
function curveRunner(curves: number[][]) {
  let started = 0;
  const steps: number[] = [];
  const aborted: boolean[] = [];
  const runner: TrialRunner = {
    async run({ report, signal }): Promise<TrialOutcome> {
      const i = started++;
      const curve = curves[i] ?? [];
      steps[i] = 0;
      for (const value of curve) {
        if (signal.aborted) break;
        report([metric('loss', value)]);
        steps[i]++;
        await new Promise((r) => setImmediate(r));
      }
      aborted[i] = signal.aborted;
      // Like a process killed by SIGTERM: the runner sees a failure; the loop knows better.
      return signal.aborted ? { status: 'failed', message: 'killed by SIGTERM' } : { status: 'completed' };
    },
  };
  return { runner, steps, aborted };
}

const medianstop = (min: number, start: number) => ({
  algorithmName: 'medianstop',
  algorithmSettings: [
    { name: 'min_trials_required', value: String(min) },
    { name: 'start_step', value: String(start) },
  ],
});

describe('early stopping applied live by the loop', () => {
  test('medianstop stops a running trial at the first report past start_step whose best is worse than the median', async () => {
    // min_trials_required 2, start_step 3, sequential. Trials 0 and 1 succeed: start-step means
    // (1.0+0.9+0.8)/3 = 0.9 and (0.8+0.7+0.6)/3 = 0.7, median 0.8.
    // Trial 2: best after 3 steps 0.9 > 0.8: stopped at step 3 (Katib would test this once too).
    // Trial 3: best 0.7, 0.7, 0.7 <= 0.8 until step 5 ... never worse: it completes.
    // Trial 4: 0.85, 0.82, 0.81 (best 0.81 > 0.8 at step 3): stopped at step 3.
    const curves = [
      [1.0, 0.9, 0.8, 0.7, 0.6],
      [0.8, 0.7, 0.6, 0.5, 0.4],
      [1.2, 1.0, 0.9, 0.1, 0.1],
      [0.7, 0.75, 0.78, 0.79, 0.79],
      [0.85, 0.82, 0.81, 0.2, 0.1],
    ];
    const { runner, steps, aborted } = curveRunner(curves);
    const experiment = makeExperiment({ parallelTrialCount: 1, maxTrialCount: 5, earlyStopping: medianstop(2, 3) });
    const state = await runExperiment({ experiment, algorithm: createRandom(), runner, seed: 1 });
    expect(state.trials.map((t) => t.condition)).toEqual(['Succeeded', 'Succeeded', 'EarlyStopped', 'Succeeded', 'EarlyStopped']);
    expect(steps).toEqual([5, 5, 3, 5, 3]);
    expect(aborted).toEqual([false, false, true, false, true]);
    // Katib's condition, reason and message; the log ends where the decision was made.
    expect(state.trials[2]?.conditions.at(-1)).toMatchObject({ type: 'EarlyStopped', status: 'True', reason: 'TrialEarlyStopped', message: 'Trial is early stopped' });
    expect(state.logs.get(state.trials[2]?.name as string)?.map((l) => l.value)).toEqual(['1.2', '1', '0.9']);
    // Its objective is its best so far (strategy min for a minimized objective).
    expect(state.trials[2]?.observation?.metrics[0]).toMatchObject({ name: 'loss', min: '0.9', latest: '0.9' });
    // EarlyStopped counts as completed for maxTrialCount (Katib §3.1).
    expect(counts(state)).toMatchObject({ total: 5, succeeded: 3, earlyStopped: 2 });
    expect(state.outcome?.reason).toBe('ExperimentMaxTrialsReached');
  });

  test('the rule is tested at every report from start_step on, not only once (Katib tests it once)', async () => {
    // min_trials_required 1, start_step 1, two at a time. Trial 1 (long, 0.45 throughout) passes
    // while the only mean is trial 0's 0.5; once trial 2 (0.1) ends the median is 0.3 and
    // trial 1 stops at its next report, well past start_step.
    const curves = [[0.5], Array.from({ length: 50 }, () => 0.45), [0.1]];
    const { runner, steps } = curveRunner(curves);
    const experiment = makeExperiment({ parallelTrialCount: 2, maxTrialCount: 3, earlyStopping: medianstop(1, 1) });
    const state = await runExperiment({ experiment, algorithm: createRandom(), runner, seed: 2 });
    expect(state.trials.map((t) => t.condition)).toEqual(['Succeeded', 'EarlyStopped', 'Succeeded']);
    expect(steps[1]).toBeGreaterThan(1);
    expect(steps[1]).toBeLessThan(50);
  });

  test('trials created before the rule existed are stopped once it does (parallel trials)', async () => {
    // parallelTrialCount 3: trials 0, 1, 2 start together. Trials 0 and 1 are short and end first;
    // trial 2 (long, bad) was created before any rule could exist and is stopped anyway.
    const curves = [
      [0.5, 0.5],
      [0.3, 0.3],
      [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9],
    ];
    const { runner, steps } = curveRunner(curves);
    const experiment = makeExperiment({ parallelTrialCount: 3, maxTrialCount: 3, earlyStopping: medianstop(2, 1) });
    const state = await runExperiment({ experiment, algorithm: createRandom(), runner, seed: 3 });
    expect(state.trials.map((t) => t.condition)).toEqual(['Succeeded', 'Succeeded', 'EarlyStopped']);
    expect(steps[2]).toBeLessThan(20);
  });

  test('maximize: a trial whose best is below the median stops', async () => {
    const curves = [
      [0.5, 0.6],
      [0.7, 0.8],
      [0.1, 0.2, 0.9],
    ];
    const { runner, steps } = curveRunner(curves);
    const experiment = makeExperiment({
      parallelTrialCount: 1,
      maxTrialCount: 3,
      objective: { type: 'maximize', objectiveMetricName: 'loss' },
      earlyStopping: medianstop(2, 2),
    });
    const state = await runExperiment({ experiment, algorithm: createRandom(), runner, seed: 4 });
    // Means 0.55 and 0.75, median 0.65; trial 2's best after 2 steps is 0.2 < 0.65.
    expect(state.trials.map((t) => t.condition)).toEqual(['Succeeded', 'Succeeded', 'EarlyStopped']);
    expect(steps[2]).toBe(2);
  });

  test('a continued experiment rebuilds the rule from the trials that ended before', async () => {
    const first = curveRunner([
      [1, 1],
      [2, 2],
    ]);
    const experiment = makeExperiment({ parallelTrialCount: 1, maxTrialCount: 2, resumePolicy: 'LongRunning', earlyStopping: medianstop(2, 1) });
    const state = await runExperiment({ experiment, algorithm: createRandom(), runner: first.runner, seed: 5 });
    state.experiment.spec.maxTrialCount = 3;
    delete state.outcome;
    const second = curveRunner([[3, 3, 3]]);
    const continued = await runExperiment({ experiment: state, algorithm: createRandom(), runner: second.runner });
    // Median of 1 and 2 is 1.5; the new trial's first value 3 is worse.
    expect(continued.trials.map((t) => t.condition)).toEqual(['Succeeded', 'Succeeded', 'EarlyStopped']);
    expect(second.steps).toEqual([1]);
  });

  test('values arriving together (one chunk of output) are judged one by one; the log ends with the deciding report', async () => {
    let started = 0;
    const runner: TrialRunner = {
      async run({ report }) {
        const i = started++;
        const t = (k: number) => `2026-01-01T00:00:0${k}Z`;
        const rows = [0.5, 0.5, 0.5].map((v, k) => [
          { timeStamp: t(k), name: 'loss', value: String(i === 2 ? 0.9 : v) },
          { timeStamp: t(k), name: 'accuracy', value: '0.5' },
        ]);
        report(rows.flat());
        return { status: 'completed' };
      },
    };
    const experiment = makeExperiment({
      parallelTrialCount: 1,
      maxTrialCount: 3,
      objective: { type: 'minimize', objectiveMetricName: 'loss', additionalMetricNames: ['accuracy'] },
      earlyStopping: medianstop(2, 2),
    });
    const state = await runExperiment({ experiment, algorithm: createRandom(), runner, seed: 9 });
    expect(state.trials.map((t) => t.condition)).toEqual(['Succeeded', 'Succeeded', 'EarlyStopped']);
    // Stopped at its second loss: that report's accuracy is kept, the third report is not.
    expect(state.logs.get(state.trials[2]?.name as string)?.map((l) => `${l.name}=${l.value}`)).toEqual(['loss=0.9', 'accuracy=0.5', 'loss=0.9', 'accuracy=0.5']);
  });

  test('an experiment without early stopping never aborts a trial', async () => {
    const { runner, aborted } = curveRunner([[5, 5], [1, 1], [9, 9]]);
    const state = await runExperiment({ experiment: makeExperiment({ parallelTrialCount: 1, maxTrialCount: 3 }), algorithm: createRandom(), runner, seed: 6 });
    expect(aborted).toEqual([false, false, false]);
    expect(counts(state)).toMatchObject({ succeeded: 3, earlyStopped: 0 });
  });
});

describe('replies that wait and replies that end', () => {
  /** An algorithm that hands out `plan[k]` assignments at its k-th call, waiting when short. */
  function planned(plan: number[], end: string, endedAtCall: number[]): Algorithm {
    let call = 0;
    return {
      name: 'planned',
      validateSettings: () => [],
      async getSuggestions({ count, experiment, trials }) {
        const k = call++;
        endedAtCall.push(trials.filter((t) => t.condition === 'Succeeded').length);
        const n = Math.min(plan[k] ?? 0, count);
        const calls = Number(experiment.spec.algorithm?.algorithmSettings?.find((s) => s.name === 'calls')?.value ?? 0);
        return {
          assignments: Array.from({ length: n }, () => [{ name: 'x', value: '0.1' }, { name: 'k', value: '1' }]),
          settingsUpdate: [{ name: 'calls', value: String(calls + 1) }],
          ...(k >= plan.length - 1 ? { exhausted: true, exhaustedMessage: end } : { waiting: n < count }),
        };
      },
    };
  }

  test('a waiting reply is asked again only after a trial ends; returned settings reach the next request; the end message is kept', async () => {
    const { runner } = curveRunner(Array.from({ length: 10 }, () => [0.5]));
    const endedAtCall: number[] = [];
    const algorithm = planned([2, 0, 1, 1], 'the last bracket has ended', endedAtCall);
    const experiment = makeExperiment({ parallelTrialCount: 3, maxTrialCount: 10 });
    const state = await runExperiment({ experiment, algorithm, runner, seed: 7 });
    expect(state.trials).toHaveLength(4);
    // Each call after the first came once one more trial had ended.
    expect(endedAtCall).toEqual([0, 1, 2, 3]);
    expect(state.suggestion?.algorithmSettings).toEqual([{ name: 'calls', value: '4' }]);
    expect(state.outcome).toMatchObject({ type: 'Succeeded', reason: 'ExperimentSuggestionEndReached', message: 'Experiment has succeeded because the last bracket has ended' });
  });

  test('an algorithm waiting while nothing runs fails the experiment with a clear message', async () => {
    const { runner } = curveRunner([]);
    const algorithm: Algorithm = { name: 'stuck', validateSettings: () => [], getSuggestions: async () => ({ assignments: [], waiting: true }) };
    const state = await runExperiment({ experiment: makeExperiment({ parallelTrialCount: 2, maxTrialCount: 4 }), algorithm, runner, seed: 8 });
    expect(state.outcome).toMatchObject({ type: 'Failed', message: 'Suggestion has failed: algorithm stuck waits for running trials, but none is running' });
  });
});
