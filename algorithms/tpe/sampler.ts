import type { Rng } from '../../src/rng.js';
import { buildMixture, logDensity, sampleMixture, type CellOf, type DimensionKind, type MixtureOptions, type Point } from './parzen.js';

/** A finished trial as TPE sees it: its point, its value to minimise, its creation order. */
export interface Observation {
  point: Point;
  value: number;
  order: number;
}

export interface TpeOptions {
  multivariate: boolean;
  nEiCandidates: number;
  priorWeight: number;
  /** hyperopt's gamma: the good group is ceil(gamma·√n) trials; Optuna's rule when absent. */
  gamma?: number;
}

/**
 * Size of the good group. Optuna's default (Watanabe 2023, §3.1): min(ceil(0.1·n), 25);
 * with hyperopt's `gamma` setting: min(ceil(gamma·√n), 25).
 */
export function goodCount(n: number, gamma?: number): number {
  return Math.min(Math.ceil(gamma === undefined ? 0.1 * n : gamma * Math.sqrt(n)), 25);
}

/**
 * Optuna's default weights for n observations in creation order: equal below 25, else
 * a linear ramp from 1/n up to 1 over the oldest n − 25 and 1 for the newest 25 — so old
 * observations fade (Watanabe 2023, §3.3).
 */
export function observationWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const weights: number[] = [];
  for (let i = 0; i < ramp; i++) weights.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) weights.push(1);
  return weights;
}

/**
 * Splits observations into the good group (the best `goodCount`, ties by order) and the
 * rest; `pending` points (running trials, earlier suggestions of this batch) join the rest
 * as the newest, with the worst value: Optuna's constant liar, so a batch spreads out.
 */
export function split(observations: readonly Observation[], pending: readonly Point[], gamma?: number): { good: Point[]; bad: Point[] } {
  const ranked = [...observations].sort((a, b) => a.value - b.value || a.order - b.order);
  const nGood = goodCount(observations.length, gamma);
  const byOrder = (xs: Observation[]) => xs.sort((a, b) => a.order - b.order).map((o) => o.point);
  return { good: byOrder(ranked.slice(0, nGood)), bad: [...byOrder(ranked.slice(nGood)), ...pending] };
}

/**
 * One TPE suggestion (Bergstra et al. 2011, §4): draw candidates from l(x), the density of
 * the good group, and keep the one maximising l(x)/g(x), which maximises expected
 * improvement. Univariate: each dimension on its own; multivariate: jointly.
 */
export function suggest(
  observations: readonly Observation[],
  pending: readonly Point[],
  dims: readonly DimensionKind[],
  options: TpeOptions,
  rng: Rng,
  cellOf: CellOf,
): number[] {
  const { good, bad } = split(observations, pending, options.gamma);
  const mixtureOptions = { priorWeight: options.priorWeight };
  if (options.multivariate) return bestCandidate(good, bad, dims, mixtureOptions, options.nEiCandidates, rng, cellOf);
  // Univariate: one-dimensional mixtures over column d of the same observations.
  return dims.map((dim, d) => {
    const cell: CellOf = (_, u) => cellOf(d, u);
    return bestCandidate(good, bad, [dim], { ...mixtureOptions, columns: [d] }, options.nEiCandidates, rng, cell)[0] as number;
  });
}

function bestCandidate(
  good: Point[],
  bad: Point[],
  dims: readonly DimensionKind[],
  mixtureOptions: MixtureOptions,
  count: number,
  rng: Rng,
  cellOf: CellOf,
): number[] {
  const l = buildMixture(good, observationWeights(good.length), dims, mixtureOptions);
  const g = buildMixture(bad, observationWeights(bad.length), dims, mixtureOptions);
  const candidates = sampleMixture(l, count, rng);
  const logL = logDensity(l, candidates, cellOf);
  const logG = logDensity(g, candidates, cellOf);
  let best = 0;
  for (let i = 1; i < candidates.length; i++) {
    if ((logL[i] as number) - (logG[i] as number) > (logL[best] as number) - (logG[best] as number)) best = i;
  }
  return candidates[best] as number[];
}
