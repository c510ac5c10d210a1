import { describe, expect, test } from 'vitest';
import { createStudy, ScribaError, search, tune } from '../../src/index.js';

const base = { objective: () => 1, parameters: { x: search.double({ min: 0, max: 1 }) }, objectiveType: 'minimize' as const };

/** The issues tune() or createStudy() rejects the options with (it must reject). */
async function issuesOf(run: () => unknown): Promise<ScribaError['issues']> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ScribaError);
  return (error as ScribaError).issues;
}

describe('options: every problem at once', () => {
  test('shape, Katib validation and algorithm settings are reported together', async () => {
    const issues = await issuesOf(() =>
      tune({
        objective: () => 1,
        parameters: { lr: search.double({ min: 1, max: 0.1 }), opt: search.categorical([]) },
        objectiveType: 'minimise' as 'minimize',
        algorithm: 'tpe',
        algorithmSettings: { n_startup_trials: -4, gamma: 2 },
        maxTrialCount: 10,
        parallelTrialCount: 0,
      }),
    );
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'objectiveType',
        'parameters.lr.max',
        'parameters.opt.list',
        'parallelTrialCount',
        'algorithmSettings.n_startup_trials',
        'algorithmSettings.gamma',
      ]),
    );
    // objectiveType is reported once, by the option check, not again in Katib's words.
    expect(paths.filter((p) => p === 'objectiveType')).toHaveLength(1);
    expect(issues.find((i) => i.path === 'parameters.lr.max')?.message).toMatch(/expected max >= min/);
  });

  test('the error message lists each issue by option', async () => {
    const attempt = tune({ ...base, algorithmSettings: { random_state: 'x' }, maxTrialCount: 0 });
    const message = ((await attempt.catch((e: unknown) => e)) as Error).message;
    expect(message.split('\n')).toEqual([
      'invalid tuning options:',
      '  maxTrialCount: expected a value > 0, got 0',
      '  algorithmSettings.random_state: failed to validate random_state(x): expected an integer >= 0',
    ]);
  });

  test("Katib's rules are worded in the caller's option names", async () => {
    expect(await issuesOf(() => tune({ ...base, maxTrialCount: 3, parallelTrialCount: 5 }))).toEqual([
      { path: 'parallelTrialCount', message: 'expected a value <= maxTrialCount (3), got 5' },
    ]);
  });

  test('wrong JavaScript types are named with what was expected', async () => {
    const issues = await issuesOf(() =>
      tune({
        ...base,
        parameters: { x: search.double({ min: 0, max: 1 }), y: 3 as never },
        name: 7 as never,
        algorithm: { name: 'mine' } as never,
        algorithmSettings: { random_state: {} as never },
        additionalMetricNames: 'accuracy' as never,
        maxTrialCount: 2.5,
        goal: Number.NaN,
        seed: -1,
        timeout: -3,
        onTrialComplete: 'log' as never,
      }),
    );
    expect(Object.fromEntries(issues.map((i) => [i.path, i.message]))).toMatchObject({
      'parameters.y': expect.stringMatching(/search\.double\(\)/),
      name: 'expected a string, got 7',
      algorithm: expect.stringMatching(/expected an algorithm name .*registerAlgorithm/),
      'algorithmSettings.random_state': 'expected a string or a finite number, got {}',
      additionalMetricNames: 'expected a list of metric names, got "accuracy"',
      maxTrialCount: 'expected an integer, got 2.5',
      goal: 'expected a finite number, got null',
      seed: 'expected an integer >= 0, got -1',
      timeout: 'expected a number of seconds > 0, got -3',
      onTrialComplete: 'expected a function (trial) => void',
    });
  });

  test('unknown algorithms are refused, naming the known ones', async () => {
    expect(await issuesOf(() => tune({ ...base, algorithm: 'annealing', maxTrialCount: 3 }))).toEqual([
      { path: 'algorithm', message: expect.stringMatching(/unknown algorithm name annealing; known algorithms: random, grid/) },
    ]);
  });
});

describe('options: unknown keys', () => {
  test('a misspelt option is an error with a suggestion', async () => {
    const issues = await issuesOf(() => tune({ ...base, maxTrials: 10 } as never));
    expect(issues).toContainEqual({ path: 'maxTrials', message: 'unknown option; did you mean maxTrialCount?' });
  });

  test.each([
    ['n_trials', 'maxTrialCount'],
    ['max_trial_count', 'maxTrialCount'],
    ['parallelTrials', 'parallelTrialCount'],
    ['direction', 'objectiveType'],
    ['objectivType', 'objectiveType'],
    ['algorithmSetting', 'algorithmSettings'],
    ['timeOut', 'timeout'],
    ['storage', 'store'],
  ])('%s suggests %s', async (key, expected) => {
    const issues = await issuesOf(() => tune({ ...base, maxTrialCount: 1, [key]: 1 } as never));
    expect(issues).toContainEqual({ path: key, message: `unknown option; did you mean ${expected}?` });
  });

  test('a key like no option lists the known ones', async () => {
    const issues = await issuesOf(() => tune({ ...base, maxTrialCount: 1, verbose: true } as never));
    expect(issues).toEqual([{ path: 'verbose', message: expect.stringMatching(/^unknown option; known options: name, parameters, .*timeout/) }]);
  });

  test("createStudy() refuses tune()'s options, saying why", async () => {
    const issues = await issuesOf(() => createStudy({ ...base, timeout: 5, maxTrial: 3 } as never));
    expect(issues).toEqual([
      { path: 'objective', message: expect.stringMatching(/^an option of tune\(\), not of createStudy\(\)/) },
      { path: 'timeout', message: expect.stringMatching(/^an option of tune\(\), not of createStudy\(\)/) },
      { path: 'maxTrial', message: 'unknown option; did you mean maxTrialCount?' },
    ]);
  });
});

describe('options: how the experiment ends', () => {
  test('tune() without maxTrialCount, timeout or goal is refused: it would never end', async () => {
    expect(await issuesOf(() => tune(base))).toEqual([
      { path: 'maxTrialCount', message: 'expected maxTrialCount, a timeout or a goal (or the grid algorithm): without one tune() would never end' },
    ]);
    expect(await issuesOf(() => tune({ ...base, objective: undefined as never, maxTrialCount: 3 }))).toEqual([
      { path: 'objective', message: 'expected a function (parameters, context) => metrics' },
    ]);
  });

  test('createStudy() needs no maxTrialCount: the caller decides, and done stays false', async () => {
    const { objective: _objective, ...options } = base;
    const study = createStudy({ ...options, seed: 2 });
    for (let i = 0; i < 40; i++) {
      const trial = await study.ask();
      study.tell(trial, trial.parameters.x);
    }
    expect(study.done).toBe(false);
    expect(study.result()).toMatchObject({ status: 'Running', counts: { total: 40, succeeded: 40 } });
  });

  test('a Study without maxTrialCount still ends at its goal or at maxFailedTrialCount', async () => {
    const { objective: _objective, ...options } = base;
    const goal = createStudy({ ...options, goal: 0.5, seed: 3 });
    let asked = 0;
    while (!goal.done) {
      const trial = await goal.ask();
      asked++;
      goal.tell(trial, trial.parameters.x);
    }
    expect(goal.result()).toMatchObject({ status: 'Succeeded', reason: 'ExperimentGoalReached', counts: { total: asked } });
    const failing = createStudy({ ...options, maxFailedTrialCount: 2 });
    failing.fail(await failing.ask(), 'a');
    expect(failing.done).toBe(false);
    failing.fail(await failing.ask(), 'b');
    expect(failing.result()).toMatchObject({ status: 'Failed', reason: 'ExperimentFailed' });
  });

  test('a Study given parallelTrialCount hands out at most that many untold trials', async () => {
    const { objective: _objective, ...options } = base;
    const study = createStudy({ ...options, parallelTrialCount: 2 });
    const [a] = await Promise.all([study.ask(), study.ask()]);
    await expect(study.ask()).rejects.toThrow('2 trials are running, parallelTrialCount 2; tell() or fail() one before asking another');
    study.tell(a!, 1);
    await expect(study.ask()).resolves.toMatchObject({ name: expect.any(String) });
  });
});

describe('options: grid size limits', () => {
  test.each([
    { case: 'a double step of 1e-300', x: search.double({ min: 0, max: 1, step: 1e-300 }), path: 'parameters.x.step', points: '1e300' },
    { case: 'an int range of ±9e15', x: search.int({ min: -9e15, max: 9e15 }), path: 'parameters.x.max', points: '1.8e16' },
  ])('tune() and createStudy() refuse $case before any trial', async ({ x, path, points }) => {
    const message = `grid of ${points} points for parameter "x" exceeds the limit of 10,000,000 points per parameter`;
    const options = { ...base, parameters: { x }, algorithm: 'grid' as const, maxTrialCount: 2 };
    expect(await issuesOf(() => tune(options))).toEqual([{ path, message }]);
    const { objective: _, ...studyOptions } = options;
    expect(await issuesOf(() => createStudy(studyOptions))).toEqual([{ path, message }]);
  });
});

describe('options: input size limits', () => {
  test('a categorical of more than 10,000 values and more than 1,000 parameters are refused', async () => {
    const values = Array.from({ length: 10_001 }, (_, i) => `v${i}`);
    const tooLong = await issuesOf(() => tune({ ...base, parameters: { opt: search.categorical(values) }, maxTrialCount: 1 }));
    expect(tooLong).toEqual([{ path: 'parameters.opt.list', message: 'a list of 10,001 values exceeds the limit of 10,000 values' }]);
    const many = Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`p${i}`, search.int({ min: 0, max: 1 })]));
    const { objective: _, ...study } = base;
    expect(await issuesOf(() => createStudy({ ...study, parameters: many }))).toEqual([
      { path: 'parameters', message: '1,001 parameters exceed the limit of 1,000 parameters' },
    ]);
  });
});
