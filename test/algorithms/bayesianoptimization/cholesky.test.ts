import fc from 'fast-check';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, test } from 'vitest';
import {
  appendRow,
  choleskyInPlace,
  choleskyWithJitter,
  inverse,
  logDeterminant,
  solve,
  type Factor,
} from '../../../algorithms/bayesianoptimization/cholesky.js';
import { correlationMatrix } from '../../../algorithms/bayesianoptimization/kernel.js';

/** L·Lᵀ of a factor, as a full row-major n×n matrix. */
function product(f: Factor): Float64Array {
  const { l, n, stride } = f;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += l[i * stride + k]! * l[j * stride + k]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** A symmetric positive-definite n×n matrix BᵀB + εI from the entries of B. */
function spd(entries: number[], n: number, epsilon: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? epsilon : 0;
      for (let k = 0; k < n; k++) s += entries[k * n + i]! * entries[k * n + j]!;
      a[i * n + j] = s;
    }
  }
  return a;
}

describe('Cholesky factorisation', () => {
  test('a 3×3 matrix factorises to the integer factor found by hand', () => {
    // A = L·Lᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]] (the textbook example: 2² = 4, 2·6 = 12, 6² + 1 = 37, …).
    const a = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);
    const f = choleskyWithJitter(a, 3)!;
    expect(f.jitter).toBe(0);
    expect([f.l[0], f.l[3], f.l[4], f.l[6], f.l[7], f.l[8]]).toEqual([2, 6, 1, -8, 5, 3]);
    // log det A = 2·log(2·1·3) = log 36.
    expect(Math.abs(logDeterminant(f) - Math.log(36))).toBeLessThan(1e-14);
    // A·x = b for b = A·(1, -2, 0.5): (4 - 24 - 8, 12 - 74 - 21.5, -16 + 86 + 49).
    const x = solve(f, [-28, -83.5, 119]);
    expect(largestDifference(x, [1, -2, 0.5])).toBeLessThan(1e-12);
  });

  test('agrees with ml-matrix on random positive-definite matrices (factor to 1e-10 relative, inverse to 1e-8)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.record({ n: fc.constant(n), entries: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: n * n, maxLength: n * n }) }),
        ),
        ({ n, entries }) => {
          const a = spd(entries, n, 0.1);
          const f = choleskyWithJitter(a, n)!;
          expect(f.jitter).toBe(0);
          const reference = new CholeskyDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n))))).lowerTriangularMatrix;
          const scale = Math.max(...Array.from(a, Math.abs));
          for (let i = 0; i < n; i++) {
            for (let j = 0; j <= i; j++) expect(Math.abs(f.l[i * n + j]! - reference.get(i, j)), `L[${i}][${j}] of n=${n}`).toBeLessThan(1e-10 * Math.sqrt(scale));
          }
          // A·A⁻¹ = I: condition numbers here stay below ~1e4·n, so 1e-8 is loose.
          const inv = inverse(f);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let k = 0; k < n; k++) s += a[i * n + k]! * inv[k * n + j]!;
              expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-8);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  test('a nearly singular kernel matrix (repeated and nearly repeated points) gets the smallest jitter that works', () => {
    // Matern correlations of 30 points on [0, 1]², the last ten copies of the first ten
    // moved by at most 1e-9: rank about 20 to rounding, so a plain factorisation fails.
    const n = 30;
    const x = new Float64Array(n * 2);
    for (let i = 0; i < 20; i++) {
      x[2 * i] = (i * 0.618034) % 1;
      x[2 * i + 1] = (i * 0.41421) % 1;
    }
    for (let i = 20; i < 30; i++) {
      x[2 * i] = x[2 * (i - 20)]! + 1e-9 * (i - 20);
      x[2 * i + 1] = x[2 * (i - 20) + 1]!;
    }
    const k = correlationMatrix(x, n, Float64Array.from([4, 4]), new Uint8Array(2));
    expect(choleskyInPlace(Float64Array.from(k), n)).toBe(false);
    const f = choleskyWithJitter(k, n)!;
    expect(f).not.toBeNull();
    // The ladder is 1e-10, 1e-9, …; this matrix needs no more than 1e-6 of its unit diagonal.
    expect(f.jitter).toBeGreaterThan(0);
    expect(f.jitter).toBeLessThanOrEqual(1e-6);
    const expected = Float64Array.from(k);
    for (let i = 0; i < n; i++) expected[i * n + i] = expected[i * n + i]! + f.jitter;
    expect(largestDifference(product(f), expected)).toBeLessThan(1e-12);
  });

  test('a rank-one matrix (all ones) factorises with jitter; a negative-definite or NaN matrix does not', () => {
    const ones = new Float64Array(16).fill(1);
    const f = choleskyWithJitter(ones, 4)!;
    expect(f.jitter).toBeGreaterThan(0);
    const expected = Float64Array.from(ones);
    for (let i = 0; i < 4; i++) expected[i * 4 + i] = 1 + f.jitter;
    expect(largestDifference(product(f), expected)).toBeLessThan(1e-12);
    expect(choleskyWithJitter(Float64Array.from([-1, 0, 0, -1]), 2)).toBeNull();
    expect(choleskyWithJitter(Float64Array.from([1, NaN, NaN, 1]), 2)).toBeNull();
  });

  test('bordering a factor with a row gives the factor of the bordered matrix', () => {
    const a = spd([1, 0.2, -0.4, 0.3, 0.5, 1.1, -0.7, 0.25, 0.6, 0.1, 0.9, -0.3, 0.2, 0.4, -0.1, 1.3], 4, 0.05);
    const whole = choleskyWithJitter(a, 4)!;
    const top = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) top[i * 3 + j] = a[i * 4 + j]!;
    const f = choleskyWithJitter(top, 3, 4)!;
    appendRow(f, [a[12]!, a[13]!, a[14]!], a[15]!);
    expect(f.n).toBe(4);
    for (let i = 0; i < 4; i++) for (let j = 0; j <= i; j++) expect(Math.abs(f.l[i * 4 + j]! - whole.l[i * 4 + j]!)).toBeLessThan(1e-13);
    expect(() => appendRow(f, [0, 0, 0, 0], 1)).toThrow(/capacity/);
  });
});
