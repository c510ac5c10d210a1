import { describe, expect, test } from 'vitest';
import { mannWhitneyGreater, normalCdf } from '../../bench/report/mann-whitney.js';

describe('one-sided Mann–Whitney U', () => {
  test('three above three: U = 9; z = (9 − 4.5 − 0.5)/√(9·7/12) = 1.7457, p = 0.0404 (exact 1/20)', () => {
    const { u, p } = mannWhitneyGreater([4, 5, 6], [1, 2, 3]);
    expect(u).toBe(9);
    expect(p).toBeCloseTo(0.0404, 3);
  });

  test('ties count a half; identical samples give p near 1/2 or above', () => {
    const { u, p } = mannWhitneyGreater([1, 1, 2], [1, 1, 2]);
    expect(u).toBe(4.5);
    expect(p).toBeGreaterThan(0.5);
  });

  test('Φ at known points (Abramowitz & Stegun table 26.1), to 1e-6', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.1586553, 6);
  });
});
