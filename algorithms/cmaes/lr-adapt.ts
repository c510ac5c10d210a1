import { symmetricEigen } from './eigen.js';

/**
 * Learning-rate adaptation, LRA-CMA-ES (Nomura, Akimoto & Ono, "CMA-ES with Learning
 * Rate Adaptation: Can CMA-ES with Default Population Size Solve Multimodal and Noisy
 * Problems?", GECCO 2023): after each update, the learning rates η_m of the mean and η_Σ
 * of Σ = σ² C are moved so that the signal-to-noise ratio of the update, estimated from
 * moving averages of the one-step changes in the local coordinates of the old
 * distribution, stays near α η. A low SNR (a rugged or noisy landscape) lowers the rates,
 * which keeps the distribution wide; a high one restores them, at most to 1.
 * Constants and steps as in the authors' implementation in the `cmaes` library (0.13.1,
 * `CMA(lr_adapt=True)`).
 */
export const LRA = {
  /** Target of SNR / η. */
  alpha: 1.4,
  /** Smoothing of the moving averages of the mean's and of Σ's changes. */
  betaMean: 0.1,
  betaSigma: 0.03,
  /** Damping of the rate changes. */
  gamma: 0.1,
} as const;

/** The adaptation's state: the two rates and the moving averages E (vectors) and V (squared norms). */
export interface LearningRates {
  etaMean: number;
  etaSigma: number;
  eMean: Float64Array;
  /** E of the change of Σ, an n×n row-major matrix. */
  eSigma: Float64Array;
  vMean: number;
  vSigma: number;
}

export function initialLearningRates(n: number): LearningRates {
  return { etaMean: 1, etaSigma: 1, eMean: new Float64Array(n), eSigma: new Float64Array(n * n), vMean: 0, vSigma: 0 };
}

/** What the adaptation reads of a distribution: mean, σ and C, and for the old one C^(−1/2). */
export interface Moments {
  mean: Float64Array;
  sigma: number;
  C: Float64Array;
}

/**
 * The distribution after an update of `old` to `updated` (the plain CMA-ES update), with
 * the rates adapted and applied: m = m_old + η_m Δm and Σ = Σ_old + η_Σ ΔΣ, split back
 * into σ = det(Σ)^(1/2n) and C = Σ / σ², and σ scaled by η_m,old / η_m (the step-size
 * correction keeps the mean's step length σ η_m unchanged by the new rate).
 * `invSqrtC` is C_old^(−1/2), n×n row-major.
 */
export function adaptLearningRates(old: Moments, invSqrtC: Float64Array, updated: Moments, rates: LearningRates): Moments & { rates: LearningRates } {
  const n = old.mean.length;
  const oldSigma2 = old.sigma * old.sigma;
  const newSigma2 = updated.sigma * updated.sigma;
  const deltaMean = updated.mean.map((m, i) => m - (old.mean[i] as number));
  const deltaSigma = updated.C.map((c, k) => newSigma2 * c - oldSigma2 * (old.C[k] as number));

  // Local coordinates of the old distribution: Σ_old^(−1/2) Δm and Σ_old^(−1/2) ΔΣ Σ_old^(−1/2) / √2.
  const localMean = multiplyVector(invSqrtC, deltaMean, n).map((v) => v / old.sigma);
  const localSigma = multiply(multiply(invSqrtC, deltaSigma, n), invSqrtC, n).map((v) => v / oldSigma2 / Math.SQRT2);

  const { betaMean: bm, betaSigma: bs } = LRA;
  const eMean = rates.eMean.map((e, i) => (1 - bm) * e + bm * (localMean[i] as number));
  const eSigma = rates.eSigma.map((e, k) => (1 - bs) * e + bs * (localSigma[k] as number));
  const vMean = (1 - bm) * rates.vMean + bm * squaredNorm(localMean);
  const vSigma = (1 - bs) * rates.vSigma + bs * squaredNorm(localSigma);

  // SNR = (‖E‖² − β/(2 − β) V) / (V − ‖E‖²): the bias of ‖E‖² under pure noise removed.
  const snr = (e: Float64Array, v: number, beta: number): number => {
    const e2 = squaredNorm(e);
    return (e2 - (beta / (2 - beta)) * v) / (v - e2);
  };
  const adapt = (eta: number, ratio: number, beta: number): number => {
    const relative = Math.min(1, Math.max(-1, ratio / LRA.alpha / eta - 1));
    return Math.min(1, eta * Math.exp(Math.min(LRA.gamma * eta, beta) * relative));
  };
  const etaMean = adapt(rates.etaMean, snr(eMean, vMean, bm), bm);
  const etaSigma = adapt(rates.etaSigma, snr(eSigma, vSigma, bs), bs);

  const mean = old.mean.map((m, i) => m + etaMean * (deltaMean[i] as number));
  const Sigma = old.C.map((c, k) => oldSigma2 * c + etaSigma * (deltaSigma[k] as number));
  let logDet = 0;
  for (const v of symmetricEigen(Sigma, n).values) logDet += Math.log(v);
  const scale = Math.exp(logDet / (2 * n));
  const C = Sigma.map((s) => s / (scale * scale));
  return {
    mean,
    sigma: (scale * rates.etaMean) / etaMean,
    C,
    rates: { etaMean, etaSigma, eMean, eSigma, vMean, vSigma },
  };
}

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k] as number;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] = (out[i * n + j] as number) + aik * (b[k * n + j] as number);
    }
  }
  return out;
}

function multiplyVector(a: Float64Array, v: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += (a[i * n + k] as number) * (v[k] as number);
    out[i] = s;
  }
  return out;
}

function squaredNorm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] as number) ** 2;
  return s;
}
