import { logNdtrDiff } from './normal.js';
import type { CategoricalKernel, CellOf, Mixture, NumericKernel, Point } from './parzen.js';

/**
 * log of the mixture's density (probability, for cell and categorical dimensions) at each
 * point: log Σ_k w_k Π_d kernel_kd(x_d), by log-sum-exp over components.
 */
export function logDensity(mixture: Mixture, points: readonly Point[], cellOf?: CellOf): Float64Array {
  const k = mixture.logWeights.length;
  const out = new Float64Array(points.length);
  const acc = new Float64Array(k);
  const { kernels } = mixture;
  const prune = kernels.length > 1 && k > 64 ? remainingPeaks(mixture) : undefined;
  const active = new Int32Array(k);
  for (let p = 0; p < points.length; p++) {
    const x = points[p] as Point;
    acc.set(mixture.logWeights);
    for (let i = 0; i < k; i++) active[i] = i;
    let n = k;
    // Branch and bound: the prior's exact term bounds the largest term from below; once a
    // component cannot come within e^40 of it whatever the other dimensions add, it is dropped.
    const floor = prune ? componentTerm(mixture, x, k - 1, cellOf) - 40 : -Infinity;
    for (let d = 0; d < kernels.length; d++) {
      const kernel = kernels[d] as NumericKernel | CategoricalKernel;
      const v = x[d] as number;
      if (kernel.kind === 'categorical') {
        for (let j = 0; j < n; j++) {
          const i = active[j] as number;
          acc[i] = (acc[i] as number) + (kernel.logP[i * kernel.size + v] as number);
        }
      } else if (kernel.cells) {
        const [a, b] = cellOf ? cellOf(d, v) : [v, v];
        for (let j = 0; j < n; j++) {
          const i = active[j] as number;
          const m = kernel.mu[i] as number;
          const s = kernel.sigma[i] as number;
          acc[i] = (acc[i] as number) + logNdtrDiff((a - m) / s, (b - m) / s) - (kernel.logMass[i] as number);
        }
      } else {
        const { mu, inverseSigma, logScale } = kernel;
        for (let j = 0; j < n; j++) {
          const i = active[j] as number;
          const z = (v - (mu[i] as number)) * (inverseSigma[i] as number);
          acc[i] = (acc[i] as number) + (logScale[i] as number) - 0.5 * z * z;
        }
      }
      const rest = prune?.[d + 1];
      if (rest) {
        let kept = 0;
        for (let j = 0; j < n; j++) {
          const i = active[j] as number;
          if ((acc[i] as number) + (rest[i] as number) > floor) active[kept++] = i;
        }
        n = kept;
      }
    }
    out[p] = logSumExp(acc, active, n);
  }
  return out;
}

/**
 * peaks[d][i]: the most dimensions d, d+1, ... can add to component i's log term (a
 * density's peak, log scale; 0 for a probability). Absent past the last dimension.
 */
function remainingPeaks(mixture: Mixture): Float64Array[] {
  const k = mixture.logWeights.length;
  const peaks: Float64Array[] = [];
  let next = new Float64Array(k);
  for (let d = mixture.kernels.length - 1; d >= 0; d--) {
    const kernel = mixture.kernels[d] as NumericKernel | CategoricalKernel;
    const here = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const peak = kernel.kind === 'numeric' && !kernel.cells ? Math.max(0, kernel.logScale[i] as number) : 0;
      here[i] = (next[i] as number) + peak;
    }
    peaks[d] = here;
    next = here;
  }
  return peaks;
}

/** One component's exact log term at a point: log w + Σ_d log kernel. */
function componentTerm(mixture: Mixture, x: Point, i: number, cellOf?: CellOf): number {
  let term = mixture.logWeights[i] as number;
  mixture.kernels.forEach((kernel, d) => {
    const v = x[d] as number;
    if (kernel.kind === 'categorical') {
      term += kernel.logP[i * kernel.size + v] as number;
    } else if (kernel.cells) {
      const [a, b] = cellOf ? cellOf(d, v) : [v, v];
      const m = kernel.mu[i] as number;
      const s = kernel.sigma[i] as number;
      term += logNdtrDiff((a - m) / s, (b - m) / s) - (kernel.logMass[i] as number);
    } else {
      const z = (v - (kernel.mu[i] as number)) * (kernel.inverseSigma[i] as number);
      term += (kernel.logScale[i] as number) - 0.5 * z * z;
    }
  });
  return term;
}

/** log Σ e^acc[i] over the listed components; terms e^40 below the largest add nothing a double holds. */
function logSumExp(acc: Float64Array, active: Int32Array, n: number): number {
  let max = -Infinity;
  for (let j = 0; j < n; j++) {
    const a = acc[active[j] as number] as number;
    if (a > max) max = a;
  }
  const floor = max - 40;
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const a = acc[active[j] as number] as number;
    if (a > floor) sum += Math.exp(a - max);
  }
  return max + Math.log(sum);
}
