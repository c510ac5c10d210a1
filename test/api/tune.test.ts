import { describe, expect, test } from 'vitest';
import { search, tune } from '../../src/index.js';

const parameters = {
  x: search.double({ min: -5, max: 5 }),
  layers: search.int({ min: 1, max: 4 }),
  act: search.categorical(['relu', 'tanh']),
};

describe('tune()', () => {
  test('tunes a function and returns Katib status, best trial and every trial', async () => {
    const result = await tune({
      objective: ({ x, layers, act }) => ({ loss: (x - 1) ** 2 + layers + (act === 'relu' ? 0 : 1) }),
      parameters,
      objectiveMetricName: 'loss',
      objectiveType: 'minimize',
      maxTrialCount: 25,
      parallelTrialCount: 4,
      seed: 42,
    });
    expect(result).toMatchObject({ status: 'Succeeded', reason: 'ExperimentMaxTrialsReached', seed: 42 });
    expect(result.trials).toHaveLength(25);
    expect(result.counts).toMatchObject({ total: 25, succeeded: 25 });
    const values = result.trials.map((t) => t.value as number);
    expect(result.bestTrial?.value).toBe(Math.min(...values));
    const first = result.trials[0]!;
    expect(typeof first.parameters.x).toBe('number');
    expect(Number.isInteger(first.parameters.layers)).toBe(true);
    expect(['relu', 'tanh']).toContain(first.parameters.act);
    expect(first.parameterAssignments.map((a) => a.name)).toEqual(['x', 'layers', 'act']);
    expect(first.observation.metrics[0]).toMatchObject({ name: 'loss', latest: String(first.value) });
  });

  test('the same seed reproduces the same trials', async () => {
    const run = () => tune({ objective: ({ x }) => x, parameters, objectiveType: 'minimize', maxTrialCount: 8, seed: 3 });
    const [a, b] = await Promise.all([run(), run()]);
    expect(b.trials.map((t) => t.parameters)).toEqual(a.trials.map((t) => t.parameters));
  });

  test('a bare number is the objective metric; report() records intermediate values', async () => {
    const result = await tune({
      objective: async ({ x }, { report }) => {
        for (let epoch = 1; epoch <= 3; epoch++) report({ loss: 10 / epoch, accuracy: epoch / 10 });
        return Math.abs(x);
      },
      parameters: { x: search.double({ min: 1, max: 2 }) },
      objectiveMetricName: 'loss',
      additionalMetricNames: ['accuracy'],
      metricStrategies: { loss: 'latest', accuracy: 'max' },
      objectiveType: 'minimize',
      maxTrialCount: 2,
    });
    const t = result.trials[0]!;
    expect(t.logs.map((l) => [l.name, l.value])).toEqual([
      ['loss', '10'], ['accuracy', '0.1'], ['loss', '5'], ['accuracy', '0.2'], ['loss', String(10 / 3)], ['accuracy', '0.3'], ['loss', String(t.parameters.x)],
    ]);
    expect(t.observation.metrics).toEqual([
      { name: 'loss', min: String(t.parameters.x), max: '10', latest: String(t.parameters.x) },
      { name: 'accuracy', min: '0.1', max: '0.3', latest: '0.3' },
    ]);
    expect(t.value).toBe(t.parameters.x); // strategy latest
  });

  test('an objective that throws fails its trial; the experiment fails at maxFailedTrialCount', async () => {
    const result = await tune({
      objective: ({ x }) => {
        if (x > 0) throw new Error(`diverged at x=${x}`);
        return { objective: x };
      },
      parameters: { x: search.double({ min: -1, max: 1 }) },
      objectiveType: 'minimize',
      maxTrialCount: 50,
      maxFailedTrialCount: 3,
      parallelTrialCount: 1,
      seed: 1,
    });
    expect(result).toMatchObject({ status: 'Failed', reason: 'ExperimentFailed' });
    expect(result.counts.failed).toBe(3);
    const failed = result.trials.filter((t) => t.condition === 'Failed');
    expect(failed[0]?.message).toMatch(/^diverged at x=0\./);
    expect(result.trials.filter((t) => t.condition === 'Succeeded').every((t) => t.parameters.x <= 0)).toBe(true);
  });

  test('an objective returning something that is not metrics fails the trial with a clear message', async () => {
    const result = await tune({
      objective: () => 'good' as unknown as number,
      parameters: { x: search.double({ min: 0, max: 1 }) },
      objectiveType: 'minimize',
      maxTrialCount: 1,
    });
    expect(result.trials[0]).toMatchObject({ condition: 'Failed', message: expect.stringContaining('expected a number or an object of metric values') });
  });

  test('stops at the goal', async () => {
    const result = await tune({
      objective: ({ x }) => ({ accuracy: x }),
      parameters: { x: search.double({ min: 0, max: 1 }) },
      objectiveMetricName: 'accuracy',
      objectiveType: 'maximize',
      goal: 0.8,
      parallelTrialCount: 1,
      seed: 5,
    });
    expect(result).toMatchObject({ status: 'Succeeded', reason: 'ExperimentGoalReached' });
    expect(result.bestTrial?.value).toBeGreaterThanOrEqual(0.8);
    expect(result.trials.slice(0, -1).every((t) => (t.value as number) < 0.8)).toBe(true);
  });

  test('grid without maxTrialCount walks every point once, then ends', async () => {
    const result = await tune({
      objective: ({ lr, bs }) => lr * bs,
      parameters: { lr: search.double({ min: 0.1, max: 0.3, step: 0.1 }), bs: search.discrete([16, 32]) },
      objectiveType: 'minimize',
      algorithm: 'grid',
    });
    expect(result).toMatchObject({ status: 'Succeeded', reason: 'ExperimentSuggestionEndReached' });
    expect(result.trials.map((t) => `${t.parameters.lr}/${t.parameters.bs}`)).toEqual(['0.1/16', '0.1/32', '0.2/16', '0.2/32', '0.3/16', '0.3/32']);
  });

  test('onTrialComplete receives each trial as result.trials holds it, typed values included', async () => {
    const seen: Array<{ name: string; act: 'relu' | 'tanh'; layers: number }> = [];
    const completed: unknown[] = [];
    const result = await tune({
      objective: ({ x, layers }) => x + layers,
      parameters,
      objectiveType: 'minimize',
      maxTrialCount: 5,
      parallelTrialCount: 2,
      seed: 9,
      onTrialComplete: (trial) => {
        seen.push({ name: trial.name, act: trial.parameters.act, layers: trial.parameters.layers });
        completed.push(trial);
      },
    });
    expect(completed).toHaveLength(5);
    const byName = new Map(result.trials.map((t) => [t.name, t]));
    for (const trial of completed as typeof result.trials) {
      expect(trial).toEqual(byName.get(trial.name));
      expect(typeof trial.parameters.layers).toBe('number');
      expect(trial.condition).toBe('Succeeded');
    }
    expect(seen.every((s) => s.act === 'relu' || s.act === 'tanh')).toBe(true);
  });
});
