import type { Rng } from '../../src/rng.js';
import { logNdtrDiff, ndtr, ndtri } from '../math/normal.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Parzen estimators of TPE (Bergstra et al. 2011; the refinements of Watanabe 2023,
 * "Tree-structured Parzen estimator: understanding its algorithm components", as in
 * Optuna). Every numeric dimension lives in the unit interval of Scriba's search-space
 * transform, so kernels are normals truncated to [0, 1]; a dimension with finitely many
 * values integrates its kernel over the value's cell; a categorical dimension has its own
 * probability vectors.
 */

/** How one dimension is modelled. */
export type DimensionKind = { kind: 'continuous' } | { kind: 'cells' } | { kind: 'categorical'; size: number };

/** A point: unit coordinates for numeric dimensions, category indices for categorical ones. */
export type Point = readonly number[];

/** For a `cells` dimension, the cell of [0, 1] a coordinate's value owns. */
export type CellOf = (dim: number, u: number) => readonly [number, number];

export interface NumericKernel {
  kind: 'numeric';
  mu: Float64Array;
  sigma: Float64Array;
  /** log(Φ((1 − μ)/σ) − Φ(−μ/σ)): the kernel's mass inside [0, 1]. */
  logMass: Float64Array;
  /** 1/σ and −log σ − log √(2π) − logMass: the density's constants, computed once. */
  inverseSigma: Float64Array;
  logScale: Float64Array;
  cells: boolean;
}

export interface CategoricalKernel {
  kind: 'categorical';
  size: number;
  /** Row-major K × size log probabilities. */
  logP: Float64Array;
}

export interface Mixture {
  logWeights: Float64Array;
  kernels: Array<NumericKernel | CategoricalKernel>;
}

export type Kernel = NumericKernel | CategoricalKernel;

export interface MixtureOptions {
  priorWeight: number;
  /** One kernel width for every observation (multivariate TPE's); neighbour widths when absent. */
  width?: number;
  /** Which coordinate of the observations each dimension reads; 0, 1, 2, ... by default. */
  columns?: readonly number[];
}

/**
 * The mixture of one kernel per observation plus a prior kernel (Watanabe 2023, §3.2):
 * the prior is centred with the whole range as its width; weights are the observations'
 * (already normalised or not) followed by `priorWeight`.
 */
export function buildMixture(
  observations: readonly Point[],
  weights: readonly number[],
  dims: readonly DimensionKind[],
  options: MixtureOptions,
): Mixture {
  return { logWeights: mixtureWeights(weights, options.priorWeight), kernels: buildKernels(observations, dims, options) };
}

/** log of the normalised weights: the observations' followed by the prior's. */
export function mixtureWeights(weights: readonly number[], priorWeight: number): Float64Array {
  const n = weights.length;
  const total = weights.reduce((a, b) => a + b, 0) + priorWeight;
  const logWeights = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) logWeights[i] = Math.log((weights[i] as number) / total);
  logWeights[n] = Math.log(priorWeight / total);
  return logWeights;
}

/** One kernel per dimension, each over its column of the observations with the prior last. */
export function buildKernels(observations: readonly Point[], dims: readonly DimensionKind[], options: MixtureOptions): Kernel[] {
  const n = observations.length;
  return dims.map((dim, j): Kernel => {
    const d = options.columns?.[j] ?? j;
    if (dim.kind === 'categorical') return categoricalKernel(observations.map((p) => p[d] as number), dim.size, options.priorWeight);
    const mu = kernelCentres(observations, d);
    return numericKernel(mu, sortedOrder(mu.subarray(0, n)), dim.kind === 'cells', undefined, options.width);
  });
}

/** A numeric dimension's kernel centres: coordinate d of each observation, then the prior's 0.5. */
export function kernelCentres(observations: readonly Point[], d: number): Float64Array {
  const n = observations.length;
  const mu = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) mu[i] = (observations[i] as Point)[d] as number;
  mu[n] = 0.5;
  return mu;
}

/** A kernel's constants kept from an earlier kernel: `from[i]` is component i's index there, or -1. */
export interface Earlier {
  kernel: NumericKernel;
  from: Int32Array;
}

/**
 * A numeric dimension's kernels: `mu` holds the n observations then the prior's centre,
 * `order` the observations' ascending order. Where `earlier` had a component with the same
 * centre and width, its constants are copied rather than computed again.
 */
export function numericKernel(mu: Float64Array, order: Int32Array, cells: boolean, earlier?: Earlier, width?: number): NumericKernel {
  const k = mu.length;
  const n = k - 1;
  // One buffer for four arrays: many small buffers cost more to collect.
  const block = new Float64Array(4 * k);
  const [sigma, logMass, inverseSigma, logScale] = [0, 1, 2, 3].map((a) => block.subarray(a * k, (a + 1) * k)) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  if (width === undefined) neighbourSigmas(mu.subarray(0, n), order, sigma);
  else {
    sigma.fill(width, 0, n);
    sigma[n] = 1;
  }
  // Magic clip (Bergstra et al. 2011): no kernel narrower than range / min(100, K + 1).
  const minSigma = 1 / Math.min(100, k + 1);
  for (let i = 0; i < k; i++) sigma[i] = Math.min(1, Math.max(minSigma, sigma[i] as number));
  // With many observations most kernels are clipped to the same width: one logarithm serves them all.
  const logMinSigma = Math.log(minSigma);
  for (let i = 0; i < k; i++) {
    const m = mu[i] as number;
    const s = sigma[i] as number;
    const o = earlier && i < n ? (earlier.from[i] as number) : -1;
    if (o >= 0 && (earlier as Earlier).kernel.sigma[o] === s) {
      const { kernel } = earlier as Earlier;
      logMass[i] = kernel.logMass[o] as number;
      inverseSigma[i] = kernel.inverseSigma[o] as number;
      logScale[i] = kernel.logScale[o] as number;
      continue;
    }
    // Both ends of [0, 1] beyond 9σ: the mass lost is under 1e-18 and its log is 0.
    const mass = m > 9 * s && 1 - m > 9 * s ? 0 : logNdtrDiff(-m / s, (1 - m) / s);
    logMass[i] = mass;
    inverseSigma[i] = 1 / s;
    logScale[i] = -(s === minSigma ? logMinSigma : Math.log(s)) - LOG_SQRT_2PI - mass;
  }
  return { kind: 'numeric', mu, sigma, logMass, inverseSigma, logScale, cells };
}

/**
 * Bandwidths (Optuna's, `consider_endpoints=False`): with 0 and 1 at the ends of the sorted
 * observations, each kernel is as wide as the larger gap to its neighbours, the two
 * outermost as the gap to their inner neighbour; the prior's width is the whole range.
 * Multivariate TPE uses the same per-dimension widths in its product kernels.
 */
function neighbourSigmas(observed: Float64Array, order: Int32Array, sigma: Float64Array): Float64Array {
  const n = observed.length;
  sigma[n] = 1;
  const sorted = new Float64Array(n + 2); // 0, the observations in order, 1
  sorted[n + 1] = 1;
  for (let j = 0; j < n; j++) sorted[j + 1] = observed[order[j] as number] as number;
  for (let j = 0; j < n; j++) {
    const left = (sorted[j + 1] as number) - (sorted[j] as number);
    const right = (sorted[j + 2] as number) - (sorted[j + 1] as number);
    sigma[order[j] as number] = left > right ? left : right;
  }
  if (n >= 2) {
    sigma[order[0] as number] = (sorted[2] as number) - (sorted[1] as number);
    sigma[order[n - 1] as number] = (sorted[n] as number) - (sorted[n - 1] as number);
  }
  return sigma;
}

/**
 * Indices of values in [0, 1] in ascending order, ties by index (a stable sort), in
 * expected O(n): a counting sort into n buckets, then insertion sort within each bucket.
 */
export function sortedOrder(values: Float64Array): Int32Array {
  const n = values.length;
  const bucketOf = (v: number): number => Math.min(n - 1, Math.max(0, Math.floor(v * n)));
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) (start[bucketOf(values[i] as number) + 1] as number)++;
  for (let b = 0; b < n; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
  const order = new Int32Array(n);
  const fill = start.slice(0, n);
  for (let i = 0; i < n; i++) order[(fill[bucketOf(values[i] as number)] as number)++] = i;
  for (let b = 0; b < n; b++) {
    const end = start[b + 1] as number;
    for (let j = (start[b] as number) + 1; j < end; j++) {
      const i = order[j] as number;
      const v = values[i] as number;
      let k = j - 1;
      while (k >= (start[b] as number) && (values[order[k] as number] as number) > v) {
        order[k + 1] = order[k] as number;
        k--;
      }
      order[k + 1] = i;
    }
  }
  return order;
}

/** Optuna 3.1's categorical kernels: each observation adds 1 to its category over a prior_weight/K floor. */
export function categoricalKernel(observed: ArrayLike<number>, size: number, priorWeight: number): CategoricalKernel {
  const k = observed.length + 1;
  const logP = new Float64Array(k * size);
  const floor = priorWeight / k;
  // An observation's row holds two values, the prior's one.
  const hit = Math.log((floor + 1) / (floor * size + 1));
  const miss = Math.log(floor / (floor * size + 1));
  for (let i = 0; i < k - 1; i++) {
    logP.fill(miss, i * size, (i + 1) * size);
    logP[i * size + (observed[i] as number)] = hit;
  }
  logP.fill(Math.log(floor / (floor * size)), (k - 1) * size);
  return { kind: 'categorical', size, logP };
}

export { logDensity } from './density.js';

/** Draws points from the mixture: a component by weight, then each dimension from its kernel. */
export function sampleMixture(mixture: Mixture, count: number, rng: Rng): number[][] {
  const k = mixture.logWeights.length;
  const cumulative = new Float64Array(k);
  let running = 0;
  for (let i = 0; i < k; i++) cumulative[i] = running += Math.exp(mixture.logWeights[i] as number);
  // Φ at the ends of [0, 1] for each kernel drawn from, computed once per component.
  const ends = mixture.kernels.map(() => new Map<number, readonly [number, number]>());
  const normal = normalPairs(rng);
  return Array.from({ length: count }, () => {
    const r = rng.next() * running;
    let component = 0;
    while (component < k - 1 && (cumulative[component] as number) <= r) component++;
    return mixture.kernels.map((kernel, d) => {
      if (kernel.kind === 'categorical') {
        let u = rng.next();
        for (let c = 0; c < kernel.size; c++) {
          u -= Math.exp(kernel.logP[component * kernel.size + c] as number);
          if (u < 0) return c;
        }
        return kernel.size - 1;
      }
      const mu = kernel.mu[component] as number;
      const sigma = kernel.sigma[component] as number;
      const cache = ends[d] as Map<number, readonly [number, number]>;
      let cdf = cache.get(component);
      if (!cdf) cache.set(component, (cdf = truncationCdf(mu, sigma)));
      if (cdf[1] - cdf[0] >= 0.5) {
        // Most of the kernel lies in [0, 1]: rejection from the whole normal is exact and
        // takes under two tries on average, cheaper than inverting Φ.
        const a = -mu / sigma;
        const b = (1 - mu) / sigma;
        for (;;) {
          const z = normal();
          if (z >= a && z <= b) return Math.min(1, Math.max(0, mu + sigma * z));
        }
      }
      return truncatedNormal(mu, sigma, rng.next(), cdf);
    });
  });
}

/** Standard normal draws, two per pair of uniforms: Box–Muller's cosine, then its sine. */
function normalPairs(rng: Rng): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const z = spare;
      spare = undefined;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const angle = 2 * Math.PI * rng.next();
    spare = r * Math.sin(angle);
    return r * Math.cos(angle);
  };
}

/** Φ(−μ/σ) and Φ((1 − μ)/σ): the normal CDF at the ends of [0, 1]. */
function truncationCdf(mu: number, sigma: number): readonly [number, number] {
  return [ndtr(-mu / sigma), ndtr((1 - mu) / sigma)];
}

/** The r-quantile of N(μ, σ) truncated to [0, 1], by inverting Φ over the truncated range. */
export function truncatedNormal(mu: number, sigma: number, r: number, cdf?: readonly [number, number]): number {
  const a = -mu / sigma;
  const b = (1 - mu) / sigma;
  // Work in the lower tail, where Φ keeps its precision.
  if (a > 0) return 1 - truncatedNormal(1 - mu, sigma, 1 - r);
  const [pa, pb] = cdf ?? truncationCdf(mu, sigma);
  const z = ndtri(pa + r * (pb - pa));
  return Math.min(1, Math.max(0, mu + sigma * (Number.isFinite(z) ? z : r < 0.5 ? a : b)));
}

