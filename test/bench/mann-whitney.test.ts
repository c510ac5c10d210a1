import { describe, expect, test } from 'vitest';
import { mannWhitneyLess, normalCdf } from '../../bench/report/mann-whitney.js';

describe('one-sided Mann–Whitney U', () => {
  test('three below three: U = 9, exact p = 1/C(6, 3) = 1/20', () => {
    expect(mannWhitneyLess([1, 2, 3], [4, 5, 6])).toEqual({ u: 9, p: 0.05, exact: true });
  });

  test('with a tie, the normal approximation with tie and continuity corrections (scipy.stats.mannwhitneyu asymptotic: 0.060592)', () => {
    // Ties {3, 3}: Σ(t³ − t) = 6, so the variance is 9/12 · (7 − 6/30) = 5.1; z = 3.5/√5.1 = 1.54985, p = 0.06059.
    const { u, p, exact } = mannWhitneyLess([1, 2, 3], [3, 5, 6]);
    expect([u, exact]).toEqual([8.5, false]);
    expect(p).toBeCloseTo(0.06059, 4);
  });

  test('ties count a half; identical samples give p near 1/2 or above', () => {
    const { u, p } = mannWhitneyLess([1, 1, 2], [1, 1, 2]);
    expect(u).toBe(4.5);
    expect(p).toBeGreaterThan(0.5);
  });

  test('Φ at known points (Abramowitz & Stegun table 26.1), to 1e-6', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.1586553, 6);
  });
});
