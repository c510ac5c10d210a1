import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ndtr as normalCdf, ndtri as normalQuantile } from '../../../algorithms/math/normal.js';

// Computed with scipy 1.17.1: scipy.special.ndtr(x) and ndtri(p), printed with repr().
const CDF: [number, number][] = [
  [-20.0, 2.7536241186061556e-89],
  [-10.0, 7.61985302416047e-24],
  [-5.0, 2.866515718791933e-7],
  [-3.0001, 0.0013494549132607172],
  [-3.0, 0.0013498980316300933],
  [-2.5, 0.006209665325776132],
  [-1.0, 0.15865525393145707],
  [-0.1, 0.460172162722971],
  [0.0, 0.5],
  [0.5, 0.6914624612740131],
  [1.96, 0.9750021048517795],
  [3.0, 0.9986501019683699],
  [5.0, 0.9999997133484281],
  [8.0, 0.9999999999999993],
];

const QUANTILE: [number, number][] = [
  [1e-300, -37.0470962993612],
  [1e-100, -21.273453560965322],
  [1e-20, -9.262340089798409],
  [1e-10, -6.361340902404056],
  [1e-5, -4.264890793922825],
  [0.001, -3.090232306167813],
  [0.025, -1.9599639845400545],
  [0.3, -0.5244005127080409],
  [0.5, 0.0],
  [0.7, 0.5244005127080407],
  [0.975, 1.959963984540054],
  // 1 − 1e-10 is itself rounded; ndtri of that double.
  [0.9999999999, 6.361340889697422],
];

describe('standard normal', () => {
  test.each(CDF)('Φ(%d) = %d to 1e-13 relative (scipy 1.17.1 ndtr)', (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected)).toBeLessThanOrEqual(1e-13 * expected);
  });

  test.each(QUANTILE)('Φ⁻¹(%d) = %d to 1e-13 relative (scipy 1.17.1 ndtri)', (p, expected) => {
    expect(Math.abs(normalQuantile(p) - expected)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(expected)));
  });

  test('limits and invalid input', () => {
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-40)).toBeLessThan(1e-300);
    expect(normalCdf(NaN)).toBeNaN();
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(NaN)).toBeNaN();
  });

  test('Φ(Φ⁻¹(p)) = p to 1e-12 relative over (1e-200, 0.5]', () => {
    fc.assert(
      fc.property(fc.double({ min: -200, max: Math.log10(0.5), noNaN: true }), (e) => {
        const p = 10 ** e;
        expect(Math.abs(normalCdf(normalQuantile(p)) - p), `p = ${p}`).toBeLessThanOrEqual(1e-12 * p);
      }),
      { numRuns: 300 },
    );
  });
});
