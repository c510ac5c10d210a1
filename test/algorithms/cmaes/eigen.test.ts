import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { symmetricEigen } from '../../../algorithms/cmaes/eigen.js';

/** ‖V diag(λ) Vᵀ − A‖_max and ‖VᵀV − I‖_max. */
function residuals(a: Float64Array, n: number): { reconstruction: number; orthogonality: number; scale: number } {
  const { values, vectors } = symmetricEigen(a, n);
  let reconstruction = 0;
  let orthogonality = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let r = 0;
      let o = 0;
      for (let k = 0; k < n; k++) {
        r += (vectors[i * n + k] as number) * (values[k] as number) * (vectors[j * n + k] as number);
        o += (vectors[k * n + i] as number) * (vectors[k * n + j] as number);
      }
      reconstruction = Math.max(reconstruction, Math.abs(r - (a[i * n + j] as number)));
      orthogonality = Math.max(orthogonality, Math.abs(o - (i === j ? 1 : 0)));
      scale = Math.max(scale, Math.abs(a[i * n + j] as number));
    }
  }
  return { reconstruction, orthogonality, scale };
}

const sorted = (v: Float64Array) => Array.from(v).sort((a, b) => a - b);

describe('symmetric eigendecomposition (cyclic Jacobi)', () => {
  test('tridiagonal [[2,1,0],[1,2,1],[0,1,2]]: eigenvalues 2 − √2, 2, 2 + √2 (hand: det(A − λI) = (2−λ)((2−λ)² − 2))', () => {
    const a = Float64Array.from([2, 1, 0, 1, 2, 1, 0, 1, 2]);
    const values = sorted(symmetricEigen(a, 3).values);
    [2 - Math.SQRT2, 2, 2 + Math.SQRT2].forEach((v, i) => expect(Math.abs((values[i] as number) - v)).toBeLessThan(1e-14));
    const { reconstruction, orthogonality } = residuals(a, 3);
    expect(reconstruction).toBeLessThan(1e-14);
    expect(orthogonality).toBeLessThan(1e-14);
  });

  test('2×2: the closed form (tr ± √(tr² − 4 det)) / 2 to 1e-14', () => {
    // The covariance after the first generation in update.test.ts.
    const a = Float64Array.from([1.22055500124554, 0.0954247172354469, 0.0954247172354469, 0.7882398986532118]);
    const values = sorted(symmetricEigen(a, 2).values);
    const tr = 1.22055500124554 + 0.7882398986532118;
    const det = 1.22055500124554 * 0.7882398986532118 - 0.0954247172354469 ** 2;
    const root = Math.sqrt(tr * tr - 4 * det);
    expect(Math.abs((values[0] as number) - (tr - root) / 2)).toBeLessThan(1e-14);
    expect(Math.abs((values[1] as number) - (tr + root) / 2)).toBeLessThan(1e-14);
  });

  test('edge cases: 1×1, zero, identity (repeated eigenvalues), diagonal, tiny and huge scales', () => {
    expect(Array.from(symmetricEigen(Float64Array.from([5]), 1).values)).toEqual([5]);
    expect(Array.from(symmetricEigen(new Float64Array(9), 3).values)).toEqual([0, 0, 0]);
    const identity = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(symmetricEigen(identity, 3).values)).toEqual([1, 1, 1]);
    expect(Array.from(symmetricEigen(identity, 3).vectors)).toEqual(Array.from(identity));
    expect(sorted(symmetricEigen(Float64Array.from([3, 0, 0, -1]), 2).values)).toEqual([-1, 3]);
    for (const s of [1e-150, 1e150]) {
      const a = Float64Array.from([2, 1, 0, 1, 2, 1, 0, 1, 2].map((v) => v * s));
      const { reconstruction, orthogonality } = residuals(a, 3);
      expect(reconstruction / s, `scale ${s}`).toBeLessThan(1e-14);
      expect(orthogonality, `scale ${s}`).toBeLessThan(1e-14);
    }
  });

  test('ill-conditioned: eigenvalues 1 and 1e-14 in a rotated basis are both recovered', () => {
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const [l1, l2] = [1, 1e-14];
    const a = Float64Array.from([c * c * l1 + s * s * l2, c * s * (l1 - l2), c * s * (l1 - l2), s * s * l1 + c * c * l2]);
    const values = sorted(symmetricEigen(a, 2).values);
    expect(Math.abs((values[1] as number) - 1)).toBeLessThan(1e-15);
    expect(Math.abs((values[0] as number) - 1e-14)).toBeLessThan(1e-16); // absolute error ~ eps · ‖A‖
  });

  test('random symmetric matrices up to 12×12: A = V diag(λ) Vᵀ and VᵀV = I to 1e-13 relative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: n * n, maxLength: n * n })),
        ),
        ([n, entries]) => {
          const a = new Float64Array(n * n);
          for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = entries[i * n + j] as number;
          const { reconstruction, orthogonality, scale } = residuals(a, n);
          expect(reconstruction, JSON.stringify(Array.from(a))).toBeLessThanOrEqual(1e-13 * Math.max(scale, 1e-300) * n);
          expect(orthogonality).toBeLessThan(1e-13);
        },
      ),
      { numRuns: 200 },
    );
  });
});
