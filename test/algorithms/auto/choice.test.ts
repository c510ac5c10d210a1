import { describe, expect, test } from 'vitest';
import { chooseAlgorithm, DEFAULT_THRESHOLDS, shapeOf, type ChoiceInput, type SpaceShape } from '../../../algorithms/auto/choice.js';
import type { ParameterSpec } from '../../../src/experiment/types.js';

const numeric = (n: number): SpaceShape => ({ intOrDouble: n, discrete: 0, categorical: 0 });

describe('shapeOf', () => {
  test('counts int/double, discrete and categorical parameters', () => {
    const parameters: ParameterSpec[] = [
      { name: 'lr', parameterType: 'double', feasibleSpace: { min: '0.001', max: '1' } },
      { name: 'layers', parameterType: 'int', feasibleSpace: { min: '1', max: '8' } },
      { name: 'batch', parameterType: 'discrete', feasibleSpace: { list: ['16', '32'] } },
      { name: 'opt', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam'] } },
      { name: 'act', parameterType: 'categorical', feasibleSpace: { list: ['relu', 'tanh'] } },
    ];
    expect(shapeOf(parameters)).toEqual({ intOrDouble: 2, discrete: 1, categorical: 2 });
  });
});

describe('chooseAlgorithm: one row per kind of space and budget', () => {
  // [what, input, algorithm, rule]
  const table: Array<[string, ChoiceInput, string, string]> = [
    ['continuous 2-D, protocol budget, first trial', { shape: numeric(2), maxTrialCount: 100, completed: 0 }, 'bayesianoptimization', 'gaussian-process'],
    ['continuous 10-D, 200 trials, late in the run', { shape: numeric(10), maxTrialCount: 200, completed: 199 }, 'bayesianoptimization', 'gaussian-process'],
    ['numbers with lists (mixed_steps-like)', { shape: { intOrDouble: 6, discrete: 0, categorical: 0 }, maxTrialCount: 200, completed: 50 }, 'bayesianoptimization', 'gaussian-process'],
    ['one categorical among five (mixed_mlp-like)', { shape: { intOrDouble: 3, discrete: 1, categorical: 1 }, maxTrialCount: 200, completed: 50 }, 'bayesianoptimization', 'gaussian-process'],
    ['no maxTrialCount, early', { shape: numeric(3), maxTrialCount: undefined, completed: 10 }, 'bayesianoptimization', 'gaussian-process'],
    ['GP hands over at 250 completed trials', { shape: numeric(3), maxTrialCount: 500, completed: 250 }, 'multivariate-tpe', 'long-history'],
    ['just before the hand-over', { shape: numeric(3), maxTrialCount: 500, completed: 249 }, 'bayesianoptimization', 'gaussian-process'],
    ['no maxTrialCount, long history', { shape: numeric(3), maxTrialCount: undefined, completed: 300 }, 'multivariate-tpe', 'long-history'],
    ['mostly categorical (mixed_categorical-like): the GP still', { shape: { intOrDouble: 1, discrete: 1, categorical: 6 }, maxTrialCount: 200, completed: 0 }, 'bayesianoptimization', 'gaussian-process'],
    ['only categorical, long budget: not CMA-ES', { shape: { intOrDouble: 0, discrete: 0, categorical: 3 }, maxTrialCount: 5000, completed: 0 }, 'bayesianoptimization', 'gaussian-process'],
    ['only categorical, long history', { shape: { intOrDouble: 0, discrete: 0, categorical: 3 }, maxTrialCount: 5000, completed: 300 }, 'multivariate-tpe', 'long-history'],
    ['21 parameters', { shape: numeric(21), maxTrialCount: 200, completed: 0 }, 'multivariate-tpe', 'high-dimensional'],
    ['20 parameters still get the GP', { shape: numeric(20), maxTrialCount: 200, completed: 0 }, 'bayesianoptimization', 'gaussian-process'],
    ['long numeric run: CMA-ES from the first trial', { shape: numeric(5), maxTrialCount: 1000, completed: 0 }, 'cmaes', 'long-numeric-run'],
    ['long numeric run stays CMA-ES past 250', { shape: numeric(5), maxTrialCount: 1000, completed: 600 }, 'cmaes', 'long-numeric-run'],
    ['long run in 30-D is CMA-ES too', { shape: numeric(30), maxTrialCount: 2000, completed: 0 }, 'cmaes', 'long-numeric-run'],
    ['long run with lists and two numbers', { shape: { intOrDouble: 2, discrete: 3, categorical: 0 }, maxTrialCount: 1000, completed: 0 }, 'cmaes', 'long-numeric-run'],
    ['long run, one int/double: CMA-ES refuses it', { shape: { intOrDouble: 1, discrete: 2, categorical: 0 }, maxTrialCount: 1000, completed: 0 }, 'bayesianoptimization', 'gaussian-process'],
    ['long run with a categorical: CMA-ES would draw it at random', { shape: { intOrDouble: 4, discrete: 0, categorical: 1 }, maxTrialCount: 1000, completed: 0 }, 'bayesianoptimization', 'gaussian-process'],
    ['999 trials are not a long run', { shape: numeric(5), maxTrialCount: 999, completed: 0 }, 'bayesianoptimization', 'gaussian-process'],
  ];

  test.each(table)('%s', (_, input, algorithm, rule) => {
    expect(chooseAlgorithm(input), JSON.stringify(input)).toEqual({ algorithm, rule });
  });

  test('CMA-ES is never chosen where it cannot run, nor after the first trial unless it had them all', () => {
    for (let intOrDouble = 0; intOrDouble <= 4; intOrDouble++) {
      for (let categorical = 0; categorical <= 2; categorical++) {
        for (const maxTrialCount of [undefined, 10, 200, 999, 1000, 5000]) {
          const shape = { intOrDouble, discrete: 1, categorical };
          const first = chooseAlgorithm({ shape, maxTrialCount, completed: 0 }).algorithm;
          for (const completed of [0, 1, 100, 249, 250, 4000]) {
            const later = chooseAlgorithm({ shape, maxTrialCount, completed }).algorithm;
            if (later === 'cmaes') {
              expect(intOrDouble).toBeGreaterThanOrEqual(2);
              expect(categorical).toBe(0);
              expect(first).toBe('cmaes');
            }
            // Whatever the history, a run that started with CMA-ES keeps it.
            if (first === 'cmaes') expect(later).toBe('cmaes');
          }
        }
      }
    }
  });

  test('once the GP has handed over it never comes back', () => {
    const shape = numeric(4);
    let handedOver = false;
    for (let completed = 0; completed <= 600; completed++) {
      const { algorithm } = chooseAlgorithm({ shape, maxTrialCount: 600, completed });
      if (algorithm !== 'bayesianoptimization') handedOver = true;
      else expect(handedOver, `completed ${completed}`).toBe(false);
    }
    expect(handedOver).toBe(true);
  });

  test('thresholds can be changed', () => {
    const input = { shape: numeric(2), maxTrialCount: 30, completed: 12 };
    expect(chooseAlgorithm(input, { ...DEFAULT_THRESHOLDS, gpTrials: 12 }).algorithm).toBe('multivariate-tpe');
    expect(chooseAlgorithm(input, { ...DEFAULT_THRESHOLDS, cmaesBudget: 30 }).algorithm).toBe('cmaes');
    expect(chooseAlgorithm({ ...input, shape: numeric(3) }, { ...DEFAULT_THRESHOLDS, gpDimension: 2 }).algorithm).toBe('multivariate-tpe');
  });
});
