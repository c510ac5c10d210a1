import { decompose, inverseSqrt, whiten, type Distribution } from './distribution.js';
import { adaptLearningRates } from './lr-adapt.js';

/**
 * One generation's update of CMA-ES (Hansen 2016, eqs. 41–47, with the negative weights of
 * Table 1): λ evaluated points x_k and their values f_k (to minimise) move the mean, the
 * step size, both evolution paths and the covariance matrix. Ties in f keep the order of
 * the points, so the update is a function of the ordered list.
 *
 * With separable parameters (separable.ts) only the diagonal of C is updated (Ros & Hansen
 * 2008, eq. 47 restricted to the diagonal); with learning-rate adaptation on (dist.rates)
 * the update of m and Σ = σ² C is then scaled by the adapted rates (lr-adapt.ts).
 */
export function updateDistribution(dist: Distribution, xs: readonly ArrayLike<number>[], fs: readonly number[]): Distribution {
  const p = dist.params;
  const { n, lambda, mu, weights } = p;
  if (xs.length !== lambda || fs.length !== lambda) {
    throw new Error(`a generation has ${lambda} points, got ${xs.length} points and ${fs.length} values`);
  }
  const ranked = Array.from({ length: lambda }, (_, k) => k).sort((a, b) => (fs[a] as number) - (fs[b] as number) || a - b);

  // y_{i:λ} = (x_{i:λ} − m) / σ, the steps of the ranked points (eq. 39 read backwards).
  const ys = ranked.map((k) => {
    const x = xs[k] as ArrayLike<number>;
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = ((x[i] as number) - (dist.mean[i] as number)) / dist.sigma;
    return y;
  });

  // ⟨y⟩_w = Σ_{i≤μ} w_i y_{i:λ} (eq. 41); m ← m + c_m σ ⟨y⟩_w (eq. 42).
  const yw = new Float64Array(n);
  for (let r = 0; r < mu; r++) {
    const w = weights[r] as number;
    const y = ys[r] as Float64Array;
    for (let i = 0; i < n; i++) yw[i] = (yw[i] as number) + w * (y[i] as number);
  }
  let mean: Float64Array = dist.mean.map((m, i) => m + p.cm * dist.sigma * (yw[i] as number));

  // p_σ ← (1 − c_σ) p_σ + √(c_σ (2 − c_σ) μ_eff) C^(−1/2) ⟨y⟩_w (eq. 43).
  const whitened = whiten(dist, yw);
  const sigmaPathScale = Math.sqrt(p.cSigma * (2 - p.cSigma) * p.muEff);
  const pSigma = dist.pSigma.map((v, i) => (1 - p.cSigma) * v + sigmaPathScale * (whitened[i] as number));
  const pSigmaNorm = norm(pSigma);

  // σ ← σ exp((c_σ / d_σ)(‖p_σ‖ / E‖N(0, I)‖ − 1)) (eq. 44).
  let sigma = dist.sigma * Math.exp((p.cSigma / p.dSigma) * (pSigmaNorm / p.chiN - 1));

  // h_σ stalls the rank-one path while ‖p_σ‖ is large, i.e. while σ grows fast (p. 28); the
  // normaliser is the variance p_σ has reached after g + 1 updates from zero.
  const g = dist.generation;
  const hSigma = pSigmaNorm / Math.sqrt(1 - (1 - p.cSigma) ** (2 * (g + 1))) < (1.4 + 2 / (n + 1)) * p.chiN ? 1 : 0;

  // p_c ← (1 − c_c) p_c + h_σ √(c_c (2 − c_c) μ_eff) ⟨y⟩_w (eq. 45).
  const cPathScale = hSigma * Math.sqrt(p.cc * (2 - p.cc) * p.muEff);
  const pC = dist.pC.map((v, i) => (1 - p.cc) * v + cPathScale * (yw[i] as number));

  // w°_i = w_i, or w_i n / ‖C^(−1/2) y_{i:λ}‖² for negative weights (eq. 46): a bad step
  // shrinks C by its Mahalanobis length, never by more than its share.
  const wo = new Float64Array(lambda);
  let weightSum = 0;
  for (let r = 0; r < lambda; r++) {
    const w = weights[r] as number;
    weightSum += w;
    if (w >= 0) {
      wo[r] = w;
      continue;
    }
    const length2 = norm(whiten(dist, ys[r] as Float64Array)) ** 2;
    wo[r] = length2 > 0 ? (w * n) / length2 : 0;
  }

  // C ← (1 + c_1 δ(h_σ) − c_1 − c_μ Σ w_j) C + c_1 p_c p_cᵀ + c_μ Σ w°_i y_{i:λ} y_{i:λ}ᵀ (eq. 47),
  // with δ(h_σ) = (1 − h_σ) c_c (2 − c_c). Only the upper triangle is computed and then
  // mirrored, so C is exactly symmetric; a separable C keeps its zero off-diagonal.
  const deltaH = (1 - hSigma) * p.cc * (2 - p.cc);
  const keep = 1 + p.c1 * deltaH - p.c1 - p.cMu * weightSum;
  let C: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < (p.separable ? i + 1 : n); j++) {
      let rankMu = 0;
      for (let r = 0; r < lambda; r++) {
        const y = ys[r] as Float64Array;
        rankMu += (wo[r] as number) * (y[i] as number) * (y[j] as number);
      }
      const v = keep * (dist.C[i * n + j] as number) + p.c1 * (pC[i] as number) * (pC[j] as number) + p.cMu * rankMu;
      C[i * n + j] = v;
      C[j * n + i] = v;
    }
  }

  let rates = dist.rates;
  if (rates) {
    const adapted = adaptLearningRates(dist, inverseSqrt(dist), { mean, sigma, C }, rates);
    ({ mean, sigma, C, rates } = adapted);
  }

  const generation = g + 1;
  const refresh = rates !== undefined || generation - dist.eigenGeneration >= p.eigenInterval;
  const { B, D } = refresh ? decompose(C, n, p.separable) : { B: dist.B, D: dist.D };
  return {
    params: p,
    mean,
    sigma,
    C,
    pSigma,
    pC,
    B,
    D,
    eigenGeneration: refresh ? generation : dist.eigenGeneration,
    generation,
    A: dist.A,
    ...(rates ? { rates } : {}),
  };
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] as number) ** 2;
  return Math.sqrt(s);
}
