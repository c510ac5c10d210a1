import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { initialDistribution } from '../../../algorithms/cmaes/distribution.js';
import { sampleCandidate } from '../../../algorithms/cmaes/sample.js';
import { separableParameters } from '../../../algorithms/cmaes/separable.js';
import { updateDistribution } from '../../../algorithms/cmaes/update.js';
import { createRng } from '../../../src/rng.js';
import { diagonalOf, expectClose, REFERENCE } from './reference.js';

/*
 * Separable CMA-ES (Ros & Hansen 2008) against cmaes 0.13.1 `SepCMA`: its strategy
 * parameters for n = 2, 5, 10 (default λ) and n = 4 with λ = 20, and 8 generations of a
 * rotated 4-D ellipsoid told the same points, comparing the mean, σ, diag(C) and both
 * paths after each.
 *
 * Hand check, n = 2: λ = 6, μ = 3, w ∝ ln 4 − ln i = (1.3863, 0.6931, 0.2877), sum 2.3671,
 * so w = (0.5856, 0.2928, 0.1215) and μ_eff = 1/Σw² = 1/0.44349 = 2.2548; c_c = 4/(n + 4)
 * = 0.6667; c_σ = (μ_eff + 2)/(n + μ_eff + 3) = 4.2548/7.2548 = 0.5865.
 */
describe('separable CMA-ES (Ros & Hansen 2008)', () => {
  test.each(REFERENCE.sepParameters)('parameters for n = $n, λ = $lambda match cmaes 0.13.1 SepCMA', (ref) => {
    const p = separableParameters(ref.n, ref.lambda);
    expect(p.separable).toBe(true);
    expect(p.mu).toBe(ref.mu);
    expectClose(p.weights.slice(0, ref.mu), ref.weights, 1e-15, 'weights');
    expectClose(p.weights.slice(ref.mu), new Array(ref.lambda - ref.mu).fill(0), 0, 'weights past μ');
    const names = ['muEff', 'c1', 'cMu', 'cSigma', 'dSigma', 'cc', 'chiN'] as const;
    for (const name of names) expectClose([p[name]], [ref[name]], 1e-15, name);
  });

  test('hand check for n = 2', () => {
    const p = separableParameters(2);
    expectClose(p.weights.slice(0, 3), [0.5856, 0.2928, 0.1215], 1e-4, 'weights');
    expectClose([p.muEff, p.cc, p.cSigma], [2.2548, 0.6667, 0.5865], 1e-4, 'rates');
  });

  test.each(REFERENCE.sep.map((c, i) => [i, c] as const))('case %i: every generation matches cmaes 0.13.1 SepCMA to 1e-12; C stays diagonal', (_, c) => {
    const n = c.mean.length;
    let dist = initialDistribution(separableParameters(n), c.mean, c.sigma);
    expect(dist.params.lambda).toBe(c.lambda);
    c.generations.forEach((g, k) => {
      dist = updateDistribution(dist, g.xs, g.fs);
      const at = `generation ${k + 1}`;
      expectClose(dist.mean, g.mean, 1e-12, `${at} mean`);
      expectClose([dist.sigma], [g.sigma], 1e-12, `${at} sigma`);
      expectClose(diagonalOf(dist.C, n), g.diagC!, 1e-12, `${at} diag C`);
      expectClose(dist.pSigma, g.pSigma!, 1e-12, `${at} p_sigma`);
      expectClose(dist.pC, g.pC!, 1e-12, `${at} p_c`);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) if (i !== j) expect(dist.C[i * n + j], `${at} C[${i}][${j}]`).toBe(0);
      }
      // B = I and D = √diag(C): the decomposition of a diagonal matrix.
      expectClose(dist.D, g.diagC!.map(Math.sqrt), 1e-12, `${at} D`);
    });
  });

  test('diag(C) stays positive over random histories, up to λ = 100 in 2-D (c_μ capped at 1 − c_1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 100 }), fc.integer({ min: 0, max: 1e9 }), (n, lambda, seed) => {
        const p = separableParameters(n, lambda);
        expect(p.c1 + p.cMu).toBeLessThanOrEqual(1);
        let dist = initialDistribution(p, new Array(n).fill(0.5), 0.2);
        const rng = createRng('separable', seed);
        const kinds = { thresholds: new Array(n).fill(undefined) };
        for (let g = 0; g < 15; g++) {
          const xs = Array.from({ length: lambda }, () => sampleCandidate(dist, kinds, rng).x);
          dist = updateDistribution(dist, xs, xs.map(() => rng.normal()));
          for (const c of diagonalOf(dist.C, n)) expect(c, `n=${n} λ=${lambda} seed=${seed}`).toBeGreaterThan(0);
        }
      }),
      { numRuns: 60 },
    );
  });
});
