import { describe, expect, test } from 'vitest';
import { hartmann3 } from '../../bench/functions/index.js';
import {
  A_STAR,
  asymptote,
  curve,
  L0,
  learningCurveLoss,
  MAX_EPOCHS,
  noiseU,
  SIGMA,
  splitmix64,
  tau,
  X_STAR,
} from '../../bench/functions/learning-curve.js';

// Source: bench-protocol v1, Appendix A (A.2 constants, A.3 golden values).

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe('constants (A.2)', () => {
  test('as the protocol gives them', () => {
    expect(MAX_EPOCHS).toBe(81);
    expect(L0).toBe(1.25);
    expect(SIGMA).toBe(0.01);
    expect(A_STAR).toBe(0.0343050531668343);
    expect(X_STAR).toEqual([0.1145888723, 0.5556488969, 0.8525469839, 1.0]);
  });

  test('A* = (H3* + 4) / 4 with H3* = -3.862779787332663, and A(x*) = A* to 1e-12', () => {
    expect(relErr((-3.862779787332663 + 4) / 4, A_STAR)).toBeLessThan(1e-12);
    expect(relErr(asymptote(X_STAR), A_STAR)).toBeLessThan(1e-12);
    expect(asymptote(X_STAR)).toBeCloseTo((hartmann3(X_STAR.slice(0, 3)) + 4) / 4, 15);
  });
});

describe('splitmix64 and the noise key (A.2)', () => {
  test('splitmix64(0) = 0xE220A8397B1DCDAF', () => {
    expect(splitmix64(0n)).toBe(0xe220a8397b1dcdafn);
  });

  test('stays within 64 bits', () => {
    for (const key of [0n, 1n, 2n ** 63n, 2n ** 64n - 1n]) {
      const z = splitmix64(key);
      expect(z >= 0n && z < 2n ** 64n, `splitmix64(${key}) = ${z}`).toBe(true);
    }
  });

  test('u(s, k, t) = (splitmix64(s·2^40 + k·2^20 + t) >> 11) / 2^53', () => {
    const key = 3n * 2n ** 40n + 17n * 2n ** 20n + 9n;
    expect(noiseU(3, 17, 9)).toBe(Number(splitmix64(key) >> 11n) / 2 ** 53);
  });

  test('the largest allowed indices are accepted', () => {
    const u = noiseU(2 ** 24 - 1, 2 ** 20 - 1, 2 ** 20 - 1);
    expect(u >= 0 && u < 1).toBe(true);
  });

  test.each([
    ['seed', 2 ** 24, 0, 1],
    ['trial', 0, 2 ** 20, 1],
    ['epoch', 0, 0, 2 ** 20],
    ['seed', -1, 0, 1],
    ['trial', 0, 1.5, 1],
    ['epoch', 0, 0, NaN],
  ])('%s out of range: noiseU(%d, %d, %d) throws RangeError', (name, s, k, t) => {
    expect(() => noiseU(s, k, t)).toThrow(RangeError);
    expect(() => noiseU(s, k, t)).toThrow(name);
  });
});

describe('the curve (A.2)', () => {
  test('tau(x) = 1 + 15 x3; c(x, 0) = L0; c tends to A(x)', () => {
    const x = [0.5, 0.5, 0.5, 0.5];
    expect(tau(x)).toBe(8.5);
    expect(curve(x, 0)).toBe(L0);
    expect(curve(x, 1e6)).toBeCloseTo(asymptote(x), 15);
  });

  test('refuses a point that is not 4-dimensional', () => {
    expect(() => asymptote([0.5, 0.5, 0.5])).toThrow(RangeError);
    expect(() => learningCurveLoss([0.5, 0.5, 0.5, 0.5, 0.5], 1, 0, 0)).toThrow(RangeError);
  });
});

// A.3: x, t, s, k -> u, A(x), loss. u must match exactly, loss to 1e-14 relative and A(x) to
// 1e-15 relative to max(|A|, 1). A = (H3 + 4)/4 cancels near x* (H3 ≈ -3.86), where one ulp of
// H3 is 1.1e-16 in A, i.e. 3.2e-15 relative to A* = 0.034: the 10-digit X_STAR gives H3 two ulps
// above -3.862779787332663 in every summation order, while the golden x* rows carry A* itself.
const MID = [0.5, 0.5, 0.5, 0.5];
const OTHER = [0.1, 0.9, 0.3, 0.0];
const GOLDEN: Array<{ label: string; x: readonly number[]; t: number; s: number; k: number; u: number; a: number; loss: number }> = [
  { label: 'mid', x: MID, t: 1, s: 0, k: 0, u: 0.5665615751722809, a: 0.86799449623235159, loss: 1.2099068801200019 },
  { label: 'mid', x: MID, t: 9, s: 3, k: 17, u: 0.29606849061727591, a: 0.86799449623235159, loss: 0.99343392306709188 },
  { label: 'mid', x: MID, t: 81, s: 7, k: 123, u: 0.03397900848275992, a: 0.86799449623235159, loss: 0.85187882060206632 },
  { label: 'other', x: OTHER, t: 1, s: 0, k: 0, u: 0.5665615751722809, a: 0.99321912959270287, loss: 1.0899892933022599 },
  { label: 'other', x: OTHER, t: 9, s: 3, k: 17, u: 0.29606849061727591, a: 0.99321912959270287, loss: 0.98618642415931135 },
  { label: 'other', x: OTHER, t: 81, s: 7, k: 123, u: 0.03397900848275992, a: 0.99321912959270287, loss: 0.97707568889867313 },
  { label: 'x*', x: X_STAR, t: 1, s: 0, k: 0, u: 0.5665615751722809, a: 0.034305053166834298, loss: 1.1786505272188481 },
  { label: 'x*', x: X_STAR, t: 9, s: 3, k: 17, u: 0.29606849061727591, a: 0.034305053166834298, loss: 0.71992275927424298 },
  { label: 'x*', x: X_STAR, t: 81, s: 7, k: 123, u: 0.03397900848275992, a: 0.034305053166834298, loss: 0.025856615532890957 },
];

describe('golden values (A.3)', () => {
  test.each(GOLDEN)('x = $label, t = $t, s = $s, k = $k', ({ x, t, s, k, u, a, loss }) => {
    const where = `x = (${x.join(', ')}), t = ${t}, s = ${s}, k = ${k}`;
    expect(noiseU(s, k, t), where).toBe(u);
    const got = asymptote(x);
    expect(Math.abs(got - a) / Math.max(Math.abs(a), 1), `A: ${where}: ${got} vs ${a}`).toBeLessThanOrEqual(1e-15);
    const l = learningCurveLoss(x, t, s, k);
    expect(relErr(l, loss), `loss: ${where}: ${l} vs ${loss}`).toBeLessThanOrEqual(1e-14);
  });

  test.each(GOLDEN.filter((row) => row.label === 'x*'))('x*, t = $t: the golden loss is c(x*, t) + noise with A = A* (to 1e-15)', (row) => {
    const c = A_STAR + (L0 - A_STAR) * Math.exp(-row.t / tau(X_STAR));
    const l = c + SIGMA * Math.sqrt(3) * (2 * noiseU(row.s, row.k, row.t) - 1);
    expect(relErr(l, row.loss), `t = ${row.t}: ${l} vs ${row.loss}`).toBeLessThanOrEqual(1e-15);
  });
});
