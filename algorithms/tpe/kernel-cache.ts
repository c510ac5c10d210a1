import { categoricalKernel, kernelCentres, numericKernel, sortedOrder, type DimensionKind, type Kernel, type NumericKernel, type Point } from './parzen.js';

/** Builds the kernels of a group of points, as `buildKernels` would. */
export type KernelBuilder = (points: readonly Point[], dims: readonly DimensionKind[], priorWeight: number, width?: number) => Kernel[];

/** More edits than this between two requests, and the kernels are built afresh. */
const MAX_EDITS = 16;
/** How far the matching looks ahead for a point dropped or inserted. */
const LOOKAHEAD = 4;

interface State {
  key: string;
  n: number;
  kernels: Kernel[];
  /** Each numeric dimension's ascending order of the points; each dimension's coordinates. */
  orders: (Int32Array | undefined)[];
  columns: Float64Array[];
}

/**
 * The bad group's kernels, kept between suggestions. Consecutive requests see almost the
 * same bad group: one more trial, perhaps one that left the good group, the batch's pending
 * points. Rather than sort every column again and recompute every kernel's truncation mass,
 * the builder matches the new points to the last ones by value, merges the new ones into
 * each column's order and recomputes only the kernels whose width changed. What it returns
 * equals `buildKernels` bit for bit, whatever came before (tested).
 */
export function createKernelCache(): KernelBuilder {
  let state: State | undefined;
  return (points, dims, priorWeight, width) => {
    const key = `${priorWeight}:${width}:${dims.map((d) => (d.kind === 'categorical' ? `c${d.size}` : d.kind)).join()}`;
    const from = state?.key === key ? matchPoints(state.columns, state.n, points) : undefined;
    const orders: (Int32Array | undefined)[] = [];
    const kernels = dims.map((dim, d): Kernel => {
      if (dim.kind === 'categorical') return categoricalKernel(column(points, d), dim.size, priorWeight);
      const mu = kernelCentres(points, d);
      const cells = dim.kind === 'cells';
      if (!from || !state) {
        const order = (orders[d] = sortedOrder(mu.subarray(0, points.length)));
        return numericKernel(mu, order, cells, undefined, width);
      }
      const order = (orders[d] = mergeOrder(state.orders[d] as Int32Array, state.n, from, mu));
      return numericKernel(mu, order, cells, { kernel: state.kernels[d] as NumericKernel, from }, width);
    });
    const columns = kernels.map((kernel, d) => (kernel.kind === 'numeric' ? kernel.mu : column(points, d)));
    state = { key, n: points.length, kernels, orders, columns };
    return kernels;
  };
}

function column(points: readonly Point[], d: number): Float64Array {
  return Float64Array.from(points, (p) => p[d] as number);
}

/**
 * For each new point, the index of an equal earlier point (columns[d][i] is earlier point
 * i's coordinate d), or -1 for a new one: a common subsequence of the two lists (both keep
 * trials in order, so edits are few and local). Undefined when they differ by more.
 */
export function matchPoints(columns: readonly Float64Array[], n: number, points: readonly Point[]): Int32Array | undefined {
  const equal = (i: number, j: number): boolean => {
    const p = points[j] as Point;
    for (let d = 0; d < columns.length; d++) if ((columns[d] as Float64Array)[i] !== p[d]) return false;
    return true;
  };
  const from = new Int32Array(points.length).fill(-1);
  let i = 0;
  let j = 0;
  let edits = 0;
  while (j < points.length) {
    if (i < n && equal(i, j)) {
      from[j++] = i++;
      continue;
    }
    if (++edits > MAX_EDITS) return undefined;
    let skip: 'earlier' | 'new' | undefined;
    let t = 1;
    for (; t <= LOOKAHEAD && !skip; t++) {
      if (i + t < n && equal(i + t, j)) skip = 'earlier'; // earlier points i .. i+t-1 left the group
      else if (i < n && j + t < points.length && equal(i, j + t)) skip = 'new'; // points j .. j+t-1 are new
    }
    if (skip === 'earlier') i += t - 1;
    else if (skip === 'new') j += t - 1;
    else {
      i++; // replaced: earlier point i left, point j is new
      j++;
    }
  }
  return from;
}

/**
 * The new points' ascending order (ties by index, as `sortedOrder`): the earlier order
 * carried over through `from`, which keeps it sorted, with the new points merged in.
 */
function mergeOrder(earlier: Int32Array, n: number, from: Int32Array, mu: Float64Array): Int32Array {
  const to = new Int32Array(n).fill(-1);
  const fresh: number[] = [];
  for (let j = 0; j < from.length; j++) {
    if ((from[j] as number) >= 0) to[from[j] as number] = j;
    else fresh.push(j);
  }
  const before = (a: number, b: number): boolean => (mu[a] as number) < (mu[b] as number) || (mu[a] === mu[b] && a < b);
  fresh.sort((a, b) => (before(a, b) ? -1 : 1));
  const order = new Int32Array(from.length);
  let m = 0;
  let f = 0;
  for (let r = 0; r < n; r++) {
    const j = to[earlier[r] as number] as number;
    if (j < 0) continue;
    while (f < fresh.length && before(fresh[f] as number, j)) order[m++] = fresh[f++] as number;
    order[m++] = j;
  }
  while (f < fresh.length) order[m++] = fresh[f++] as number;
  return order;
}
