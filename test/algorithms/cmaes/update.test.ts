import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { initialDistribution, type Distribution } from '../../../algorithms/cmaes/distribution.js';
import { strategyParameters } from '../../../algorithms/cmaes/parameters.js';
import { sampleCandidate } from '../../../algorithms/cmaes/sample.js';
import { updateDistribution } from '../../../algorithms/cmaes/update.js';
import { createRng } from '../../../src/rng.js';

/*
 * One generation of the update in 2-D, by hand and by a reference.
 *
 * n = 2, λ = 6, μ = 3, weights from parameters.test.ts; m = (0, 0), σ = 0.5, C = I.
 * Points and f(x) = (x1 − 1)² + (x2 − 0.5)²:
 *   k  x            f
 *   0  ( 0.1,  0.2) 0.90
 *   1  (−0.3,  0.4) 1.70
 *   2  ( 0.5, −0.1) 0.61
 *   3  ( 0.2,  0.2) 0.73
 *   4  (−0.4, −0.6) 3.17
 *   5  ( 0.6,  0.3) 0.20
 * Ranking: 5, 2, 3, 0, 1, 4. With c_m = 1 and m = 0, eq. 42 gives
 *   m' = σ Σ w_i y_{i:λ} = Σ_{i≤3} w_i x_{i:λ}
 *      = 0.63704 (0.6, 0.3) + 0.28457 (0.5, −0.1) + 0.07839 (0.2, 0.2) = (0.54019, 0.17833).
 * With C = I, C^(−1/2) = I, so p_σ = √(c_σ (2 − c_σ) μ_eff) ⟨y⟩_w = 1.18601 · (1.08038, 0.35667)
 * = (1.28133, 0.42302) (eq. 43); ‖p_σ‖ = 1.34934 and σ' = 0.5 exp(0.44620/1.44620 ·
 * (1.34934/1.25427 − 1)) = 0.51182 (eq. 44); h_σ = 1 since 1.34934/√(1 − 0.55380²) = 1.6206
 * < (1.4 + 2/3) · 1.25427 = 2.5921.
 *
 * All digits below: a numpy 2.4.6 transcription of eqs. 41–47 (two generations, the
 * second from the first's state, so C^(−1/2) ≠ I), which agrees with cmaes 0.13.1
 * `CMA.tell` on the same points to 1e-8 (cmaes adds 1e-8 to the denominator of eq. 46).
 */
const GENERATIONS = [
  {
    xs: [[0.1, 0.2], [-0.3, 0.4], [0.5, -0.1], [0.2, 0.2], [-0.4, -0.6], [0.6, 0.3]],
    mean: [0.5401881057278966, 0.1783331798927118],
    sigma: 0.5118227639868693,
    pSigma: [1.2812637008640588, 0.4229856741260567],
    pC: [1.4262029239935026, 0.4708346961200227],
    C: [1.22055500124554, 0.0954247172354469, 0.0954247172354469, 0.7882398986532118],
  },
  {
    xs: [[0.9, 0.3], [0.4, 0.1], [0.7, 0.5], [0.2, -0.2], [1.1, 0.6], [0.5, 0.4]],
    mean: [1.0117310799840933, 0.506790205636515],
    sigma: 0.6093329341248597,
    pSigma: [1.664419938247889, 1.0410812129812488],
    pC: [1.7516697905870644, 1.0239324100218725],
    C: [1.5032421613910905, 0.29398443974186456, 0.29398443974186456, 0.7862871933952231],
  },
];

const f = (x: readonly number[]) => ((x[0] as number) - 1) ** 2 + ((x[1] as number) - 0.5) ** 2;

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  expected.forEach((e, i) => {
    expect(Math.abs((actual[i] as number) - e), `${what}[${i}]: ${actual[i]} vs ${e}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(e)));
  });
}

describe('one generation of the CMA-ES update (Hansen 2016, eqs. 41–47)', () => {
  test('two 2-D generations: mean, step size, both paths and C to 1e-14', () => {
    let dist = initialDistribution(strategyParameters(2), [0, 0], 0.5);
    GENERATIONS.forEach((g, i) => {
      dist = updateDistribution(dist, g.xs, g.xs.map(f));
      expectClose(dist.mean, g.mean, 1e-14, `generation ${i + 1} mean`);
      expectClose([dist.sigma], [g.sigma], 1e-14, `generation ${i + 1} sigma`);
      expectClose(dist.pSigma, g.pSigma, 1e-14, `generation ${i + 1} p_sigma`);
      expectClose(dist.pC, g.pC, 1e-14, `generation ${i + 1} p_c`);
      expectClose(dist.C, g.C, 1e-14, `generation ${i + 1} C`);
      expect(dist.generation).toBe(i + 1);
    });
    // The hand-derived digits of the comment above.
    const first = updateDistribution(initialDistribution(strategyParameters(2), [0, 0], 0.5), GENERATIONS[0]!.xs, GENERATIONS[0]!.xs.map(f));
    expectClose(first.mean, [0.54019, 0.17833], 1e-5, 'hand mean');
    expectClose([first.sigma], [0.51182], 1e-5, 'hand sigma');
  });

  test('h_σ = 0 stalls p_c when the selected steps are long; ties keep the points in order', () => {
    // Same reference; σ = 0.1 and the three best points (tied at f = −2) lie ~14σ away.
    const xs = [[0.9, 1.1], [1.2, 0.8], [1.0, 1.0], [-0.2, 0.1], [0.3, -0.4], [0.0, 0.2]];
    const dist = updateDistribution(initialDistribution(strategyParameters(2), [0, 0], 0.1), xs, xs.map((x) => -((x[0] as number) + (x[1] as number))));
    expectClose(dist.mean, [0.993209794363485, 1.0067902056365152], 1e-14, 'mean');
    expectClose([dist.sigma], [4.5476591834548525], 1e-14, 'sigma');
    expectClose(dist.pSigma, [11.77889371653071, 11.939949539700793], 1e-14, 'p_sigma');
    expectClose(dist.pC, [0, 0], 0, 'p_c');
    expectClose(dist.C, [6.739111906596196, 5.782806414407593, 5.782806414407593, 6.878778797172688], 1e-14, 'C');
  });

  test('the update depends on the ranking only: f and exp(f) give the same distribution', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const dist = initialDistribution(strategyParameters(n), new Array(n).fill(0.5), 0.2);
        const rng = createRng('ranking', seed);
        const xs = Array.from({ length: dist.params.lambda }, () => sampleCandidate(dist, { thresholds: new Array(n).fill(undefined) }, rng).x);
        const fs = xs.map(() => rng.next() * 4 - 2);
        expect(updateDistribution(dist, xs, fs.map(Math.exp))).toEqual(updateDistribution(dist, xs, fs));
      }),
      { numRuns: 50 },
    );
  });

  test('rejects a generation of the wrong size', () => {
    const dist = initialDistribution(strategyParameters(2), [0, 0], 0.5);
    expect(() => updateDistribution(dist, [[0, 0]], [1])).toThrow(/6 points/);
  });
});

/** Undefined when C is exactly symmetric and has a Cholesky factor (is positive definite), else what fails. */
function isSymmetricPositiveDefinite(dist: Distribution): string | undefined {
  const n = dist.params.n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (dist.C[i * n + j] !== dist.C[j * n + i]) return `not symmetric at (${i}, ${j})`;
  }
  // Cholesky succeeds exactly for positive definite matrices.
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = dist.C[j * n + j] as number;
    for (let k = 0; k < j; k++) d -= (L[j * n + k] as number) ** 2;
    if (!(d > 0)) return `Cholesky pivot ${j} is ${d}`;
    L[j * n + j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = dist.C[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (L[i * n + k] as number) * (L[j * n + k] as number);
      L[i * n + j] = s / (L[j * n + j] as number);
    }
  }
  return undefined;
}

describe('C stays symmetric positive definite', () => {
  test('over random histories: any dimension 1–8, population 2–3λ, any values, ties and bound clipping', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('random', 'ties', 'sphere', 'reversed'),
        (n, extra, seed, generations, values) => {
          const params = strategyParameters(n, Math.max(2, strategyParameters(n).lambda * (extra + 1) - extra * 3));
          let dist = initialDistribution(params, new Array(n).fill(0.5), 1 / 6);
          const rng = createRng('spd', seed);
          const kinds = { thresholds: new Array(n).fill(undefined) };
          for (let g = 0; g < generations; g++) {
            const xs = Array.from({ length: params.lambda }, () => sampleCandidate(dist, kinds, rng).x);
            const fs = xs.map((x) => {
              if (values === 'ties') return Math.floor(rng.next() * 2);
              if (values === 'sphere') return x.reduce((s, v) => s + (v - 0.2) ** 2, 0);
              if (values === 'reversed') return -x.reduce((s, v) => s + (v - 0.2) ** 2, 0);
              return rng.normal();
            });
            dist = updateDistribution(dist, xs, fs);
            const problem = isSymmetricPositiveDefinite(dist);
            expect(problem, `n=${n} λ=${params.lambda} generation ${g + 1} values=${values} seed=${seed}`).toBeUndefined();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
