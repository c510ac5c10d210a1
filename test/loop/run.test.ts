import { describe, expect, test } from 'vitest';
import { createGrid } from '../../algorithms/grid/index.js';
import { createRandom } from '../../algorithms/random/index.js';
import type { Algorithm } from '../../algorithms/types.js';
import { runExperiment } from '../../src/loop/run.js';
import { counts } from '../../src/loop/state.js';
import { autoRunner, makeExperiment, manualRunner, metric, recording, settle } from '../support/experiment.js';

const ok = (value: number) => ({ outcome: { status: 'completed' as const }, logs: [metric('loss', value)] });

describe('experiment loop (katib-spec §3.1, §3.2)', () => {
  test('keeps parallelTrialCount active and asks for exactly the missing number', async () => {
    const { algorithm, counts: requested } = recording(createRandom());
    const m = manualRunner();
    const done = runExperiment({ experiment: makeExperiment({ parallelTrialCount: 3, maxTrialCount: 7 }), algorithm, runner: m.runner, seed: 1 });
    await settle();
    expect(requested).toEqual([3]);
    // Derivation: after each finish, add = min(7 - completed, 3) - active.
    const expectedAfterEachFinish = [[3, 1], [3, 1, 1], [3, 1, 1, 1], [3, 1, 1, 1, 1], [3, 1, 1, 1, 1], [3, 1, 1, 1, 1], [3, 1, 1, 1, 1]];
    for (const expected of expectedAfterEachFinish) {
      m.finishNext({ status: 'completed' }, [metric('loss', 1)]);
      await settle();
      expect(requested).toEqual(expected);
    }
    const state = await done;
    expect(m.stats()).toEqual({ started: 7, active: 0, maxActive: 3 });
    expect(state.outcome?.reason).toBe('ExperimentMaxTrialsReached');
    expect(counts(state)).toMatchObject({ total: 7, succeeded: 7 });
  });

  test('goal reached: no new trials, and running trials finish and are recorded', async () => {
    const { algorithm, counts: requested } = recording(createRandom());
    const m = manualRunner();
    const experiment = makeExperiment({ parallelTrialCount: 2, maxTrialCount: 10, objective: { type: 'minimize', objectiveMetricName: 'loss', goal: 0.1 } });
    const done = runExperiment({ experiment, algorithm, runner: m.runner, seed: 2 });
    await settle();
    m.finishNext({ status: 'completed' }, [metric('loss', 0.05)]);
    await settle();
    expect(requested).toEqual([2]);
    m.finishNext({ status: 'completed' }, [metric('loss', 0.5)]);
    const state = await done;
    expect(state.outcome).toMatchObject({ type: 'Succeeded', reason: 'ExperimentGoalReached' });
    expect(counts(state)).toMatchObject({ total: 2, succeeded: 2, running: 0 });
    expect(state.conditions.map((c) => [c.type, c.status])).toEqual([['Created', 'True'], ['Running', 'False'], ['Succeeded', 'True']]);
  });

  test('maxFailedTrialCount: the experiment fails once that many trials failed', async () => {
    const runner = autoRunner(() => ({ outcome: { status: 'failed', message: 'CUDA out of memory' } }));
    const state = await runExperiment({ experiment: makeExperiment({ parallelTrialCount: 1, maxTrialCount: 10, maxFailedTrialCount: 2 }), algorithm: createRandom(), runner, seed: 3 });
    expect(state.outcome).toMatchObject({ type: 'Failed', reason: 'ExperimentFailed' });
    expect(counts(state)).toMatchObject({ total: 2, failed: 2 });
    expect(state.trials[0]?.conditions.at(-1)).toMatchObject({ type: 'Failed', reason: 'TrialFailed', message: 'CUDA out of memory' });
  });

  test('maxFailedTrialCount 0: the first failure fails the experiment', async () => {
    const runner = autoRunner((i) => (i === 1 ? { outcome: { status: 'failed', message: 'boom' } } : ok(1)));
    const state = await runExperiment({ experiment: makeExperiment({ parallelTrialCount: 1, maxTrialCount: 10, maxFailedTrialCount: 0 }), algorithm: createRandom(), runner, seed: 3 });
    expect(state.outcome?.type).toBe('Failed');
    expect(counts(state)).toMatchObject({ total: 2, succeeded: 1, failed: 1 });
  });

  test('a trial without its objective is MetricsUnavailable, counts as failed, and uses budget', async () => {
    const runner = autoRunner((i) => (i % 2 === 0 ? { outcome: { status: 'completed' }, logs: [metric('accuracy', 0.9)] } : ok(i)));
    const state = await runExperiment({ experiment: makeExperiment({ parallelTrialCount: 2, maxTrialCount: 5 }), algorithm: createRandom(), runner, seed: 4 });
    expect(state.outcome?.reason).toBe('ExperimentMaxTrialsReached');
    expect(counts(state)).toMatchObject({ total: 5, metricsUnavailable: 3, succeeded: 2 });
    const failing = await runExperiment({ experiment: makeExperiment({ parallelTrialCount: 1, maxTrialCount: 5, maxFailedTrialCount: 1 }), algorithm: createRandom(), runner: autoRunner(() => ({ outcome: { status: 'completed' } })), seed: 4 });
    expect(failing.outcome?.type).toBe('Failed');
    expect(failing.trials[0]?.condition).toBe('MetricsUnavailable');
  });

  test('a grid that runs out ends Succeeded with ExperimentSuggestionEndReached', async () => {
    const experiment = makeExperiment({
      parameters: [{ name: 'k', parameterType: 'int', feasibleSpace: { min: '1', max: '5', distribution: 'uniform' } }],
      algorithm: { algorithmName: 'grid' },
    });
    const state = await runExperiment({ experiment, algorithm: createGrid(), runner: autoRunner((i) => ok(i)), seed: 5 });
    expect(state.outcome).toMatchObject({ type: 'Succeeded', reason: 'ExperimentSuggestionEndReached' });
    expect(state.trials.map((t) => t.parameterAssignments[0]?.value)).toEqual(['1', '2', '3', '4', '5']);
  });

  test('an algorithm that throws, or returns the wrong count, fails the experiment', async () => {
    const throwing: Algorithm = { name: 'broken', validateSettings: () => [], getSuggestions: async () => { throw new Error('model diverged'); } };
    const a = await runExperiment({ experiment: makeExperiment({ maxTrialCount: 3 }), algorithm: throwing, runner: autoRunner((i) => ok(i)), seed: 6 });
    expect(a.outcome).toMatchObject({ type: 'Failed', reason: 'ExperimentFailed', message: 'Suggestion has failed: model diverged' });
    const short: Algorithm = { name: 'short', validateSettings: () => [], getSuggestions: async () => ({ assignments: [] }) };
    const b = await runExperiment({ experiment: makeExperiment({ maxTrialCount: 3 }), algorithm: short, runner: autoRunner((i) => ok(i)), seed: 6 });
    expect(b.outcome?.message).toMatch(/returned 0 assignments, expected 3/);
  });

  test('a runner that rejects fails the trial with its message', async () => {
    const runner = { run: async () => { throw new Error('cannot start: no such file'); } };
    const state = await runExperiment({ experiment: makeExperiment({ parallelTrialCount: 2, maxTrialCount: 2 }), algorithm: createRandom(), runner, seed: 7 });
    expect(state.trials.map((t) => t.conditions.at(-1)?.message)).toEqual(['cannot start: no such file', 'cannot start: no such file']);
    // maxTrialCount is reached with no trial to use: Failed, not Katib's Succeeded
    expect(state.outcome).toMatchObject({ type: 'Failed', reason: 'ExperimentFailed', message: 'Experiment has failed because no trial succeeded (2 trials: 2 failed, 0 without a usable objective value)' });
  });

  test('the same seed gives the same trials, names included', async () => {
    const run = () => runExperiment({ experiment: makeExperiment({ maxTrialCount: 6 }), algorithm: createRandom(), runner: autoRunner((i) => ok(i)), seed: 99 });
    const [a, b] = await Promise.all([run(), run()]);
    const view = (s: typeof a) => s.trials.map((t) => [t.name, t.parameterAssignments]);
    expect(view(b)).toEqual(view(a));
    expect(a.trials[0]?.name).toMatch(/^loop-test-[bcdfghjklmnpqrstvwxz2456789]{8}$/);
  });
});
