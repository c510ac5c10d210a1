import { logNdtrDiff } from '../../../algorithms/math/normal.js';
import type { CellOf, Mixture } from '../../../algorithms/tpe/parzen.js';

/**
 * The textbook mixture log density, log Σ_k exp(log w_k + Σ_d log kernel_kd(x_d)), from the
 * model's own μ, σ and categorical rows, over every component and with each truncation
 * normaliser recomputed: the reference the optimised logDensity is checked against.
 */
export function plainLogDensity(m: Mixture, x: readonly number[], cellOf?: CellOf): number {
  const terms = Array.from(m.logWeights, (lw, i) => {
    let t = lw;
    m.kernels.forEach((kernel, d) => {
      const v = x[d] as number;
      if (kernel.kind === 'categorical') {
        t += kernel.logP[i * kernel.size + v] as number;
        return;
      }
      const mu = kernel.mu[i] as number;
      const s = kernel.sigma[i] as number;
      const logZ = logNdtrDiff(-mu / s, (1 - mu) / s);
      if (kernel.cells && cellOf) {
        const [a, b] = cellOf(d, v);
        t += logNdtrDiff((a - mu) / s, (b - mu) / s) - logZ;
      } else {
        t += -0.5 * ((v - mu) / s) ** 2 - Math.log(s * Math.sqrt(2 * Math.PI)) - logZ;
      }
    });
    return t;
  });
  const max = Math.max(...terms);
  return max + Math.log(terms.reduce((sum, t) => sum + Math.exp(t - max), 0));
}
