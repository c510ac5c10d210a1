import { choleskyWithJitter, dot, inverseLower, logDeterminant, solve, type Factor } from './cholesky.js';

/** Observations for a GP: rows of `x` (n×d, GP coordinates) and standardised values `y`. */
export interface TrainingData {
  x: Float64Array;
  y: Float64Array;
  n: number;
  d: number;
  categorical: Uint8Array;
}

/** A normal prior on log ℓ (a log-normal prior on every length scale). */
export interface LengthScalePrior {
  mean: number;
  sd: number;
}

/**
 * The length-scale prior: log ℓ ~ N(log 0.5, 1) on the unit cube, the same for every
 * coordinate and dimension. Its median (half the cube) and width (one sd is a factor e)
 * were chosen on held-out benchmark seeds (10–14, bench-protocol v1) over the
 * dimension-scaled prior of Hvarfner, Hellsten & Nardi (2024, §4), log ℓ ~ N(√2 + ln(d)/2, 3),
 * whose long median (ℓ ≈ 10 in 6-D) let the likelihood declare coordinates irrelevant after
 * a few dozen clustered points; the model then stopped exploring, and hartmann6 stayed in
 * its local basin (regret 0.12) on 3 of 5 seeds against 1 of 5 with this prior.
 */
export const LENGTH_SCALE_PRIOR: LengthScalePrior = { mean: Math.log(0.5), sd: 1 };

/** The model at one setting of the hyperparameters, with what prediction needs. */
export interface LikelihoodEvaluation {
  /** Profile log marginal likelihood plus the log prior density (up to a constant). */
  value: number;
  /** ∂value/∂φ, when asked for. */
  gradient?: Float64Array;
  /** Cholesky factor of C = R + ηI. */
  factor: Factor;
  /** C⁻¹y. */
  alpha: Float64Array;
  /** The signal variance that maximises the likelihood, σ̂² = yᵀC⁻¹y / n. */
  signal: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * What does not change while one data set's hyperparameters are optimised: the squared
 * coordinate differences δ of every pair (row a > b at pair a(a−1)/2 + b, d entries each),
 * and scratch matrices, so that an evaluation allocates nothing of size n².
 */
interface Prepared {
  deltas: Float64Array;
  c: Float64Array;
  slopes: Float64Array;
  inverse: Float64Array;
  scratch: Float64Array;
  factor: Float64Array;
}

const prepared = new WeakMap<TrainingData, Prepared>();

function prepare(data: TrainingData): Prepared {
  let p = prepared.get(data);
  if (p) return p;
  const { x, n, d, categorical } = data;
  const deltas = new Float64Array(((n * (n - 1)) / 2) * d);
  let o = 0;
  for (let a = 1; a < n; a++) {
    for (let b = 0; b < a; b++) {
      for (let i = 0; i < d; i++) {
        const diff = (x[a * d + i] as number) - (x[b * d + i] as number);
        deltas[o++] = categorical[i] ? (diff === 0 ? 0 : 1) : diff * diff;
      }
    }
  }
  p = {
    deltas,
    c: new Float64Array(n * n),
    slopes: new Float64Array((n * (n - 1)) / 2),
    inverse: new Float64Array(n * n),
    scratch: new Float64Array(n * n),
    factor: new Float64Array(n * n),
  };
  prepared.set(data, p);
  return p;
}

/**
 * The log marginal likelihood of K = σ²(R + ηI) with σ² profiled out (the concentrated
 * likelihood of Jones, Schonlau & Welch 1998, eq. 4–6): for φ = (log ℓ₁…log ℓ_d, log η),
 *
 *   σ̂² = yᵀα/n,  α = C⁻¹y,  C = R + ηI
 *   L(φ) = −(n/2)·log σ̂² − ½·log|C| − (n/2)·(1 + log 2π)
 *   ∂L/∂φₖ = ½·tr((ααᵀ/σ̂² − C⁻¹)·∂C/∂φₖ)     (Rasmussen & Williams 2006, eq. 5.9, with σ̂²)
 *
 * where ∂C/∂log ℓᵢ = dm/dr² · (−2wᵢδᵢ) entrywise and ∂C/∂log η = ηI. Profiling removes
 * one hyperparameter and leaves the same maximum as optimising σ² too. Returns null when
 * C cannot be factorised even with jitter (a NaN in the data). `capacity` leaves room in
 * the factor for fantasised rows; with `transient` the factor lives in scratch space that
 * the next evaluation on the same data overwrites (for the optimiser's many evaluations).
 */
export function logLikelihood(
  data: TrainingData,
  phi: Float64Array,
  withGradient: boolean,
  prior?: LengthScalePrior,
  capacity = data.n,
  transient = false,
): LikelihoodEvaluation | null {
  const { y, n, d } = data;
  const p = prepare(data);
  const w = new Float64Array(d);
  for (let i = 0; i < d; i++) w[i] = Math.exp(-2 * (phi[i] as number));
  const eta = Math.exp(phi[d] as number);
  const { c, slopes, deltas } = p;
  for (let a = 0, pair = 0; a < n; a++) {
    c[a * n + a] = 1 + eta;
    for (let b = 0; b < a; b++, pair++) {
      let r2 = 0;
      const o = pair * d;
      for (let i = 0; i < d; i++) r2 += (w[i] as number) * (deltas[o + i] as number);
      const s = Math.sqrt(5 * r2);
      const e = Math.exp(-s);
      c[a * n + b] = (1 + s + (s * s) / 3) * e;
      slopes[pair] = (-5 / 6) * (1 + s) * e;
    }
  }
  const factor = choleskyWithJitter(c, n, capacity, transient && capacity === n ? p.factor : undefined);
  if (!factor) return null;
  const alpha = solve(factor, y);
  const signal = Math.max(dot(y, 0, alpha, 0, n) / n, 1e-300);
  let value = -0.5 * n * Math.log(signal) - 0.5 * logDeterminant(factor) - 0.5 * n * (1 + LOG_2PI);
  if (prior) {
    for (let i = 0; i < d; i++) value -= ((phi[i] as number) - prior.mean) ** 2 / (2 * prior.sd * prior.sd);
  }
  if (!withGradient) return { value, factor, alpha, signal };

  // G = ααᵀ/σ̂² − C⁻¹ (lower triangle); each ½·tr(G·∂C) sums the strict lower triangle twice.
  const g = inverseLower(factor, p.inverse, p.scratch);
  const gradient = new Float64Array(d + 1);
  const sums = new Float64Array(d);
  let trace = 0;
  for (let a = 0, pair = 0; a < n; a++) {
    const s = (alpha[a] as number) / signal;
    for (let b = 0; b < a; b++, pair++) {
      const coefficient = (s * (alpha[b] as number) - (g[a * n + b] as number)) * (slopes[pair] as number);
      const o = pair * d;
      for (let i = 0; i < d; i++) sums[i] = (sums[i] as number) + coefficient * (deltas[o + i] as number);
    }
    trace += s * (alpha[a] as number) - (g[a * n + a] as number);
  }
  for (let i = 0; i < d; i++) {
    // ½ · 2 (both triangles) · (−2wᵢ) · Σ G·slope·δᵢ
    gradient[i] = -2 * (w[i] as number) * (sums[i] as number);
    if (prior) gradient[i] = (gradient[i] as number) - ((phi[i] as number) - prior.mean) / (prior.sd * prior.sd);
  }
  gradient[d] = 0.5 * eta * trace;
  return { value, gradient, factor, alpha, signal };
}
