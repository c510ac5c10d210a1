import { describe, expect, test } from 'vitest';
import { createRandom } from '../../algorithms/random/index.js';
import { search, tune } from '../../src/api/index.js';
import { runExperiment } from '../../src/loop/run.js';
import { bestTrial, counts } from '../../src/loop/state.js';
import { autoRunner, makeExperiment, metric } from '../support/experiment.js';

/*
 * A trial succeeds only with a usable objective value: a finite number picked by the
 * metric's strategy. Anything else (NaN, ±Infinity, an empty match of the default filter,
 * text) leaves the trial MetricsUnavailable, with the value in its message, in every way in.
 */

describe('unusable objective values', () => {
  // the value as the observation records it: infinities are written as JavaScript does
  const recorded: Record<string, string> = { inf: 'Infinity' };
  for (const value of ['NaN', 'nan', 'inf', 'Infinity', '-Infinity', '', '.', 'abc']) {
    test(`a trial whose objective is ${JSON.stringify(value)} is MetricsUnavailable`, async () => {
      const runner = autoRunner((i) => ({ outcome: { status: 'completed' }, logs: [metric('loss', i === 0 ? value : '0.5')] }));
      const experiment = makeExperiment({ parallelTrialCount: 1, maxTrialCount: 2, maxFailedTrialCount: 2 });
      const state = await runExperiment({ experiment, algorithm: createRandom(), runner, seed: 1 });
      expect(state.trials.map((t) => t.condition)).toEqual(['MetricsUnavailable', 'Succeeded']);
      expect(state.trials[0]?.conditions.at(-1)?.message).toBe(
        `Metrics are not available: the objective metric loss has no usable value (${recorded[value] ?? value}); expected a finite number`,
      );
      expect(bestTrial(state)?.name).toBe(state.trials[1]?.name);
      expect(state.outcome?.reason).toBe('ExperimentMaxTrialsReached');
    });
  }

  test("a darts trial's text result (Katib's Best-Genotype objective) succeeds, and never ranks; nan does not", async () => {
    const genotype = "Genotype(normal=[[('max_pooling_3x3', 0)]], normal_concat=range(2, 3), reduce=[[('max_pooling_3x3', 0)]], reduce_concat=range(2, 3))";
    const values = [genotype, 'nan'];
    const runner = autoRunner((i) => ({ outcome: { status: 'completed' }, logs: [metric('Best-Genotype', values[i] ?? '')] }));
    const experiment = makeExperiment({
      parallelTrialCount: 1,
      maxTrialCount: 2,
      maxFailedTrialCount: 2,
      algorithm: { algorithmName: 'darts', algorithmSettings: [] },
      objective: { type: 'maximize', objectiveMetricName: 'Best-Genotype' },
    });
    const state = await runExperiment({ experiment, algorithm: createRandom(), runner, seed: 5 });
    expect(state.trials.map((t) => t.condition)).toEqual(['Succeeded', 'MetricsUnavailable']);
    expect(state.trials[0]?.observation?.metrics).toEqual([{ name: 'Best-Genotype', min: 'unavailable', max: 'unavailable', latest: genotype }]);
    expect(bestTrial(state)).toBeUndefined();
    expect(state.outcome?.reason).toBe('ExperimentMaxTrialsReached');
  });

  test('a usable value picked by the strategy makes the trial succeed despite a NaN elsewhere in its log', async () => {
    const runner = autoRunner(() => ({ outcome: { status: 'completed' }, logs: [metric('loss', '0.4'), metric('loss', 'NaN')] }));
    const state = await runExperiment({ experiment: makeExperiment({ parallelTrialCount: 1, maxTrialCount: 1 }), algorithm: createRandom(), runner, seed: 2 });
    expect(state.trials[0]?.condition).toBe('Succeeded'); // strategy min: 0.4
    expect(bestTrial(state)).toBeDefined();
  });

  test('an experiment in which no value is usable fails, naming why', async () => {
    const runner = autoRunner(() => ({ outcome: { status: 'completed' }, logs: [metric('loss', 'NaN')] }));
    const state = await runExperiment({ experiment: makeExperiment({ parallelTrialCount: 1, maxTrialCount: 3 }), algorithm: createRandom(), runner, seed: 3 });
    expect(counts(state)).toMatchObject({ total: 3, metricsUnavailable: 3 });
    expect(state.outcome).toMatchObject({
      type: 'Failed',
      reason: 'ExperimentFailed',
      message: 'Experiment has failed because no trial succeeded (3 trials: 0 failed, 3 without a usable objective value)',
    });
  });

  test('tune(): NaN, text, null and objects as the objective value are MetricsUnavailable', async () => {
    const returns: unknown[] = [Number.NaN, { loss: 'abc' }, { loss: null }, { loss: {} }, { loss: Infinity }, 0.25];
    let k = 0;
    const result = await tune({
      parameters: { x: search.double({ min: 0, max: 1 }) },
      objective: () => returns[k++] as number,
      objectiveMetricName: 'loss',
      objectiveType: 'minimize',
      maxTrialCount: returns.length,
      parallelTrialCount: 1,
      seed: 4,
    });
    expect(result.trials.map((t) => t.condition)).toEqual([...Array(5).fill('MetricsUnavailable'), 'Succeeded']);
    expect(result.bestTrial?.name).toBe(result.trials[5]?.name);
    expect(result.status).toBe('Succeeded');
  });

  test('tune(): every trial NaN ends Failed with no best trial', async () => {
    const result = await tune({
      parameters: { x: search.double({ min: 0, max: 1 }) },
      objective: () => Number.NaN,
      objectiveType: 'minimize',
      maxTrialCount: 3,
      seed: 5,
    });
    expect(result.status).toBe('Failed');
    expect(result.bestTrial).toBeUndefined();
    expect(result.counts).toMatchObject({ total: 3, metricsUnavailable: 3 });
  });
});
