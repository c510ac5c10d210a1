import { symmetricEigen } from './eigen.js';
import { initialLearningRates, type LearningRates } from './lr-adapt.js';
import type { StrategyParameters } from './parameters.js';

/**
 * The search distribution N(m, σ² C) of one CMA-ES run and its evolution paths: everything
 * a generation's update reads and writes (Hansen 2016, §3–4). Plain data, never mutated
 * after it is built; the update returns a new one.
 *
 * Matrices are row-major Float64Arrays of n·n entries.
 */
export interface Distribution {
  params: StrategyParameters;
  mean: Float64Array;
  sigma: number;
  /** The covariance matrix C, symmetric positive definite. */
  C: Float64Array;
  /** Evolution paths for σ and C (eqs. 43, 45). */
  pSigma: Float64Array;
  pC: Float64Array;
  /** C = B D² Bᵀ as of generation `eigenGeneration`: B's columns are eigenvectors, D holds square roots of eigenvalues. */
  B: Float64Array;
  D: Float64Array;
  eigenGeneration: number;
  /** Number of updates so far (g). */
  generation: number;
  /**
   * Per-coordinate scale of the margin correction (Hamano et al. 2022, §4): a discrete
   * coordinate is encoded from m + A (x − m). 1 for continuous coordinates.
   */
  A: Float64Array;
  /** The state of learning-rate adaptation (Nomura et al. 2023), or undefined when it is off. */
  rates?: LearningRates;
}

/**
 * The distribution a run starts from: C = I, zero paths (Hansen 2016, Table 1 and Fig. 6),
 * and with `lrAdapt` both learning rates at 1.
 */
export function initialDistribution(params: StrategyParameters, mean: ArrayLike<number>, sigma: number, lrAdapt = false): Distribution {
  const n = params.n;
  if (mean.length !== n) throw new Error(`initial mean has ${mean.length} coordinates, expected ${n}`);
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new Error(`initial step size must be positive and finite, got ${sigma}`);
  const identity = new Float64Array(n * n);
  for (let i = 0; i < n; i++) identity[i * n + i] = 1;
  return {
    params,
    mean: Float64Array.from(mean),
    sigma,
    C: identity,
    pSigma: new Float64Array(n),
    pC: new Float64Array(n),
    B: identity.slice(),
    D: new Float64Array(n).fill(1),
    eigenGeneration: 0,
    generation: 0,
    A: new Float64Array(n).fill(1),
    ...(lrAdapt ? { rates: initialLearningRates(n) } : {}),
  };
}

/**
 * B and D of a covariance matrix. Eigenvalues that rounding pushed to or below zero are
 * floored at a tiny fraction of the largest, so that sampling and C^(-1/2) stay finite.
 */
export function decompose(C: Float64Array, n: number, diagonal = false): { B: Float64Array; D: Float64Array } {
  // A diagonal C (separable CMA-ES) is its own decomposition: B = I, D² = diag(C).
  const { values, vectors } = diagonal ? diagonalEigen(C, n) : symmetricEigen(C, n);
  let largest = 0;
  for (const v of values) largest = Math.max(largest, v);
  const floor = largest > 0 ? largest * 1e-30 : 1e-300;
  return { B: vectors, D: values.map((v) => Math.sqrt(Math.max(v, floor))) };
}

function diagonalEigen(C: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vectors[i * n + i] = 1;
  return { values: Float64Array.from({ length: n }, (_, i) => C[i * n + i] as number), vectors };
}

/** C^(−1/2) = B D⁻¹ Bᵀ as an n×n matrix, with the decomposition in use. */
export function inverseSqrt(dist: Distribution): Float64Array {
  const n = dist.params.n;
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const d = 1 / (dist.D[k] as number);
    for (let i = 0; i < n; i++) {
      const bik = (dist.B[i * n + k] as number) * d;
      if (bik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] = (out[i * n + j] as number) + bik * (dist.B[j * n + k] as number);
    }
  }
  return out;
}

/** y = B D z: a draw of N(0, C) from a draw z of N(0, I) (eq. 39). */
export function correlate(dist: Distribution, z: ArrayLike<number>): Float64Array {
  const n = dist.params.n;
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const dz = (dist.D[k] as number) * (z[k] as number);
    if (dz === 0) continue;
    for (let i = 0; i < n; i++) y[i] = (y[i] as number) + (dist.B[i * n + k] as number) * dz;
  }
  return y;
}

/** C^(-1/2) y = B D⁻¹ Bᵀ y, with the decomposition in use (eqs. 43, 46). */
export function whiten(dist: Distribution, y: ArrayLike<number>): Float64Array {
  const n = dist.params.n;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += (dist.B[i * n + k] as number) * (y[i] as number);
    const scaled = dot / (dist.D[k] as number);
    for (let i = 0; i < n; i++) out[i] = (out[i] as number) + (dist.B[i * n + k] as number) * scaled;
  }
  return out;
}
