import { appendRow, dot, solve, solveLower, solveUpper, type Factor } from './cholesky.js';
import { correlationsTo } from './kernel.js';

/**
 * A fitted GP: the latent function f has prior mean 0 and covariance σ²·m(r²) on
 * standardised values, observations add noise σ²·η. Rows beyond `n` (up to the capacity
 * of `x` and of the factor) take fantasised observations.
 */
export interface GpModel {
  /** Observed points, row-major, with spare rows for fantasies. */
  x: Float64Array;
  /** Standardised observed values (and fantasies), same capacity. */
  y: Float64Array;
  n: number;
  d: number;
  categorical: Uint8Array;
  /** Inverse squared length scales 1/ℓᵢ². */
  w: Float64Array;
  /** σ², the signal variance. */
  signal: number;
  /** η, the noise variance relative to σ². */
  noise: number;
  /** Cholesky factor of C = R + ηI. */
  factor: Factor;
  /** C⁻¹y. */
  alpha: Float64Array;
  /** The best (smallest) standardised value observed or fantasised: the incumbent of EI and PI. */
  best: number;
}

/** Scratch space for predictions, sized for one model's capacity. */
export interface Workspace {
  r: Float64Array;
  v: Float64Array;
  dr: Float64Array;
}

export function workspaceFor(model: GpModel): Workspace {
  const capacity = model.factor.stride;
  return { r: new Float64Array(capacity), v: new Float64Array(capacity), dr: new Float64Array(capacity * model.d) };
}

export interface Prediction {
  mean: number;
  /** Posterior variance of the latent f (without the observation noise). */
  variance: number;
}

/** Smallest variance reported, relative to σ²: keeps σ > 0 where the GP interpolates. */
const VARIANCE_FLOOR = 1e-12;

/**
 * Posterior mean and variance of f at p (Rasmussen & Williams 2006, eq. 2.25–2.26):
 * μ = rᵀα, s² = σ²·(1 − rᵀC⁻¹r) with r the correlations to the data. With `gradient`
 * (two arrays of length d) also ∂μ/∂p = (∂r/∂p)ᵀα and ∂s²/∂p = −2σ²·(∂r/∂p)ᵀC⁻¹r.
 */
export function predict(
  model: GpModel,
  p: ArrayLike<number>,
  work: Workspace,
  gradient?: { mean: Float64Array; variance: Float64Array },
): Prediction {
  const { n, d, signal } = model;
  const r = work.r.subarray(0, n);
  correlationsTo(p, model.x, n, model.w, model.categorical, r, gradient ? work.dr : undefined);
  const mean = dot(r, 0, model.alpha, 0, n);
  const v = solveLower(model.factor, r, work.v.subarray(0, n));
  const explained = dot(v, 0, v, 0, n);
  const variance = signal * Math.max(1 - explained, VARIANCE_FLOOR);
  if (gradient) {
    const u = solveUpper(model.factor, v, v); // C⁻¹r, in place of v
    gradient.mean.fill(0);
    gradient.variance.fill(0);
    const dr = work.dr;
    for (let j = 0; j < n; j++) {
      const a = model.alpha[j] as number;
      const b = -2 * signal * (u[j] as number);
      const o = j * d;
      for (let i = 0; i < d; i++) {
        const g = dr[o + i] as number;
        gradient.mean[i] = (gradient.mean[i] as number) + g * a;
        gradient.variance[i] = (gradient.variance[i] as number) + g * b;
      }
    }
    if (1 - explained <= VARIANCE_FLOOR) gradient.variance.fill(0);
  }
  return { mean, variance };
}

/**
 * Kriging believer (Ginsbourger, Le Riche & Carraro 2010, §4.1): treats a pending point as
 * observed at its posterior mean. The mean surface is unchanged (conditioning on a value
 * equal to its expectation), the variance shrinks around p, so the next suggestion of a
 * batch looks elsewhere; a fantasy below the incumbent becomes the incumbent, or EI would
 * keep rewarding the predicted improvement there. The fantasy is noise-free (only the
 * factor's jitter is added):
 * with a noisy fantasy a model that has learnt a large η would barely lower the variance,
 * and a batch would pile onto one point. O(n²) by bordering the Cholesky factor.
 */
export function addFantasy(model: GpModel, p: ArrayLike<number>, work: Workspace): void {
  const { n, d } = model;
  if (n >= model.factor.stride) throw new RangeError('addFantasy: the model has no spare capacity');
  const r = work.r.subarray(0, n);
  correlationsTo(p, model.x, n, model.w, model.categorical, r);
  const mean = dot(r, 0, model.alpha, 0, n);
  appendRow(model.factor, r, 1 + model.factor.jitter);
  for (let i = 0; i < d; i++) model.x[n * d + i] = p[i] as number;
  model.y[n] = mean;
  model.n = n + 1;
  model.best = Math.min(model.best, mean);
  model.alpha = solve(model.factor, model.y.subarray(0, n + 1));
}
