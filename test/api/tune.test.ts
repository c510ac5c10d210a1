import { describe, expect, test } from 'vitest';
import { ScribaError, search, tune } from '../../src/index.js';

const parameters = {
  x: search.double({ min: -5, max: 5 }),
  layers: search.int({ min: 1, max: 4 }),
  act: search.categorical(['relu', 'tanh']),
};

describe('tune()', () => {
  test('tunes a function and returns Katib status, best trial and every trial', async () => {
    const result = await tune({
      objective: ({ x, layers, act }) => ({ loss: ((x as number) - 1) ** 2 + (layers as number) + (act === 'relu' ? 0 : 1) }),
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
    const run = () => tune({ objective: ({ x }) => x as number, parameters, objectiveType: 'minimize', maxTrialCount: 8, seed: 3 });
    const [a, b] = await Promise.all([run(), run()]);
    expect(b.trials.map((t) => t.parameters)).toEqual(a.trials.map((t) => t.parameters));
  });

  test('a bare number is the objective metric; report() records intermediate values', async () => {
    const result = await tune({
      objective: async ({ x }, { report }) => {
        for (let epoch = 1; epoch <= 3; epoch++) report({ loss: 10 / epoch, accuracy: epoch / 10 });
        return Math.abs(x as number);
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
        if ((x as number) > 0) throw new Error(`diverged at x=${x}`);
        return { objective: x as number };
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
    expect(result.trials.filter((t) => t.condition === 'Succeeded').every((t) => (t.parameters.x as number) <= 0)).toBe(true);
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
      objective: ({ x }) => ({ accuracy: x as number }),
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
      objective: ({ lr, bs }) => (lr as number) * (bs as number),
      parameters: { lr: search.double({ min: 0.1, max: 0.3, step: 0.1 }), bs: search.discrete([16, 32]) },
      objectiveType: 'minimize',
      algorithm: 'grid',
    });
    expect(result).toMatchObject({ status: 'Succeeded', reason: 'ExperimentSuggestionEndReached' });
    expect(result.trials.map((t) => `${t.parameters.lr}/${t.parameters.bs}`)).toEqual(['0.1/16', '0.1/32', '0.2/16', '0.2/32', '0.3/16', '0.3/32']);
  });

  test('bad options are rejected at once, each issue named by its option', async () => {
    const attempt = tune({
      objective: () => 1,
      parameters: { lr: search.double({ min: 1, max: 0.1 }), opt: search.categorical([]) },
      objectiveType: 'minimise' as 'minimize',
      algorithm: 'random',
      algorithmSettings: { random_state: -4 },
      maxTrialCount: 10,
      parallelTrialCount: 0,
    });
    await expect(attempt).rejects.toBeInstanceOf(ScribaError);
    const error = (await attempt.catch((e: unknown) => e)) as ScribaError;
    expect(error.issues.map((i) => i.path)).toEqual(['objectiveType']);
    const second = (await tune({
      objective: () => 1,
      parameters: { lr: search.double({ min: 1, max: 0.1 }), opt: search.categorical([]) },
      objectiveType: 'minimize',
      algorithmSettings: { random_state: -4 },
      maxTrialCount: 10,
      parallelTrialCount: 0,
    }).catch((e: unknown) => e)) as ScribaError;
    const paths = second.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['parameters.lr.max', 'parameters.opt.list', 'parallelTrialCount']));
    expect(second.message).toContain('parameters.lr.max: expected max >= min');
  });

  test('unknown algorithms, bad settings and endless runs are rejected', async () => {
    const base = { objective: () => 1, parameters: { x: search.double({ min: 0, max: 1 }) }, objectiveType: 'minimize' as const };
    const issues = async (o: object) => ((await tune({ ...base, ...o }).catch((e: unknown) => e)) as ScribaError).issues;
    expect(await issues({ algorithm: 'annealing', maxTrialCount: 3 })).toEqual([
      { path: 'algorithm', message: expect.stringMatching(/unknown algorithm name annealing; known algorithms: random, grid/) },
    ]);
    expect(await issues({ algorithmSettings: { random_state: 'x' }, maxTrialCount: 3 })).toEqual([
      { path: 'algorithmSettings.random_state', message: 'failed to validate random_state(x): expected an integer >= 0' },
    ]);
    expect((await issues({})).map((i) => i.path)).toEqual(['maxTrialCount']);
    expect((await issues({ objective: undefined, maxTrialCount: 3 })).map((i) => i.path)).toEqual(['objective']);
  });
});

describe('tune() with a store', () => {
  test('records the experiment in SQLite and continues an unfinished one', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { SqliteStore } = await import('../../src/store/sqlite-store.js');
    const dir = await mkdtemp(join(tmpdir(), 'scriba-tune-store-'));
    const db = join(dir, 'tune.db');
    try {
      const options = {
        name: 'stored',
        parameters: { x: search.double({ min: 0, max: 1 }) },
        objectiveType: 'minimize' as const,
        maxTrialCount: 6,
        parallelTrialCount: 1,
        seed: 4,
        store: db,
      };
      // A first run whose fourth trial never returns stands in for a process that died mid-trial.
      let calls = 0;
      const hanging = tune({ ...options, objective: ({ x }) => (++calls > 3 ? new Promise<number>(() => {}) : (x as number)) });
      void hanging;
      await new Promise((r) => setTimeout(r, 200));
      const mid = new SqliteStore(db);
      const before = mid.loadState('stored');
      mid.close();
      expect(before.trials.map((t) => t.condition)).toEqual(['Succeeded', 'Succeeded', 'Succeeded', 'Running']);
      // Release the claim the hanging run holds (same process), as a crash would.
      const owner = new SqliteStore(db);
      owner.release('stored');
      owner.close();
      const result = await tune({ ...options, objective: ({ x }) => x as number });
      expect(result).toMatchObject({ status: 'Succeeded', reason: 'ExperimentMaxTrialsReached', seed: 4 });
      expect(result.trials).toHaveLength(6);
      expect(result.trials.slice(0, 3).map((t) => t.name)).toEqual(before.trials.slice(0, 3).map((t) => t.name));
      expect(result.trials[3]?.conditions.map((c) => c.reason)).toEqual(['TrialCreated', 'TrialRunning', 'TrialRestarted', 'TrialRunning', 'TrialSucceeded']);
      await expect(tune({ ...options, objective: () => 1 })).rejects.toThrow(/has already ended \(Succeeded, ExperimentMaxTrialsReached\)/);
      await expect(tune({ ...options, parameters: { x: search.double({ min: 0, max: 2 }) }, objective: () => 1 })).rejects.toThrow(/different spec.parameters/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
