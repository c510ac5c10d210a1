/**
 * The strategy parameters of CMA-ES: Hansen, "The CMA Evolution Strategy: A Tutorial"
 * (2016, arXiv:1604.00772), Table 1 and equations 48–58. They depend only on the
 * dimension n and the population size λ, and are fixed for a run.
 */
export interface StrategyParameters {
  /** Dimension of the search space. */
  n: number;
  /** Population size λ. */
  lambda: number;
  /** Number of parents μ = ⌊λ/2⌋, those with positive weights. */
  mu: number;
  /** Recombination weights w_1 ≥ ... ≥ w_λ; the first μ sum to 1, the rest are negative (active CMA). */
  weights: Float64Array;
  /** Variance-effective selection mass of the positive weights. */
  muEff: number;
  /** Learning rate of the mean, c_m (eq. 54). */
  cm: number;
  /** Cumulation and damping of step-size control (eq. 55). */
  cSigma: number;
  dSigma: number;
  /** Cumulation of the rank-one evolution path (eq. 56). */
  cc: number;
  /** Learning rates of the rank-one and rank-μ updates (eqs. 57, 58). */
  c1: number;
  cMu: number;
  /** E‖N(0, I)‖, approximated as in the tutorial (p. 28). */
  chiN: number;
  /** Generations between eigendecompositions of C (tutorial, Appendix B.2). */
  eigenInterval: number;
  /** C is kept diagonal: separable CMA-ES (Ros & Hansen 2008), parameters from separable.ts. */
  separable: boolean;
}

/** The default population size λ = 4 + ⌊3 ln n⌋ (eq. 48). */
export function defaultPopulationSize(n: number): number {
  return 4 + Math.floor(3 * Math.log(n));
}

/** The tutorial's default parameters for dimension n and population size λ. */
export function strategyParameters(n: number, lambda: number = defaultPopulationSize(n)): StrategyParameters {
  if (!Number.isInteger(n) || n < 1) throw new Error(`CMA-ES needs a dimension >= 1, got ${n}`);
  if (!Number.isInteger(lambda) || lambda < 2) throw new Error(`CMA-ES needs a population size >= 2, got ${lambda}`);
  const mu = Math.floor(lambda / 2);

  // Preliminary weights w'_i = ln((λ+1)/2) − ln i, i = 1..λ (eq. 49).
  const raw = Float64Array.from({ length: lambda }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
  const selectionMass = (from: number, to: number): number => {
    let sum = 0;
    let squares = 0;
    for (let i = from; i < to; i++) {
      sum += raw[i] as number;
      squares += (raw[i] as number) ** 2;
    }
    return squares === 0 ? 0 : (sum * sum) / squares;
  };
  const muEff = selectionMass(0, mu);
  const muEffMinus = selectionMass(mu, lambda);

  const alphaCov = 2;
  const c1 = alphaCov / ((n + 1.3) ** 2 + muEff); // eq. 57
  const cMu = Math.min(1 - c1, (alphaCov * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + (alphaCov * muEff) / 2)); // eq. 58

  // Negative weights are scaled so that C stays positive definite and the active update
  // stays no larger than the positive one (eqs. 50–53).
  const alphaMuMinus = 1 + c1 / cMu; // eq. 50
  const alphaMuEffMinus = 1 + (2 * muEffMinus) / (muEff + 2); // eq. 51
  const alphaPosDefMinus = (1 - c1 - cMu) / (n * cMu); // eq. 52
  let positive = 0;
  let negative = 0;
  for (const w of raw) {
    if (w >= 0) positive += w;
    else negative -= w;
  }
  const negativeScale = Math.min(alphaMuMinus, alphaMuEffMinus, alphaPosDefMinus) / negative;
  const weights = raw.map((w) => (w >= 0 ? w / positive : w * negativeScale)); // eq. 53

  const cSigma = (muEff + 2) / (n + muEff + 5); // eq. 55
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma; // eq. 55
  const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n); // eq. 56

  return {
    n,
    lambda,
    mu,
    weights,
    muEff,
    cm: 1, // eq. 54
    cSigma,
    dSigma,
    cc,
    c1,
    cMu,
    chiN: Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n)),
    // Decomposing every max(1, ⌊1/(10 n (c1 + cμ))⌋) generations keeps the cost O(n²) per
    // sample at a negligible loss (Appendix B.2); for n below ~100 it is every generation.
    eigenInterval: Math.max(1, Math.floor(1 / (10 * n * (c1 + cMu)))),
    separable: false,
  };
}
