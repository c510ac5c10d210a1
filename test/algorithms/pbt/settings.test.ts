import { describe, expect, test } from 'vitest';
import { createPbt } from '../../../algorithms/pbt/index.js';
import type { AlgorithmSetting, ParameterSpec } from '../../../src/experiment/types.js';
import { pbtExperiment } from './support.js';

const validate = (settings: AlgorithmSetting[], parameters?: ParameterSpec[]) =>
  createPbt().validateSettings(pbtExperiment({ settings, ...(parameters ? { parameters } : {}) }));

describe('pbt settings (katib-spec §4.6)', () => {
  test('the required settings alone are valid', () => {
    expect(validate([])).toEqual([]);
  });

  test.each([
    ['n_population', '4', 'expected an integer >= 5'],
    ['n_population', '5.5', 'expected an integer >= 5'],
    ['n_population', 'ten', 'expected an integer >= 5'],
    ['truncation_threshold', '-0.1', 'expected a number >= 0 and <= 1'],
    ['truncation_threshold', '1.01', 'expected a number >= 0 and <= 1'],
    ['resample_probability', '1.5', 'expected a number >= 0 and <= 1'],
    ['resample_probability', '-1', 'expected a number >= 0 and <= 1'],
    ['resample_probability', 'often', 'expected a number >= 0 and <= 1'],
  ])('%s = %s is refused: %s', (name, value, expected) => {
    const issues = validate([{ name, value }]);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toBe(`failed to validate ${name}(${value}): ${expected}`);
    expect(issues[0]!.path).toMatch(/^spec\.algorithm\.algorithmSettings\[\d\]\.value$/);
  });

  test.each([
    ['n_population', '5'],
    ['truncation_threshold', '0'],
    ['truncation_threshold', '1'],
    ['resample_probability', '0'],
    ['resample_probability', '0.25'],
    ['resample_probability', '1'],
  ])('%s = %s is accepted (resample_probability works, unlike Katib)', (name, value) => {
    expect(validate([{ name, value }])).toEqual([]);
  });

  test.each(['suggestion_trial_dir', 'n_population', 'truncation_threshold'])('%s is required', (name) => {
    const e = pbtExperiment();
    e.spec.algorithm!.algorithmSettings = e.spec.algorithm!.algorithmSettings!.filter((s) => s.name !== name);
    expect(createPbt().validateSettings(e)).toEqual([
      { path: 'spec.algorithm.algorithmSettings', message: `failed to validate ${name}: the setting is required by algorithm pbt` },
    ]);
  });

  test('an unknown setting is refused with Katib\'s message', () => {
    const issues = validate([{ name: 'n_generations', value: '3' }]);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/^unknown setting n_generations for algorithm pbt; known settings: suggestion_trial_dir, n_population, truncation_threshold, resample_probability$/);
  });

  test('a double without a step is refused, at its step; ints and lists need none', () => {
    const parameters: ParameterSpec[] = [
      { name: 'lr', parameterType: 'double', feasibleSpace: { min: '0.001', max: '0.1' } },
      { name: 'layers', parameterType: 'int', feasibleSpace: { min: '1', max: '4' } },
      { name: 'opt', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam'] } },
    ];
    expect(validate([], parameters)).toEqual([
      { path: 'spec.parameters[0].feasibleSpace.step', message: 'algorithm pbt needs a step for double parameter "lr"' },
    ]);
  });

  test('needs parameters', () => {
    expect(validate([], [])).toEqual([{ path: 'spec.parameters', message: expect.stringContaining('pbt') }]);
  });
});
