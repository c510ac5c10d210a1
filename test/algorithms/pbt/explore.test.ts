import { describe, expect, test } from 'vitest';
import { neighbour, perturbNumber } from '../../../algorithms/pbt/explore.js';
import { compileDomain, type ChoiceDomain, type NumericDomain } from '../../../src/search-space/index.js';

const numeric = (min: string, max: string, step: string, type: 'double' | 'int' = 'double') =>
  compileDomain({ name: 'x', parameterType: type, feasibleSpace: { min, max, step } }) as NumericDomain;
const list = (type: 'discrete' | 'categorical', values: string[]) =>
  compileDomain({ name: 'x', parameterType: type, feasibleSpace: { list: values } }) as ChoiceDomain;

describe('explore (Jaderberg et al. 2017 §4: perturb by 0.8 or 1.2)', () => {
  // [domain, x, up, expected]; by hand: x·factor, clamped, snapped to min + i·step,
  // one step further when the snap gives x back.
  test.each([
    ['[0.01, 1] step 0.01', numeric('0.01', '1', '0.01'), 0.37, true, 0.44], // 0.444 → 0.44
    ['[0.01, 1] step 0.01', numeric('0.01', '1', '0.01'), 0.37, false, 0.3], // 0.296 → 0.30
    ['[0.01, 1] step 0.01', numeric('0.01', '1', '0.01'), 0.9, true, 1], // 1.08, clamped
    ['[0.01, 1] step 0.01', numeric('0.01', '1', '0.01'), 1, true, 1], // at max it stays
    ['[0.01, 1] step 0.01', numeric('0.01', '1', '0.01'), 0.02, true, 0.03], // 0.024 → 0.02, then a step
    ['[0.01, 1] step 0.01', numeric('0.01', '1', '0.01'), 0.02, false, 0.01], // 0.016 → 0.02, then a step
    ['[0.01, 1] step 0.01', numeric('0.01', '1', '0.01'), 0.01, false, 0.01], // at min it stays
    ['[0, 1] step 0.25', numeric('0', '1', '0.25'), 0, true, 0.25], // 0·1.2 = 0, then a step
    ['[0, 1] step 0.25', numeric('0', '1', '0.25'), 0.5, true, 0.5 + 0.25], // 0.6 → 0.5, then a step
    ['[0, 1] step 0.25', numeric('0', '1', '0.25'), 0.75, false, 0.5], // 0.6 → 0.5
    ['[-1, 1] step 0.1', numeric('-1', '1', '0.1'), -0.5, true, -0.6], // -0.6: the magnitude grows
    ['[-1, 1] step 0.1', numeric('-1', '1', '0.1'), -0.1, true, -0.2], // -0.12 → -0.1, then a step away from 0
    ['int [8, 256] step 8', numeric('8', '256', '8', 'int'), 256, false, 208], // 204.8 → 208
    ['int [8, 256] step 8', numeric('8', '256', '8', 'int'), 64, true, 80], // 76.8 → 80
    ['int [1, 10]', numeric('1', '10', '1', 'int'), 2, true, 3], // 2.4 → 2, then a step
    ['int [1, 10]', numeric('1', '10', '1', 'int'), 5, false, 4], // 4.0
  ])('%s: %d %s → %d', (_, d, x, up, expected) => {
    expect(perturbNumber(d, x, up)).toBeCloseTo(expected, 12);
  });

  test('categorical: index ±1, wrapping as Katib does', () => {
    const d = list('categorical', ['sgd', 'adam', 'rmsprop']);
    expect(neighbour(d, 'sgd', true)).toBe('adam');
    expect(neighbour(d, 'sgd', false)).toBe('rmsprop');
    expect(neighbour(d, 'rmsprop', true)).toBe('sgd');
  });

  test('discrete: the numeric neighbour, without wrapping; a list of one stays', () => {
    const d = list('discrete', ['64', '16', '128', '32']);
    expect(neighbour(d, 16, false)).toBe(32);
    expect(neighbour(d, 32, false)).toBe(16);
    expect(neighbour(d, 32, true)).toBe(64);
    expect(neighbour(d, 128, true)).toBe(64);
    expect(neighbour(list('discrete', ['3']), 3, true)).toBe(3);
  });
});
