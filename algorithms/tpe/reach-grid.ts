import type { Mixture, NumericKernel, Point } from './parzen.js';

/**
 * A mixture's components bucketed by their centres along one or two continuous dimensions
 * (the axes), so that a density evaluation visits only those that can matter.
 *
 * A component i with σ_i <= σ_cut along an axis and with log w_i + (the most its kernels
 * can add) <= peak contributes at most peak − ½(Δ/σ_cut)² when its centre is Δ away from
 * the point along that axis. Below `floor` it is negligible, so only centres within
 * reach = σ_cut·√(2(peak − floor)) along every axis are visited. The widest tenth of the
 * kernels along each axis would widen every reach; they are kept apart and always visited.
 */
export interface ReachGrid {
  axes: readonly number[];
  /** Cells per axis (the second axis has 1 when there is only one). */
  cellsA: number;
  cellsB: number;
  /** Offsets of each cell's components in the arrays below (cell = a·cellsB + b). */
  start: Int32Array;
  index: Int32Array;
  muA: Float64Array;
  muB: Float64Array;
  inverseSigmaA: Float64Array;
  inverseSigmaB: Float64Array;
  /** log w_i plus its kernels' log scales along the axes. */
  base: Float64Array;
  /** What the other dimensions can add at most (rest[axes.length][i]). */
  bound: Float64Array;
  /** Components visited always: too wide along an axis. The prior is not among them. */
  wide: Int32Array;
  sigmaA: number;
  sigmaB: number;
  /** The largest log w_i + (what all its kernels can add) over the bucketed components. */
  peak: number;
}

/** Buckets the components but the last (the prior) along `axes` (one or two continuous dimensions). */
export function buildReachGrid(mixture: Mixture, axes: readonly number[], rest: readonly Float64Array[]): ReachGrid {
  const a = mixture.kernels[axes[0] as number] as NumericKernel;
  const b = axes.length > 1 ? (mixture.kernels[axes[1] as number] as NumericKernel) : undefined;
  const k = mixture.logWeights.length - 1;
  const sigmaA = widthCut(a.sigma, k);
  const sigmaB = b ? widthCut(b.sigma, k) : 0;
  // About four components per cell.
  const cellsA = Math.max(1, Math.floor(b ? Math.sqrt(k / 4) : k / 4));
  const cellsB = b ? cellsA : 1;
  const cellOf = new Int32Array(k).fill(-1);
  const start = new Int32Array(cellsA * cellsB + 1);
  const wide: number[] = [];
  for (let i = 0; i < k; i++) {
    if ((a.sigma[i] as number) > sigmaA || (b && (b.sigma[i] as number) > sigmaB)) {
      wide.push(i);
      continue;
    }
    const ca = Math.min(cellsA - 1, Math.floor((a.mu[i] as number) * cellsA));
    const cb = b ? Math.min(cellsB - 1, Math.floor((b.mu[i] as number) * cellsB)) : 0;
    const cell = ca * cellsB + cb;
    cellOf[i] = cell;
    start[cell + 1] = (start[cell + 1] as number) + 1;
  }
  for (let c = 0; c < cellsA * cellsB; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const narrow = k - wide.length;
  const block = new Float64Array(6 * narrow);
  const part = (i: number): Float64Array => block.subarray(i * narrow, (i + 1) * narrow);
  const grid: ReachGrid = {
    axes,
    cellsA,
    cellsB,
    start,
    index: new Int32Array(narrow),
    muA: part(0),
    muB: part(1),
    inverseSigmaA: part(2),
    inverseSigmaB: part(3),
    base: part(4),
    bound: part(5),
    wide: Int32Array.from(wide),
    sigmaA,
    sigmaB,
    peak: -Infinity,
  };
  const fill = start.slice(0, cellsA * cellsB);
  const first = rest[0] as Float64Array;
  const after = rest[axes.length];
  for (let i = 0; i < k; i++) {
    const cell = cellOf[i] as number;
    if (cell < 0) continue;
    const j = fill[cell] as number;
    fill[cell] = j + 1;
    grid.index[j] = i;
    grid.muA[j] = a.mu[i] as number;
    grid.inverseSigmaA[j] = a.inverseSigma[i] as number;
    let base = (mixture.logWeights[i] as number) + (a.logScale[i] as number);
    if (b) {
      grid.muB[j] = b.mu[i] as number;
      grid.inverseSigmaB[j] = b.inverseSigma[i] as number;
      base += b.logScale[i] as number;
    }
    grid.base[j] = base;
    grid.bound[j] = after ? (after[i] as number) : 0;
    grid.peak = Math.max(grid.peak, (mixture.logWeights[i] as number) + (first[i] as number));
  }
  return grid;
}

/**
 * Writes to active/acc the bucketed components within reach of x whose log term along the
 * axes, plus `bound`, exceeds `floor`; returns how many.
 */
export function visitReach(grid: ReachGrid, x: Point, floor: number, active: Int32Array, acc: Float64Array): number {
  const room = Math.sqrt(2 * Math.max(0, grid.peak - floor));
  const xa = x[grid.axes[0] as number] as number;
  const xb = grid.axes.length > 1 ? (x[grid.axes[1] as number] as number) : 0;
  const [a0, a1] = cellRange(xa, grid.sigmaA * room, grid.cellsA);
  const [b0, b1] = cellRange(xb, grid.sigmaB * room, grid.cellsB);
  const { start, index, muA, muB, inverseSigmaA, inverseSigmaB, base, bound } = grid;
  let n = 0;
  for (let ca = a0; ca <= a1; ca++) {
    const end = start[ca * grid.cellsB + b1 + 1] as number;
    for (let j = start[ca * grid.cellsB + b0] as number; j < end; j++) {
      const za = (xa - (muA[j] as number)) * (inverseSigmaA[j] as number);
      const zb = (xb - (muB[j] as number)) * (inverseSigmaB[j] as number);
      const t = (base[j] as number) - 0.5 * (za * za + zb * zb);
      if (t + (bound[j] as number) > floor) {
        active[n] = index[j] as number;
        acc[n++] = t;
      }
    }
  }
  return n;
}

/** The cells overlapping [v − reach, v + reach], clamped to the grid. */
function cellRange(v: number, reach: number, cells: number): [number, number] {
  const lo = Math.floor((v - reach) * cells);
  const hi = Math.floor((v + reach) * cells);
  return [Math.max(0, Math.min(cells - 1, lo)), Math.max(0, Math.min(cells - 1, hi))];
}

/** The 90th percentile of the first k widths (quickselect). */
function widthCut(sigma: Float64Array, k: number): number {
  const values = sigma.slice(0, k);
  const r = Math.ceil(0.9 * k) - 1;
  let lo = 0;
  let hi = k - 1;
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
