/**
 * Eigendecomposition of a symmetric matrix by the cyclic Jacobi method (Golub & Van Loan,
 * "Matrix Computations", 4th ed., §8.5; rotations in Rutishauser's form, Numerical Recipes
 * §11.1). CMA-ES decomposes C = B D² Bᵀ once per generation at most; n is the number of
 * hyperparameters, small enough that Jacobi's O(n³) per sweep costs microseconds, and its
 * eigenvectors are orthonormal to working precision, which keeps samples exactly N(0, C).
 *
 * Matrices are row-major Float64Arrays of n·n entries.
 */

export interface SymmetricEigen {
  /** Eigenvalues, in the order of the columns of `vectors`. */
  values: Float64Array;
  /** Orthonormal eigenvectors as columns: vectors[i·n + k] is component i of vector k. */
  vectors: Float64Array;
}

const MAX_SWEEPS = 50;

/** Eigenvalues and eigenvectors of the symmetric n×n matrix `a` (only its upper triangle is read). */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = a[i * n + j] as number;
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vectors[i * n + i] = 1;

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) off += Math.abs(m[i * n + j] as number);
    }
    if (off === 0 || !(off > 0)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        // After a few sweeps an entry below rounding of both its diagonal entries is
        // zeroed rather than rotated, so the iteration ends with exact zeros (NR §11.1).
        const apq = Math.abs(m[p * n + q] as number) * 100;
        const app = Math.abs(m[p * n + p] as number);
        const aqq = Math.abs(m[q * n + q] as number);
        if (sweep > 3 && app + apq === app && aqq + apq === aqq) {
          m[p * n + q] = 0;
          m[q * n + p] = 0;
        } else {
          rotate(m, vectors, n, p, q);
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = m[i * n + i] as number;
  return { values, vectors };
}

/** One Jacobi rotation in the (p, q) plane that zeroes m[p][q]. */
function rotate(m: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = m[p * n + q] as number;
  if (apq === 0) return;
  const app = m[p * n + p] as number;
  const aqq = m[q * n + q] as number;
  // t = tan φ, the smaller root of t² + 2θt − 1 = 0, so that |φ| ≤ π/4.
  const theta = (aqq - app) / (2 * apq);
  const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  const tau = s / (1 + c);

  m[p * n + p] = app - t * apq;
  m[q * n + q] = aqq + t * apq;
  m[p * n + q] = 0;
  m[q * n + p] = 0;
  for (let r = 0; r < n; r++) {
    if (r !== p && r !== q) {
      const arp = m[r * n + p] as number;
      const arq = m[r * n + q] as number;
      const newRp = arp - s * (arq + tau * arp);
      const newRq = arq + s * (arp - tau * arq);
      m[r * n + p] = newRp;
      m[p * n + r] = newRp;
      m[r * n + q] = newRq;
      m[q * n + r] = newRq;
    }
    const vrp = v[r * n + p] as number;
    const vrq = v[r * n + q] as number;
    v[r * n + p] = vrp - s * (vrq + tau * vrp);
    v[r * n + q] = vrq + s * (vrp - tau * vrq);
  }
}
