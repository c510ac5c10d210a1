import { describe, expect, test } from 'vitest';
import { createHyperband } from '../../../algorithms/hyperband/index.js';
import type { AlgorithmSetting } from '../../../src/experiment/types.js';
import { hyperbandExperiment, SPACE } from './simulate.js';

const validate = (settings: AlgorithmSetting[], o: Parameters<typeof hyperbandExperiment>[1] = {}) => createHyperband().validateSettings(hyperbandExperiment(settings, o));
const messages = (settings: AlgorithmSetting[], o: Parameters<typeof hyperbandExperiment>[1] = {}) => validate(settings, o).map((i) => i.message);
const rl = (value: string) => ({ name: 'r_l', value });
const resource = (value = 'epochs') => ({ name: 'resource_name', value });

describe('hyperband settings (katib-spec §4.5)', () => {
  test('r_l and resource_name are required', () => {
    expect(messages([])).toEqual([
      'failed to validate r_l: it is required for algorithm hyperband',
      'failed to validate resource_name: it is required for algorithm hyperband',
    ]);
    expect(validate([rl('81'), resource()])).toEqual([]);
  });

  test('r_l is a number that leaves s_max = floor(ln r_l / ln eta) >= 0, so r_l >= 1', () => {
    expect(messages([rl('abc'), resource()])).toEqual(['failed to validate r_l(abc): expected a number >= 0']);
    expect(messages([rl('-1'), resource()])).toEqual(['failed to validate r_l(-1): expected a number >= 0']);
    for (const v of ['0', '0.5']) expect(messages([rl(v), resource()])[0]).toMatch(new RegExp(`^failed to validate r_l\\(${v}\\): expected a number >= 1 \\(eta\\^0\\), so that s_max`));
    expect(validate([rl('1'), resource()])).toEqual([]);
    expect(validate([rl('2.5'), resource()])).toEqual([]);
    expect(messages([rl('1e12'), resource()])[0]).toContain('expected at most 1,000,000');
  });

  test('eta is int(eta), 3 when absent or <= 0; 1 leaves no logarithm base', () => {
    for (const v of ['2', '2.9', '0', '-4', '3']) expect(validate([rl('81'), resource(), { name: 'eta', value: v }]), v).toEqual([]);
    expect(messages([rl('81'), resource(), { name: 'eta', value: 'x' }])).toEqual(['failed to validate eta(x): expected a number']);
    expect(messages([rl('81'), resource(), { name: 'eta', value: '1.5' }])[0]).toMatch(/^failed to validate eta\(1.5\): expected an integer >= 2/);
  });

  test('resource_name names an int or double parameter of the experiment', () => {
    expect(messages([rl('81'), resource('steps')])).toEqual(['failed to validate resource_name(steps): expected the name of a parameter of the experiment (x, layers, optimizer, epochs)']);
    expect(messages([rl('81'), resource('optimizer')])[0]).toContain('expected an int or double parameter');
    expect(validate([rl('81'), resource('x')])).toEqual([]);
  });

  test('unknown settings are refused in Katib words; parallelTrialCount below eta^s_max is accepted (Katib refuses it)', () => {
    expect(messages([rl('81'), resource(), { name: 'random_state', value: '1' }])[0]).toMatch(/^unknown setting random_state for algorithm hyperband; known settings: r_l, eta, resource_name/);
    expect(validate([rl('81'), resource()], { parallel: 1 })).toEqual([]);
  });

  test('state settings written back are accepted, and checked', () => {
    const state = [
      { name: 's_max', value: '4' }, { name: 'b_l', value: '405' }, { name: 'r', value: '1' }, { name: 'n', value: '81' },
      { name: 'current_s', value: '-1' }, { name: 'current_i', value: '0' }, { name: 'evaluating_trials', value: '0' },
    ];
    expect(validate([rl('81'), resource(), { name: 'eta', value: '3' }, ...state])).toEqual([]);
    expect(messages([rl('81'), resource(), { name: 's_max', value: '3' }])).toEqual(['failed to validate s_max(3): expected floor(ln r_l / ln eta) = 4 for r_l 81 and eta 3']);
    expect(messages([rl('81'), resource(), { name: 'current_i', value: '-2' }])).toEqual(['failed to validate current_i(-2): expected an integer >= 0']);
  });

  test('issues point at the setting', () => {
    expect(validate([resource(), rl('0.1')])[0]?.path).toBe('spec.algorithm.algorithmSettings[1].value');
    expect(SPACE.map((p) => p.name)).toContain('epochs');
  });
});
