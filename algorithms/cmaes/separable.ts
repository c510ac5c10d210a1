import { defaultPopulationSize, type StrategyParameters } from './parameters.js';

/**
 * The strategy parameters of separable CMA-ES (Ros & Hansen, "A Simple Modification in
 * CMA-ES Achieving Linear Time and Space Complexity", PPSN 2008): C is kept diagonal, so
 * it has n free entries instead of n(n+1)/2 and the rank-μ learning rate may be
 * (n + 2)/3 times larger (§3). The formulas are those of the `cmaes` library's SepCMA
 * (0.13.1), the backend of Optuna's `use_separable_cma`: μ positive weights and no
 * negative ones, the 2008 tutorial's c_σ, c_c and c_μ, and the 2016 tutorial's c_1.
 */
export function separableParameters(n: number, lambda: number = defaultPopulationSize(n)): StrategyParameters {
  if (!Number.isInteger(n) || n < 1) throw new Error(`CMA-ES needs a dimension >= 1, got ${n}`);
  if (!Number.isInteger(lambda) || lambda < 2) throw new Error(`CMA-ES needs a population size >= 2, got ${lambda}`);
  const mu = Math.floor(lambda / 2);

  // w_i ∝ ln(μ + 1) − ln i for i ≤ μ, summing to 1; the other λ − μ weights are 0.
  const raw = Float64Array.from({ length: mu }, (_, i) => Math.log(mu + 1) - Math.log(i + 1));
  let sum = 0;
  for (const w of raw) sum += w;
  const weights = new Float64Array(lambda);
  let squares = 0;
  for (let i = 0; i < mu; i++) {
    weights[i] = (raw[i] as number) / sum;
    squares += (weights[i] as number) ** 2;
  }
  const muEff = 1 / squares;

  const c1 = 2 / ((n + 1.3) ** 2 + muEff);
  // c_cov of the 2008 tutorial with μ_cov = μ_eff, the rank-μ share scaled by (n + 2)/3
  // (Ros & Hansen 2008, eq. 5); capped at 1 − c_1 so that C stays positive for large λ.
  const cMuFull = (2 / muEff / (n + Math.SQRT2) ** 2) + (1 - 1 / muEff) * Math.min(1, (2 * muEff - 1) / ((n + 2) ** 2 + muEff));
  const cMu = Math.min(1 - c1, ((n + 2) / 3) * cMuFull);

  const cSigma = (muEff + 2) / (n + muEff + 3);
  return {
    n,
    lambda,
    mu,
    weights,
    muEff,
    cm: 1,
    cSigma,
    dSigma: 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma,
    cc: 4 / (n + 4),
    c1,
    cMu,
    chiN: Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n)),
    // A diagonal C is its own eigendecomposition: B = I, D = √diag(C), every generation.
    eigenInterval: 1,
    separable: true,
  };
}
