import type { Rng } from '../../src/rng.js';
import type { Observed } from '../history.js';
import type { KernelBuilder } from './kernel-cache.js';
import { buildKernels, buildMixture, logDensity, mixtureWeights, sampleMixture, type CellOf, type DimensionKind, type Kernel, type Point } from './parzen.js';

/** A finished trial as TPE sees it: its point, its value to minimise, its creation order. */
export type Observation = Observed;

export interface TpeOptions {
  multivariate: boolean;
  nEiCandidates: number;
  priorWeight: number;
  /** hyperopt's gamma: the good group is ceil(gamma·√n) trials; Optuna's rule when absent. */
  gamma?: number;
  /** Builds the bad group's kernels; a cache kept between requests (kernel-cache.ts) gives the same. */
  badKernels?: KernelBuilder;
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
  const nGood = goodCount(observations.length, gamma);
  const inOrder = observations.every((o, i) => i === 0 || (observations[i - 1] as Observation).order < o.order)
    ? observations
    : [...observations].sort((a, b) => a.order - b.order);
  // The nGood-th smallest value; ties at it go to the earliest trials, as a stable sort would.
  const threshold = nthSmallest(inOrder, nGood);
  let ties = nGood;
  for (const o of inOrder) if (o.value < threshold) ties--;
  const good: Point[] = [];
  const bad: Point[] = [];
  for (const o of inOrder) {
    if (o.value < threshold || (o.value === threshold && ties-- > 0)) good.push(o.point);
    else bad.push(o.point);
  }
  return { good, bad: pending.length ? bad.concat(pending) : bad };
}

/** The n-th smallest value (n >= 1), keeping the n smallest in a short sorted list: O(N·n), n <= 25. */
function nthSmallest(observations: readonly Observation[], n: number): number {
  if (n <= 0) return -Infinity;
  const smallest: number[] = [];
  for (const { value } of observations) {
    if (smallest.length === n && value >= (smallest[n - 1] as number)) continue;
    let i = smallest.length === n ? n - 1 : smallest.length;
    while (i > 0 && (smallest[i - 1] as number) > value) {
      smallest[i] = smallest[i - 1] as number;
      i--;
    }
    smallest[i] = value;
  }
  return smallest[n - 1] as number;
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
  const { priorWeight } = options;
  const widthOf = (n: number): number | undefined => groupWidth(options.multivariate, dims, n);
  const badWidth = widthOf(bad.length);
  const badKernels = options.badKernels ? options.badKernels(bad, dims, priorWeight, badWidth) : buildKernels(bad, dims, { priorWeight, ...(badWidth !== undefined ? { width: badWidth } : {}) });
  const badWeights = mixtureWeights(observationWeights(bad.length), priorWeight);
  if (options.multivariate) return bestCandidate(good, dims, badWeights, badKernels, priorWeight, options.nEiCandidates, rng, cellOf, undefined, widthOf(good.length));
  // Univariate: one-dimensional mixtures over column d of the same observations.
  return dims.map((dim, d) => {
    const cell: CellOf = (_, u) => cellOf(d, u);
    const g = [badKernels[d] as Kernel];
    return bestCandidate(good, [dim], badWeights, g, priorWeight, options.nEiCandidates, rng, cell, d)[0] as number;
  });
}

/** Scott's rule as Optuna's multivariate TPE applies it: 0.2 · n^(−1/(d+4)) of the range. */
export function scottWidth(n: number, d: number): number {
  return 0.2 * Math.max(n, 1) ** (-1 / (d + 4));
}

/**
 * The one kernel width of a group of n points, or undefined for neighbour widths. With
 * categorical parameters, points near each other in a number may differ in their categories,
 * so neighbour widths shrink around points that are not neighbours at all; multivariate TPE
 * then takes Optuna's width (Scott's rule), which keeps the categories explored: on the mixed
 * spaces with categoricals it did better, on the stepped numeric one worse (bench/results/tpe).
 */
export function groupWidth(multivariate: boolean, dims: readonly DimensionKind[], n: number): number | undefined {
  return multivariate && dims.some((d) => d.kind === 'categorical') ? scottWidth(n, dims.length) : undefined;
}

/** The candidate of l(x) with the largest l(x)/g(x); g is given by its weights and kernels. */
function bestCandidate(
  good: Point[],
  dims: readonly DimensionKind[],
  badWeights: Float64Array,
  badKernels: Kernel[],
  priorWeight: number,
  count: number,
  rng: Rng,
  cellOf: CellOf,
  column?: number,
  width?: number,
): number[] {
  const l = buildMixture(good, observationWeights(good.length), dims, { priorWeight, ...(column !== undefined ? { columns: [column] } : {}), ...(width !== undefined ? { width } : {}) });
  const candidates = sampleMixture(l, count, rng);
  const logL = logDensity(l, candidates, cellOf);
  const logG = logDensity({ logWeights: badWeights, kernels: badKernels }, candidates, cellOf);
  let best = 0;
  for (let i = 1; i < candidates.length; i++) {
    if ((logL[i] as number) - (logG[i] as number) > (logL[best] as number) - (logG[best] as number)) best = i;
  }
  return candidates[best] as number[];
}
