import { describe, expect, test } from 'vitest';
import type { AlgorithmExperiment } from '../../algorithms/types.js';
import { createMedianJudge, createMedianStop } from '../../early-stopping/index.js';
import type { StoppingJudge } from '../../early-stopping/types.js';
import type { ObjectiveType } from '../../src/experiment/types.js';
import type { TrialConditionType, TrialRecord } from '../../src/trial/types.js';

function trial(name: string, condition: TrialConditionType = 'Running'): TrialRecord {
  return { name, parameterAssignments: [{ name: 'x', value: '0.5' }], condition, conditions: [], creationTime: '' };
}

/** The judge's answer at every step of a running curve, from step 1. */
const decisions = (judge: StoppingJudge, name: string, curve: readonly number[]) => curve.map((_, i) => judge.shouldStop(trial(name), curve.slice(0, i + 1)));

const negate = (xs: readonly number[]) => xs.map((x) => -x);

/**
 * A hand-made table, min_trials_required 2, start_step 3. Start-step means (the mean of
 * the first 3 values) of the Succeeded trials: a (4 + 2 + 3) / 3 = 3, b (6 + 5 + 4) / 3 = 5,
 * c (2 + 2 + 2) / 3 = 2. A running trial is compared by its best value so far.
 */
const A = [4, 2, 3, 1, 1];
const B = [6, 5, 4, 3];
const C = [2, 2, 2];

function table(maximize: boolean): { judge: StoppingJudge; sign: (xs: readonly number[]) => number[] } {
  const sign = maximize ? negate : (xs: readonly number[]) => [...xs];
  return { judge: createMedianJudge(maximize, 2, 3), sign };
}

describe.each([
  { type: 'minimize' as ObjectiveType, maximize: false },
  { type: 'maximize' as ObjectiveType, maximize: true },
])('medianstop judge, $type (values negated for maximize, decisions the same)', ({ maximize }) => {
  test('no decision before min_trials_required Succeeded trials, nor before start_step', () => {
    const { judge, sign } = table(maximize);
    judge.trialEnded(trial('a', 'Succeeded'), sign(A));
    // One mean (3): fewer than 2 -> never stops, however bad.
    expect(decisions(judge, 'r', sign([9, 9, 9, 9]))).toEqual([false, false, false, false]);
    // Ended trials in other conditions do not count, nor do Succeeded ones with no value.
    judge.trialEnded(trial('f', 'Failed'), sign([0, 0, 0]));
    judge.trialEnded(trial('s', 'EarlyStopped'), sign([0, 0, 0]));
    judge.trialEnded(trial('k', 'Killed'), sign([0, 0, 0]));
    judge.trialEnded(trial('e', 'Succeeded'), []);
    expect(decisions(judge, 'r', sign([9, 9, 9, 9]))).toEqual([false, false, false, false]);
  });

  test('decisions at every step from start_step on, against the median that holds then', () => {
    const { judge, sign } = table(maximize);
    judge.trialEnded(trial('a', 'Succeeded'), sign(A));
    judge.trialEnded(trial('b', 'Succeeded'), sign(B));
    // Means 3 5: median (3 + 5) / 2 = 4.
    // r1: steps 1, 2 before start_step; step 3 best 4.2 > 4 -> stop.
    expect(decisions(judge, 'r1', sign([5, 4.5, 4.2]))).toEqual([false, false, true]);
    // r2: best 4 at step 3, equal to the median -> goes on (stop only when worse).
    expect(decisions(judge, 'r2', sign([5, 4, 4.1, 3]))).toEqual([false, false, false, false]);
    // r3: step 3 best 3.8 <= 4 -> goes on. Then c succeeds: means 2 3 5, median 3.
    const r3 = sign([5, 4, 3.8, 3.8, 3.1, 2.9]);
    expect(judge.shouldStop(trial('r3'), r3.slice(0, 3))).toBe(false);
    judge.trialEnded(trial('c', 'Succeeded'), sign(C));
    // Step 4 best 3.8 > 3 -> stop now (Katib's sidecar tests its rule once, at start_step,
    // and never again); at step 6 its best 2.9 would be under the median again.
    expect(judge.shouldStop(trial('r3'), r3.slice(0, 4))).toBe(true);
    expect(judge.shouldStop(trial('r3'), r3.slice(0, 6))).toBe(false);
  });

  test('the true median, not Katib\'s mean of the means', () => {
    const { judge, sign } = table(maximize);
    for (const [name, curve] of [['a', A], ['b', B], ['c', C]] as const) judge.trialEnded(trial(name, 'Succeeded'), sign(curve));
    // Means 2 3 5: median 3; Katib's "median", their mean, is 10/3 = 3.33.
    // Best 3.2: worse than 3 -> stop (under Katib's 3.33 it would go on).
    expect(decisions(judge, 'r', sign([3.2, 3.2, 3.2]))).toEqual([false, false, true]);
    // A diverging Succeeded trial (mean 1000) moves the median to (3 + 5) / 2 = 4, not to the mean 252.5.
    judge.trialEnded(trial('d', 'Succeeded'), sign([1000, 1000, 1000]));
    expect(decisions(judge, 'r', sign([4.5, 3.9, 5]))).toEqual([false, false, false]);
    expect(decisions(judge, 'r', sign([4.5, 4.1, 5]))).toEqual([false, false, true]);
  });

  test('a Succeeded trial with fewer than start_step values counts with the mean of those it has', () => {
    const { judge, sign } = table(maximize);
    judge.trialEnded(trial('a', 'Succeeded'), sign(A)); // 3
    judge.trialEnded(trial('short', 'Succeeded'), sign([6, 8])); // (6 + 8) / 2 = 7
    // Median (3 + 7) / 2 = 5: best 5 goes on, best 5.5 stops.
    expect(decisions(judge, 'r', sign([6, 5, 6]))).toEqual([false, false, false]);
    expect(decisions(judge, 'r', sign([6, 5.5, 6]))).toEqual([false, false, true]);
  });

  test('a trial told of twice counts once', () => {
    const { judge, sign } = table(maximize);
    judge.trialEnded(trial('a', 'Succeeded'), sign(A)); // 3
    judge.trialEnded(trial('b', 'Succeeded'), sign(B)); // 5
    judge.trialEnded(trial('b', 'Succeeded'), sign(B));
    // Median of 3 5 is 4 (were b counted twice: 3 5 5, median 5).
    expect(decisions(judge, 'r', sign([4.5, 4.5, 4.5]))).toEqual([false, false, true]);
  });
});

describe('medianstop judge from the experiment', () => {
  const experiment = (type: ObjectiveType, settings: Array<{ name: string; value: string }>): AlgorithmExperiment => ({
    name: 'es',
    spec: {
      objective: { type, objectiveMetricName: 'loss' },
      algorithm: { algorithmName: 'random' },
      earlyStopping: { algorithmName: 'medianstop', algorithmSettings: settings },
    },
  });

  test('its settings and direction; the defaults are 3 trials and step 4', () => {
    const judge = createMedianStop().createJudge(experiment('maximize', [{ name: 'min_trials_required', value: '2' }, { name: 'start_step', value: '3' }]));
    judge.trialEnded(trial('a', 'Succeeded'), negate(A));
    judge.trialEnded(trial('b', 'Succeeded'), negate(B));
    expect(decisions(judge, 'r', [-5, -4.5, -4.2])).toEqual([false, false, true]);

    const defaults = createMedianStop().createJudge(experiment('minimize', []));
    for (const name of ['a', 'b']) defaults.trialEnded(trial(name, 'Succeeded'), [1, 1, 1, 1]);
    expect(decisions(defaults, 'r', [9, 9, 9, 9, 9])).toEqual([false, false, false, false, false]); // 2 < 3 trials
    defaults.trialEnded(trial('c', 'Succeeded'), [1, 1, 1, 1]);
    expect(decisions(defaults, 'r', [9, 9, 9, 9, 9])).toEqual([false, false, false, true, true]); // from step 4
  });

  test('huge values: the start-step mean does not overflow', () => {
    const judge = createMedianJudge(false, 2, 3);
    judge.trialEnded(trial('a', 'Succeeded'), [1e308, 1e308, 1e308]);
    judge.trialEnded(trial('b', 'Succeeded'), [1e308, 1e308, 1e308]);
    // Median 1e308 (the sum would be Infinity, and nothing would ever be worse than it).
    expect(decisions(judge, 'r', [1.5e308, 1.5e308, 1.5e308])).toEqual([false, false, true]);
  });
});
