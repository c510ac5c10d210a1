import type { Rng } from '../../src/rng.js';
import { correlate, type Distribution } from './distribution.js';

/**
 * How the coordinates of the search space are bounded and discretised, in the unit cube.
 * A continuous coordinate must lie in [0, 1]; a discrete one (an int, a stepped double,
 * a numeric list) is a ladder of k values whose cells are split at k − 1 thresholds,
 * and is encoded by the cell its (margin-scaled) coordinate falls into.
 */
export interface CoordinateKinds {
  /** thresholds[j] is undefined for a continuous coordinate, else the ascending cell boundaries of coordinate j. */
  thresholds: readonly (Float64Array | undefined)[];
  /** Continuous coordinates are unbounded (plain R^n, as in the tutorial's own experiments). */
  unbounded?: boolean;
}

/** A candidate: the raw point told to the update, and the cell index of each discrete coordinate. */
export interface Candidate {
  /** x ~ N(m, σ²C), continuous coordinates inside [0, 1] (eq. 40 and the bound handling below). */
  x: Float64Array;
  /** For discrete coordinates the index of the encoded value; −1 for continuous ones. */
  cells: Int32Array;
}

/**
 * Draws per candidate before giving up on a point inside the bounds. Resampling draws
 * from the Gaussian truncated to the box, which keeps the update's assumption that points
 * are N(m, σ²C) draws wherever the box does not cut deep; when it does cut deep (the mean
 * pressed against a bound, where the optimum then usually lies) the last draw is clipped,
 * putting the point on the bound. Clipping rather than mirroring keeps such points on the
 * bound instead of throwing them back inside. The same handling as the `cmaes` library
 * behind Optuna's CmaEsSampler, with the library's default of 100 draws (Optuna passes 10 n).
 */
export const MAX_RESAMPLES = 100;

/**
 * One candidate of a generation, a pure function of the distribution and the stream:
 * z ~ N(0, I), y = B D z, x = m + σ y (eqs. 38–40), redrawn while a continuous
 * coordinate leaves [0, 1]. Discrete coordinates are not bounded here: any real value
 * encodes to a cell, the outermost cells extending to ±∞ (Hamano et al. 2022, §3).
 */
export function sampleCandidate(dist: Distribution, kinds: CoordinateKinds, rng: Rng): Candidate {
  const n = dist.params.n;
  const z = new Float64Array(n);
  let x: Float64Array = new Float64Array(n);
  for (let attempt = 0; attempt < MAX_RESAMPLES; attempt++) {
    for (let i = 0; i < n; i++) z[i] = rng.normal();
    x = shift(dist, correlate(dist, z));
    if (inside(x, kinds)) return { x, cells: encode(dist, kinds, x) };
  }
  for (let i = 0; i < n; i++) {
    if (kinds.thresholds[i] === undefined) x[i] = Math.min(1, Math.max(0, x[i] as number));
  }
  return { x, cells: encode(dist, kinds, x) };
}

function shift(dist: Distribution, y: Float64Array): Float64Array {
  const x = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) x[i] = (dist.mean[i] as number) + dist.sigma * (y[i] as number);
  return x;
}

function inside(x: Float64Array, kinds: CoordinateKinds): boolean {
  if (kinds.unbounded) return true;
  for (let i = 0; i < x.length; i++) {
    if (kinds.thresholds[i] !== undefined) continue;
    const v = x[i] as number;
    if (!(v >= 0 && v <= 1)) return false;
  }
  return true;
}

/**
 * The cell of each discrete coordinate: that of m_j + A_j (x_j − m_j) (Hamano et al. 2022,
 * eq. 6), a point on a threshold belonging to the lower cell.
 */
export function encode(dist: Distribution, kinds: CoordinateKinds, x: ArrayLike<number>): Int32Array {
  const cells = new Int32Array(x.length).fill(-1);
  for (let j = 0; j < x.length; j++) {
    const thresholds = kinds.thresholds[j];
    if (thresholds === undefined) continue;
    const m = dist.mean[j] as number;
    cells[j] = cellOf(thresholds, m + (dist.A[j] as number) * ((x[j] as number) - m));
  }
  return cells;
}

/** Index of the cell holding v: the number of thresholds strictly below it (binary search). */
export function cellOf(thresholds: Float64Array, v: number): number {
  let lo = 0;
  let hi = thresholds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((thresholds[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
