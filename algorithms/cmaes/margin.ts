import type { Distribution } from './distribution.js';
import { ndtr as normalCdf, ndtri as normalQuantile } from '../math/normal.js';
import { cellOf, type CoordinateKinds } from './sample.js';

/**
 * The margin correction of CMA-ES with Margin (Hamano, Saito, Nomura, Shirakawa,
 * "CMA-ES with Margin: Lower-Bounding Marginal Probability for Mixed-Integer Black-Box
 * Optimization", GECCO 2022, §4). Once σ² C is small along a discrete coordinate, every
 * sample encodes to the mean's cell and the search stops moving along it. After each
 * update the correction keeps, per discrete coordinate, at least probability α/2 (α in
 * total) of the encoding distribution N(m_j, (σ A_j)² C_jj) outside the mean's cell.
 */

/** The paper's recommended margin, α = 1 / (n λ) (§5). */
export function defaultMargin(n: number, lambda: number): number {
  return 1 / (n * lambda);
}

/** Probabilities are clipped into [EDGE, 1/2 − EDGE] before taking quantiles, so they stay finite. */
const EDGE = 1e-10;

/** The distribution with the mean and A of its discrete coordinates corrected; continuous ones are untouched. */
export function applyMargin(dist: Distribution, kinds: CoordinateKinds, alpha: number): Distribution {
  const n = dist.params.n;
  let mean: Float64Array | undefined;
  let A: Float64Array | undefined;
  for (let j = 0; j < n; j++) {
    const thresholds = kinds.thresholds[j];
    if (thresholds === undefined || thresholds.length === 0) continue;
    const m = dist.mean[j] as number;
    const a = dist.A[j] as number;
    const sd = dist.sigma * Math.sqrt(dist.C[j * n + j] as number);
    const corrected = correctCoordinate(m, a, sd, thresholds, alpha);
    if (corrected.mean === m && corrected.A === a) continue;
    mean ??= dist.mean.slice();
    A ??= dist.A.slice();
    mean[j] = corrected.mean;
    A[j] = corrected.A;
  }
  return mean && A ? { ...dist, mean, A } : dist;
}

/**
 * One coordinate's correction. `sd` is σ √C_jj, so the encoding distribution has standard
 * deviation a · sd. With l_low and l_up the thresholds around the mean's cell (the same
 * one twice in an outermost cell):
 * - outermost cell: when the probability across the one threshold is below α, the mean
 *   moves towards it until that probability is α;
 * - inner cell: the probabilities below l_low and above l_up are raised to at least α/2,
 *   the excess taken from all three parts in proportion to what they hold above α/2, and
 *   m and A are solved so that N(m, (A sd)²) has exactly those tails.
 */
export function correctCoordinate(m: number, a: number, sd: number, thresholds: Float64Array, alpha: number): { mean: number; A: number } {
  const k = thresholds.length + 1;
  const cell = cellOf(thresholds, m);
  const low = thresholds[Math.min(Math.max(cell - 1, 0), k - 2)] as number;
  const up = thresholds[Math.min(Math.max(cell, 0), k - 2)] as number;
  const scale = a * sd;
  if (!(scale > 0) || !Number.isFinite(scale)) return { mean: m, A: a };

  if (cell === 0 || cell === k - 1) {
    // Probability of crossing into the neighbouring cell.
    const across = normalCdf(-Math.abs(up - m) / scale);
    if (across >= alpha) return { mean: m, A: a };
    const side = m > up ? 1 : -1;
    return { mean: up + side * scale * normalQuantile(1 - alpha), A: a };
  }

  const half = alpha / 2;
  const pLow0 = normalCdf((low - m) / scale);
  const pUp0 = normalCdf((m - up) / scale);
  const pMid = 1 - pLow0 - pUp0;
  const pLow = Math.max(pLow0, half);
  const pUp = Math.max(pUp0, half);
  // Raising the tails adds `excess`; it is removed from the three parts in proportion
  // to their share above α/2, so none falls below α/2.
  const excess = pLow + pUp + pMid - 1;
  const spare = pLow + pUp + pMid - 3 * half;
  const clip = (v: number): number => Math.min(0.5 - EDGE, Math.max(EDGE, v));
  const newLow = clip(pLow - (excess * (pLow - half)) / spare);
  const newUp = clip(pUp - (excess * (pUp - half)) / spare);
  // m − l_low = A sd z_low and l_up − m = A sd z_up, with z = Φ⁻¹(1 − p).
  const zLow = -normalQuantile(newLow);
  const zUp = -normalQuantile(newUp);
  return {
    mean: (low * zUp + up * zLow) / (zLow + zUp),
    A: (up - low) / ((zLow + zUp) * sd),
  };
}
