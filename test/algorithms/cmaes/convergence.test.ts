import { describe, expect, test } from 'vitest';
import { initialDistribution } from '../../../algorithms/cmaes/distribution.js';
import { strategyParameters } from '../../../algorithms/cmaes/parameters.js';
import { sampleCandidate } from '../../../algorithms/cmaes/sample.js';
import { updateDistribution } from '../../../algorithms/cmaes/update.js';
import { createRng } from '../../../src/rng.js';

/*
 * Evaluations to reach f < 1e-8 against the tutorial's reference implementation.
 *
 * Reference: pycma 4.5.0 (`pip install cma`), seeds 1..21, counting whole generations
 * (pycma checks `ftarget` after each generation):
 *
 *   es = cma.CMAEvolutionStrategy(x0, sigma0, {'ftarget': 1e-8, 'seed': s, 'verbose': -9})
 *   es.optimize(f); es.result.evaluations
 *
 * and its `purecma` module with the tutorial's negative weights
 * (`CMAESParameters(N, RecombinationWeights=cma.recombination_weights.RecombinationWeights)`):
 *
 *   | problem                          | cma.fmin median [min, max] | purecma median [min, max] |
 *   | Sphere 10-D, x0 = 1, σ0 = 0.5    | 1350 [1210, 1480]          | 1450 [1350, 1540]         |
 *   | Rosenbrock 5-D, x0 = 0, σ0 = 0.5 | 1616 [1192, 2120]          | 1760 [1456, 2144]         |
 *
 * pycma's defaults are the tutorial's parameters (its damping reduces to eq. 55 without
 * mirrored sampling; active CMA is on). The test asserts the median over 11 seeds within
 * ±30 % of the cma.fmin median. The same core measured over 21 seeds: 1350 and 1744.
 */
const REFERENCE = [
  { name: 'Sphere 10-D', n: 10, x0: 1, sigma0: 0.5, evaluations: 1350, f: (x: Float64Array) => x.reduce((s, v) => s + v * v, 0) },
  {
    name: 'Rosenbrock 5-D',
    n: 5,
    x0: 0,
    sigma0: 0.5,
    evaluations: 1616,
    f: (x: Float64Array) => {
      let s = 0;
      for (let i = 0; i < x.length - 1; i++) s += 100 * ((x[i + 1] as number) - (x[i] as number) ** 2) ** 2 + (1 - (x[i] as number)) ** 2;
      return s;
    },
  },
];

/** Evaluations (whole generations) until the best value is below 1e-8; Infinity if not within the cap. */
function evaluationsToTarget(n: number, x0: number, sigma0: number, f: (x: Float64Array) => number, seed: number): number {
  let dist = initialDistribution(strategyParameters(n), new Array(n).fill(x0), sigma0);
  const kinds = { thresholds: new Array(n).fill(undefined), unbounded: true };
  let evaluations = 0;
  while (evaluations < 20000) {
    const xs: Float64Array[] = [];
    const fs: number[] = [];
    for (let k = 0; k < dist.params.lambda; k++) {
      const x = sampleCandidate(dist, kinds, createRng('convergence', seed, dist.generation, k)).x;
      xs.push(x);
      fs.push(f(x));
    }
    evaluations += dist.params.lambda;
    if (Math.min(...fs) < 1e-8) return evaluations;
    dist = updateDistribution(dist, xs, fs);
  }
  return Infinity;
}

describe('convergence against the reference implementation', () => {
  test.each(REFERENCE)('$name reaches f < 1e-8 in the reference evaluations ±30 % (median of 11 seeds)', ({ n, x0, sigma0, f, evaluations }) => {
    const counts = Array.from({ length: 11 }, (_, s) => evaluationsToTarget(n, x0, sigma0, f, s + 1)).sort((a, b) => a - b);
    const median = counts[5] as number;
    expect(median, `evaluations per seed: ${counts.join(', ')}`).toBeGreaterThanOrEqual(0.7 * evaluations);
    expect(median, `evaluations per seed: ${counts.join(', ')}`).toBeLessThanOrEqual(1.3 * evaluations);
  });
});
