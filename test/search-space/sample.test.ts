import { describe, expect, test } from 'vitest';
import type { ParameterSpec } from '../../src/experiment/types.js';
import { createRng } from '../../src/rng.js';
import { compileDomain, contains, sampleValue, type Domain } from '../../src/search-space/index.js';

const N = 100_000;
const p = (parameterType: ParameterSpec['parameterType'], feasibleSpace: ParameterSpec['feasibleSpace']): Domain =>
  compileDomain({ name: 'x', parameterType, feasibleSpace });

function draws(d: Domain, seed = 1): number[] {
  const rng = createRng(seed, 'sample-test');
  return Array.from({ length: N }, () => Number(sampleValue(d, rng)));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

// Tolerances: N = 1e5 draws; each bound is >= 4 standard errors of the statistic.
describe('sampling by distribution (katib-spec §4.1)', () => {
  test('uniform double: mean (min+max)/2, sd (max-min)/sqrt(12)', () => {
    const xs = draws(p('double', { min: '2', max: '8' }));
    expect(mean(xs)).toBeCloseTo(5, 1); // se = 1.73/316 = 0.0055
    expect(Math.abs(sd(xs) - 6 / Math.sqrt(12))).toBeLessThan(0.02);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...xs)).toBeLessThanOrEqual(8);
  });

  test('uniform int: every integer of [1, 4] equally likely (0.25 each, ±0.006)', () => {
    const xs = draws(p('int', { min: '1', max: '4' }));
    for (const k of [1, 2, 3, 4]) expect(Math.abs(xs.filter((x) => x === k).length / N - 0.25)).toBeLessThan(0.006);
  });

  test('logUniform [1, 100]: half the mass below 10, a quarter below sqrt(10)', () => {
    const xs = draws(p('double', { min: '1', max: '100', distribution: 'logUniform' }));
    expect(Math.abs(xs.filter((x) => x < 10).length / N - 0.5)).toBeLessThan(0.007);
    expect(Math.abs(xs.filter((x) => x < Math.sqrt(10)).length / N - 0.25)).toBeLessThan(0.006);
  });

  test('normal [0, 6]: mean 3, sd of a normal(3, 1) truncated at ±3σ = 0.98658', () => {
    // Var of N(0,1) truncated to [-3,3] = 1 - 2·3·φ(3)/(2Φ(3) - 1) = 1 - 6·0.0044318/0.9973002 = 0.973337.
    const xs = draws(p('double', { min: '0', max: '6', distribution: 'normal' }));
    expect(Math.abs(mean(xs) - 3)).toBeLessThan(0.015);
    expect(Math.abs(sd(xs) - Math.sqrt(0.973337))).toBeLessThan(0.01);
    expect(xs.every((x) => x >= 0 && x <= 6)).toBe(true);
  });

  test('logNormal [1, e^6]: ln x has mean 3 and the truncated sd 0.98658', () => {
    const xs = draws(p('double', { min: '1', max: String(Math.exp(6)), distribution: 'logNormal' })).map(Math.log);
    expect(Math.abs(mean(xs) - 3)).toBeLessThan(0.015);
    expect(Math.abs(sd(xs) - Math.sqrt(0.973337))).toBeLessThan(0.01);
  });

  test('normal on a grid snaps to grid points', () => {
    const d = p('double', { min: '0', max: '1', step: '0.25', distribution: 'normal' });
    const xs = draws(d);
    expect(new Set(xs)).toEqual(new Set([0, 0.25, 0.5, 0.75, 1]));
    // the centre cell [0.375, 0.625] is ±0.75σ of N(0.5, 1/6): (2Φ(0.75) - 1)/(2Φ(3) - 1) = 0.546745/0.997300 = 0.548225
    expect(Math.abs(xs.filter((x) => x === 0.5).length / N - 0.548225)).toBeLessThan(0.007);
  });

  test('lists are uniform whatever the distribution', () => {
    const d = p('categorical', { list: ['a', 'b', 'c'], distribution: 'normal' });
    const rng = createRng(3);
    const xs = Array.from({ length: N }, () => sampleValue(d, rng));
    for (const v of ['a', 'b', 'c']) expect(Math.abs(xs.filter((x) => x === v).length / N - 1 / 3)).toBeLessThan(0.007);
    expect(xs.every((x) => contains(d, x))).toBe(true);
  });

  test('the same seed gives the same draws; another seed does not', () => {
    const d = p('double', { min: '0', max: '1' });
    const a = createRng(5, 'x');
    const b = createRng(5, 'x');
    const c = createRng(6, 'x');
    const sa = [sampleValue(d, a), sampleValue(d, a)];
    expect([sampleValue(d, b), sampleValue(d, b)]).toEqual(sa);
    expect([sampleValue(d, c), sampleValue(d, c)]).not.toEqual(sa);
  });
});
