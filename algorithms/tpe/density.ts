import { logNdtrDiff } from '../math/normal.js';
import type { CategoricalKernel, CellOf, Mixture, NumericKernel, Point } from './parzen.js';
import { buildReachGrid, visitReach, type ReachGrid } from './reach-grid.js';

/** Terms this far below the largest add less than e^-40 each: nothing a double holds. */
const NEGLIGIBLE = 40;
/** Points evaluated with bounds before deciding; the share of components surviving the first dimensions above which evaluating them all is cheaper. */
const PROBE = 8;
const DENSE_SHARE = 0.25;

/**
 * log of the mixture's density (probability, for cell and categorical dimensions) at each
 * point: log Σ_k w_k Π_d kernel_kd(x_d), by log-sum-exp over components.
 *
 * Mixtures of more than 64 components in more than one dimension are evaluated by branch
 * and bound: the prior's exact term bounds the largest term from below, and a component is
 * dropped as soon as it cannot come within e^40 of it whatever the remaining dimensions
 * add. A grid over one or two continuous dimensions (reach-grid.ts) spares visiting the
 * components that are too far away along them. When the first points show that most
 * components survive the bounds (a history clustered where candidates are drawn), the
 * rest are evaluated over every component, which is then cheaper.
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
  const { order, rest, grid } = planPruning(mixture);
  const active = new Int32Array(k);
  const acc = new Float64Array(k);
  const last = k - 1; // the prior
  let visited = 0;
  for (let p = 0; p < points.length; p++) {
    const x = points[p] as Point;
    if (p === PROBE && visited > DENSE_SHARE * PROBE * k) {
      // The points lie among the components (a history clustered where the candidates are
      // drawn): bounding spares little, and its bookkeeping costs more than it saves.
      for (let i = 0; i < k; i++) active[i] = i;
      for (let q = p; q < points.length; q++) {
        const y = points[q] as Point;
        acc.set(mixture.logWeights);
        for (let d = 0; d < mixture.kernels.length; d++) addTerms(mixture.kernels[d] as NumericKernel | CategoricalKernel, d, y, active, acc, k, cellOf);
        out[q] = logSumExp(acc, k);
      }
      return out;
    }
    const floor = componentTerm(mixture, x, last, cellOf) - NEGLIGIBLE;
    let n = 0;
    let s = 0;
    if (grid) {
      n = visitReach(grid, x, floor, active, acc);
      // The wide components and the prior take the general path along the axes.
      const from = n;
      for (let j = 0; j < grid.wide.length; j++) active[n++] = grid.wide[j] as number;
      active[n++] = last;
      for (let j = from; j < n; j++) acc[j] = mixture.logWeights[active[j] as number] as number;
      for (const d of grid.axes) addTerms(mixture.kernels[d] as NumericKernel, d, x, active, acc, n, cellOf, from);
      s = grid.axes.length;
      n = keep(active, acc, from, n, rest[s], floor);
      visited += n;
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
      if (s === 0 && !grid) visited += n;
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
  /** Dimensions in the order they are evaluated: the grid's axes first. */
  order: number[];
  /** rest[s][i]: the most dimensions order[s], order[s+1], ... can add to component i's log term. */
  rest: Float64Array[];
  grid?: ReachGrid;
}

function planPruning(mixture: Mixture): PruningPlan {
  const kernels = mixture.kernels;
  const axes = kernels.flatMap((kernel, d) => (kernel.kind === 'numeric' && !kernel.cells ? [d] : [])).slice(0, 2);
  const order = [...axes, ...kernels.map((_, d) => d).filter((d) => !axes.includes(d))];
  const k = mixture.logWeights.length;
  const rest: Float64Array[] = [];
  const block = new Float64Array(k * (order.length + 1));
  let next = block.subarray(order.length * k);
  for (let s = order.length - 1; s >= 0; s--) {
    const kernel = kernels[order[s] as number] as NumericKernel | CategoricalKernel;
    const here = block.subarray(s * k, (s + 1) * k);
    for (let i = 0; i < k; i++) {
      // A density's peak on the log scale; a probability is at most 1.
      const peak = kernel.kind === 'numeric' && !kernel.cells ? Math.max(0, kernel.logScale[i] as number) : 0;
      here[i] = (next[i] as number) + peak;
    }
    rest[s] = here;
    next = here;
  }
  return axes.length ? { order, rest, grid: buildReachGrid(mixture, axes, rest) } : { order, rest };
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
