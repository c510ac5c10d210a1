import { logNdtrDiff } from './normal.js';
import type { CategoricalKernel, CellOf, Mixture, NumericKernel, Point } from './parzen.js';

/** Terms this far below the largest add less than e^-40 each: nothing a double holds. */
const NEGLIGIBLE = 40;

/**
 * log of the mixture's density (probability, for cell and categorical dimensions) at each
 * point: log Σ_k w_k Π_d kernel_kd(x_d), by log-sum-exp over components.
 *
 * Mixtures of more than 64 components in more than one dimension are evaluated by branch and bound: the prior's exact
 * term bounds the largest term from below, and a component is dropped as soon as it cannot
 * come within e^40 of it whatever the remaining dimensions add. Components are sorted along
 * one continuous dimension, so that those too far away in it are never visited at all.
 */
export function logDensity(mixture: Mixture, points: readonly Point[], cellOf?: CellOf): Float64Array {
  const k = mixture.logWeights.length;
  const out = new Float64Array(points.length);
  if (k <= 64 || mixture.kernels.length < 2) {
    const all = Int32Array.from({ length: k }, (_, i) => i);
    const acc = new Float64Array(k);
    for (let p = 0; p < points.length; p++) {
      const x = points[p] as Point;
      acc.set(mixture.logWeights);
      for (let d = 0; d < mixture.kernels.length; d++) addTerms(mixture.kernels[d] as NumericKernel | CategoricalKernel, d, x, all, acc, k, cellOf);
      out[p] = logSumExp(acc, k);
    }
    return out;
  }
  const { order, rest, window } = planPruning(mixture);
  const active = new Int32Array(k);
  const acc = new Float64Array(k);
  const last = k - 1; // the prior
  for (let p = 0; p < points.length; p++) {
    const x = points[p] as Point;
    const floor = componentTerm(mixture, x, last, cellOf) - NEGLIGIBLE;
    let n = 0;
    let s = 0;
    if (window) {
      // The first dimension over the components within reach, sorted and contiguous.
      const v = x[order[0] as number] as number;
      const reach = window.sigma * Math.sqrt(2 * Math.max(0, window.peak - floor));
      const { mu, inverseSigma, base, bound, index } = window;
      const end = lowerBound(mu, v + reach, true);
      for (let j = lowerBound(mu, v - reach, false); j < end; j++) {
        const z = (v - (mu[j] as number)) * (inverseSigma[j] as number);
        const t = (base[j] as number) - 0.5 * z * z;
        if (t + (bound[j] as number) > floor) {
          active[n] = index[j] as number;
          acc[n++] = t;
        }
      }
      // The wide components and the prior, through the general path below.
      const from = n;
      for (let j = 0; j < window.wide.length; j++) active[n++] = window.wide[j] as number;
      active[n++] = last;
      for (let j = from; j < n; j++) acc[j] = mixture.logWeights[active[j] as number] as number;
      addTerms(mixture.kernels[order[0] as number] as NumericKernel, order[0] as number, x, active, acc, n, cellOf, from);
      n = keep(active, acc, from, n, rest[1], floor);
      s = 1;
    } else {
      for (let i = 0; i < k; i++) {
        active[i] = i;
        acc[i] = mixture.logWeights[i] as number;
      }
      n = k;
    }
    for (; s < order.length; s++) {
      const d = order[s] as number;
      addTerms(mixture.kernels[d] as NumericKernel | CategoricalKernel, d, x, active, acc, n, cellOf);
      n = keep(active, acc, 0, n, rest[s + 1], floor);
    }
    out[p] = logSumExp(acc, n);
  }
  return out;
}

/** Compacts entries from..n-1 to those whose term plus what is left to add can pass the floor; returns the new length. */
function keep(active: Int32Array, acc: Float64Array, from: number, n: number, bound: Float64Array | undefined, floor: number): number {
  let kept = from;
  for (let j = from; j < n; j++) {
    const a = acc[j] as number;
    const i = active[j] as number;
    if (a + (bound ? (bound[i] as number) : 0) > floor) {
      active[kept] = i;
      acc[kept++] = a;
    }
  }
  return kept;
}

/** acc[j] += log kernel_d(x_d) of component active[j], for from <= j < n. */
function addTerms(
  kernel: NumericKernel | CategoricalKernel,
  d: number,
  x: Point,
  active: Int32Array,
  acc: Float64Array,
  n: number,
  cellOf?: CellOf,
  from = 0,
): void {
  const v = x[d] as number;
  if (kernel.kind === 'categorical') {
    for (let j = from; j < n; j++) acc[j] = (acc[j] as number) + (kernel.logP[(active[j] as number) * kernel.size + v] as number);
  } else if (kernel.cells) {
    const [a, b] = cellOf ? cellOf(d, v) : [v, v];
    for (let j = from; j < n; j++) {
      const i = active[j] as number;
      const m = kernel.mu[i] as number;
      const s = kernel.sigma[i] as number;
      acc[j] = (acc[j] as number) + logNdtrDiff((a - m) / s, (b - m) / s) - (kernel.logMass[i] as number);
    }
  } else {
    const { mu, inverseSigma, logScale } = kernel;
    for (let j = from; j < n; j++) {
      const i = active[j] as number;
      const z = (v - (mu[i] as number)) * (inverseSigma[i] as number);
      acc[j] = (acc[j] as number) + (logScale[i] as number) - 0.5 * z * z;
    }
  }
}

interface PruningPlan {
  /** Dimensions in the order they are evaluated: the window's first. */
  order: number[];
  /** rest[s][i]: the most dimensions order[s], order[s+1], ... can add to component i's log term. */
  rest: Float64Array[];
  window?: Window;
}

/**
 * Components but the prior sorted by their centre in one continuous dimension. A
 * component with σ <= `sigma` whose centre is further than σ·√(2(peak − floor)) from the
 * point cannot pass the bound; the few wider ones are always visited.
 */
interface Window {
  mu: Float64Array;
  inverseSigma: Float64Array;
  /** log w_i plus the kernel's log scale in this dimension. */
  base: Float64Array;
  /** rest[1][i]: the most the other dimensions can add. */
  bound: Float64Array;
  index: Int32Array;
  wide: Int32Array;
  sigma: number;
  /** The largest log w_i + rest[0][i] over the sorted components. */
  peak: number;
}

function planPruning(mixture: Mixture): PruningPlan {
  const kernels = mixture.kernels;
  const first = kernels.findIndex((kn) => kn.kind === 'numeric' && !kn.cells);
  const order = kernels.map((_, d) => d);
  if (first > 0) order.unshift(...order.splice(first, 1));
  const k = mixture.logWeights.length;
  const rest: Float64Array[] = [];
  let next = new Float64Array(k);
  for (let s = order.length - 1; s >= 0; s--) {
    const kernel = kernels[order[s] as number] as NumericKernel | CategoricalKernel;
    const here = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      // A density's peak on the log scale; a probability is at most 1.
      const peak = kernel.kind === 'numeric' && !kernel.cells ? Math.max(0, kernel.logScale[i] as number) : 0;
      here[i] = (next[i] as number) + peak;
    }
    rest[s] = here;
    next = here;
  }
  if (first < 0) return { order, rest };
  return { order, rest, window: windowOf(kernels[first] as NumericKernel, mixture.logWeights, rest) };
}

function windowOf(kernel: NumericKernel, logWeights: Float64Array, rest: readonly Float64Array[]): Window {
  const k = kernel.order.length; // the prior (last) is visited on its own
  // Most kernels are about as wide as the gaps between neighbours; the widest tenth is
  // visited always rather than widening every window.
  const cut = nthSmallest(kernel.sigma.slice(0, k), Math.ceil(0.9 * k) - 1);
  const index = new Int32Array(k);
  const mu = new Float64Array(k);
  const inverseSigma = new Float64Array(k);
  const base = new Float64Array(k);
  const bound = new Float64Array(k);
  const wide = new Int32Array(k);
  const first = rest[0] as Float64Array;
  const second = rest[1];
  let narrow = 0;
  let wideCount = 0;
  let peak = -Infinity;
  for (let j = 0; j < k; j++) {
    const i = kernel.order[j] as number;
    if ((kernel.sigma[i] as number) > cut) {
      wide[wideCount++] = i;
      continue;
    }
    index[narrow] = i;
    mu[narrow] = kernel.mu[i] as number;
    inverseSigma[narrow] = kernel.inverseSigma[i] as number;
    base[narrow] = (logWeights[i] as number) + (kernel.logScale[i] as number);
    bound[narrow++] = second ? (second[i] as number) : 0;
    const top = (logWeights[i] as number) + (first[i] as number);
    if (top > peak) peak = top;
  }
  return {
    mu: mu.subarray(0, narrow),
    inverseSigma: inverseSigma.subarray(0, narrow),
    base: base.subarray(0, narrow),
    bound: bound.subarray(0, narrow),
    index: index.subarray(0, narrow),
    wide: wide.subarray(0, wideCount),
    sigma: cut,
    peak,
  };
}

/** The r-th smallest value (0-based) by quickselect; reorders `values`. */
function nthSmallest(values: Float64Array, r: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i++] = values[j] as number;
        values[j--] = t;
      }
    }
    if (r <= j) hi = j;
    else if (r >= i) lo = i;
    else break;
  }
  return values[r] as number;
}

/** The first index whose value is >= v (> v when `after`), in an ascending array. */
function lowerBound(sorted: Float64Array, v: number, after: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = sorted[mid] as number;
    if (m < v || (after && m === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One component's exact log term at a point: log w + Σ_d log kernel. */
function componentTerm(mixture: Mixture, x: Point, i: number, cellOf?: CellOf): number {
  ONE[0] = i;
  TERM[0] = mixture.logWeights[i] as number;
  for (let d = 0; d < mixture.kernels.length; d++) addTerms(mixture.kernels[d] as NumericKernel | CategoricalKernel, d, x, ONE, TERM, 1, cellOf);
  return TERM[0];
}
const ONE = new Int32Array(1);
const TERM = new Float64Array(1);

/** log Σ e^acc[j] over j < n; terms e^40 below the largest add nothing a double holds. */
function logSumExp(acc: Float64Array, n: number): number {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if ((acc[j] as number) > max) max = acc[j] as number;
  const floor = max - NEGLIGIBLE;
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const a = acc[j] as number;
    if (a > floor) sum += Math.exp(a - max);
  }
  return max + Math.log(sum);
}
