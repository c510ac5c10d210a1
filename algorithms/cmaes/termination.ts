import type { Distribution } from './distribution.js';

/**
 * When a CMA-ES run has converged or stalled, so that a restart strategy starts a new one.
 * The criteria and defaults are those of Hansen, "Benchmarking a BI-Population CMA-ES on
 * the BBOB-2009 Function Testbed" (GECCO 2009, §2), also the defaults of the reference
 * implementation pycma and listed in the tutorial's Appendix B.3.
 */
export const TERMINATION = {
  /** Range of recent best values and of the latest generation below this (TolFun). */
  tolFun: 1e-12,
  /** σ √C_ii and σ p_c,i all below this times σ0 (TolX). */
  tolX: 1e-12,
  /** σ / σ0 above this times √(largest eigenvalue of C) (TolUpSigma). */
  tolUpSigma: 1e20,
  /** Condition number of C above this (ConditionCov). */
  conditionCov: 1e14,
  /** Stagnation looks back at most this many generations. */
  stagnationMax: 20000,
} as const;

/** Per-generation best and median values of a run. Arrays may be shared with later states; entries past `length` are not this state's. */
export interface RunLog {
  best: number[];
  median: number[];
  length: number;
  /** Worst value of the latest generation. */
  worst: number;
}

export const EMPTY_LOG: RunLog = Object.freeze({ best: [], median: [], length: 0, worst: NaN }) as RunLog;

/** The log with one more generation, given its values; the arrays are copied only when a different future already extended them. */
export function appendGeneration(log: RunLog, values: readonly number[]): RunLog {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const fresh = log.best.length !== log.length || Object.isFrozen(log.best);
  const best = fresh ? log.best.slice(0, log.length) : log.best;
  const medians = fresh ? log.median.slice(0, log.length) : log.median;
  best.push(sorted[0] as number);
  medians.push(median);
  return { best, median: medians, length: log.length + 1, worst: sorted[sorted.length - 1] as number };
}

/** The first criterion that holds, by name, or undefined while the run should go on. */
export function terminationReason(dist: Distribution, log: RunLog, sigma0: number, maxGenerations = Infinity): string | undefined {
  const { n, lambda } = dist.params;
  const g = log.length;
  if (g >= maxGenerations) return 'maxiter';

  // TolFun: the best values of the last 10 + ⌈30n/λ⌉ generations and the latest generation lie within tolFun.
  const history = 10 + Math.ceil((30 * n) / lambda);
  if (g >= history) {
    let lo = Infinity;
    let hi = log.worst;
    for (let i = g - history; i < g; i++) {
      lo = Math.min(lo, log.best[i] as number);
      hi = Math.max(hi, log.best[i] as number);
    }
    if (hi - lo < TERMINATION.tolFun) return 'tolfun';
  }

  // TolX: the distribution is below tolX in every coordinate, and so is the path p_c.
  const tolX = TERMINATION.tolX * sigma0;
  let small = true;
  for (let i = 0; i < n && small; i++) {
    small = dist.sigma * Math.sqrt(dist.C[i * n + i] as number) < tolX && dist.sigma * Math.abs(dist.pC[i] as number) < tolX;
  }
  if (small) return 'tolx';

  let dMax = 0;
  let dMin = Infinity;
  for (const d of dist.D) {
    dMax = Math.max(dMax, d);
    dMin = Math.min(dMin, d);
  }
  if (dist.sigma / sigma0 > TERMINATION.tolUpSigma * dMax) return 'tolupsigma';
  if ((dMax / dMin) ** 2 > TERMINATION.conditionCov) return 'conditioncov';

  // NoEffectAxis: a step of 0.1 σ along principal axis g mod n leaves m unchanged.
  const axis = g % n;
  let unchanged = true;
  for (let i = 0; i < n && unchanged; i++) {
    const m = dist.mean[i] as number;
    unchanged = m + 0.1 * dist.sigma * (dist.D[axis] as number) * (dist.B[i * n + axis] as number) === m;
  }
  if (unchanged) return 'noeffectaxis';

  // NoEffectCoord: a step of 0.2 σ √C_ii in some coordinate leaves m_i unchanged.
  for (let i = 0; i < n; i++) {
    const m = dist.mean[i] as number;
    if (m + 0.2 * dist.sigma * Math.sqrt(dist.C[i * n + i] as number) === m) return 'noeffectcoord';
  }

  if (stagnated(log, n, lambda)) return 'stagnation';
  return undefined;
}

/**
 * Stagnation: over the last 20 % of generations (at least 120 + 30n/λ, at most 20000),
 * the median of the most recent 30 % of best values and of median values is no better
 * than the median of the oldest 30 %.
 */
function stagnated(log: RunLog, n: number, lambda: number): boolean {
  const g = log.length;
  const least = 120 + Math.ceil((30 * n) / lambda);
  if (g < least) return false;
  const window = Math.min(TERMINATION.stagnationMax, Math.max(least, Math.ceil(0.2 * g)), g);
  const part = Math.max(1, Math.ceil(0.3 * window));
  const worse = (values: number[]): boolean => {
    const old = medianOf(values.slice(g - window, g - window + part));
    const recent = medianOf(values.slice(g - part, g));
    return recent >= old;
  };
  return worse(log.best) && worse(log.median);
}

function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
