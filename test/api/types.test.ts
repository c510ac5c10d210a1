import { describe, expect, expectTypeOf, test } from 'vitest';
import {
  algorithmNames,
  BUILT_IN_ALGORITHMS,
  createStudy,
  search,
  tune,
  type AlgorithmName,
  type BuiltInAlgorithmName,
  type ExperimentResult,
  type ParameterValue,
  type ParameterValues,
  type SearchParameter,
  type TrialResult,
} from '../../src/index.js';

// These assertions are checked by `tsc -p tsconfig.json` (test/ is part of the project):
// if the inference broke, the type check fails. The runtime parts check the values agree.

const parameters = {
  lr: search.double({ min: 0.001, max: 0.1 }),
  layers: search.int({ min: 1, max: 3 }),
  batch: search.discrete([16, 32]),
  act: search.categorical(['relu', 'tanh']),
};
type Expected = { lr: number; layers: number; batch: number; act: 'relu' | 'tanh' };

describe('parameter types follow the search space', () => {
  test('search builders carry their value type', () => {
    expectTypeOf(search.double({ min: 0, max: 1 })).toEqualTypeOf<SearchParameter<number>>();
    expectTypeOf(search.int({ min: 0, max: 1 })).toEqualTypeOf<SearchParameter<number>>();
    expectTypeOf(search.discrete([1, 2])).toEqualTypeOf<SearchParameter<number>>();
    expectTypeOf(search.categorical(['a', 'b'])).toEqualTypeOf<SearchParameter<'a' | 'b'>>();
    const names: string[] = ['a', 'b'];
    expectTypeOf(search.categorical(names)).toEqualTypeOf<SearchParameter<string>>();
    expectTypeOf<ParameterValues<typeof parameters>>().toEqualTypeOf<Expected>();
  });

  test('tune(): objective, onTrialComplete and the result are typed without casts', async () => {
    const result = await tune({
      parameters,
      objective: ({ lr, layers, batch, act }) => {
        expectTypeOf(lr).toEqualTypeOf<number>();
        expectTypeOf(act).toEqualTypeOf<'relu' | 'tanh'>();
        return lr * 2 + layers + batch / 100 + (act === 'relu' ? 0 : 1);
      },
      objectiveType: 'minimize',
      maxTrialCount: 3,
      seed: 1,
      onTrialComplete: (trial) => {
        expectTypeOf(trial).toEqualTypeOf<TrialResult<Expected>>();
      },
    });
    expectTypeOf(result).toEqualTypeOf<ExperimentResult<Expected>>();
    expectTypeOf(result.bestTrial?.parameters.act).toEqualTypeOf<'relu' | 'tanh' | undefined>();
    expectTypeOf(result.trials[0]!.parameters.layers).toEqualTypeOf<number>();
    const first = result.trials[0]!;
    expect(typeof first.parameters.lr).toBe('number');
    expect(['relu', 'tanh']).toContain(first.parameters.act);
  });

  test('the shape given in the brief compiles as written', async () => {
    const result = await tune({ parameters: { x: search.double({ min: 0, max: 1 }) }, objective: ({ x }) => x * 2, objectiveType: 'minimize', maxTrialCount: 2 });
    expect(result.trials).toHaveLength(2);
  });

  test('createStudy(): ask(), tell(), add() and result() are typed', async () => {
    const study = createStudy({ parameters, objectiveType: 'maximize', seed: 2 });
    const trial = await study.ask();
    expectTypeOf(trial.parameters).toEqualTypeOf<Expected>();
    expectTypeOf(study.tell(trial, trial.parameters.lr).parameters).toEqualTypeOf<Expected>();
    expectTypeOf(study.add).parameter(0).toEqualTypeOf<Readonly<Expected>>();
    expectTypeOf(study.result().bestTrial?.parameters.act).toEqualTypeOf<'relu' | 'tanh' | undefined>();
    expect(study.result().trials[0]?.parameters).toEqual(trial.parameters);
  });

  test('a space built elsewhere as a plain record gives ParameterValue', () => {
    const loose: Record<string, SearchParameter> = { x: search.double({ min: 0, max: 1 }) };
    expectTypeOf<ParameterValues<typeof loose>>().toEqualTypeOf<Record<string, ParameterValue>>();
  });

  test('wrong uses are type errors', () => {
    // Each call is only type-checked, never run.
    const never = (): void => {
      void tune({
        parameters,
        // @ts-expect-error: lr is a number, not a string
        objective: ({ lr }) => lr.toUpperCase(),
        objectiveType: 'minimize',
        maxTrialCount: 1,
      });
      void tune({
        parameters,
        // @ts-expect-error: 'sigmoid' is not one of the categorical's values
        objective: ({ act }) => (act === 'sigmoid' ? 1 : 0),
        objectiveType: 'minimize',
        maxTrialCount: 1,
      });
      // @ts-expect-error: objectiveType must be minimize or maximize
      void createStudy({ parameters, objectiveType: 'minimise' });
    };
    expect(typeof never).toBe('function');
  });
});

describe('algorithm names', () => {
  test('the union holds the built-in names and still admits a plugin name', () => {
    expectTypeOf<BuiltInAlgorithmName>().toEqualTypeOf<
      'random' | 'grid' | 'tpe' | 'multivariate-tpe' | 'bayesianoptimization' | 'cmaes' | 'sobol' | 'pbt' | 'hyperband' | 'enas' | 'darts' | 'auto'
    >();
    expectTypeOf<'tpe'>().toMatchTypeOf<AlgorithmName>();
    expectTypeOf<'my-plugin'>().toMatchTypeOf<AlgorithmName>();
  });

  test('the built-in names are exactly the registry algorithms', () => {
    expect([...BUILT_IN_ALGORITHMS].sort()).toEqual(algorithmNames().sort());
  });
});
