import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { hedgeChoice, score, scoreValue, KAPPA, PI_MARGIN } from '../../../algorithms/bayesianoptimization/acquisition.js';
import { erfcx, logNdtr as logNormalCdf } from '../../../algorithms/math/normal.js';
import { logH, logHSlope, millsRatio } from '../../../algorithms/bayesianoptimization/log-h.js';
import { createRng } from '../../../src/rng.js';

/*
 * h(z) = φ(z) + z·Φ(z) is the expected improvement of a unit normal over z: EI(μ, s) =
 * s·h((best − μ)/s). References computed with mpmath 1.3.0 at 60 digits from
 * npdf(z) + z·ncdf(z), its log, Φ/h (d log h/dz) and log Φ (as log1p(−ncdf(−z)) above 0,
 * where ncdf rounds to 1); the double nearest the value.
 * At z = −1e100 mpmath's 60 digits cannot hold h, so that row is the first term of the
 * asymptotic series: log h = −z²/2 − ½log 2π − 2 log|z|, Φ/h = |z|, log Φ = −z²/2 − ….
 */
const rows: Array<[z: number, logH: number, slope: number, logCdf: number]> = [
  [30, 3.4011973816621554, 0.033333333333333333, -4.9067139271481871e-198],
  [5, 1.6094379231264314, 0.19999994053122005, -2.8665161296376359e-7],
  [1, 0.08002621884930694, 0.77663872520173926, -0.17275377902344989],
  [0, -0.91893853320467274, 1.2533141373155003, -0.69314718055994531],
  [-0.5, -1.6205162643873199, 1.5598731483480797, -1.1759117615936186],
  [-0.999999, -2.485119121441769, 1.9042705113520568, -1.8410201198743878],
  [-1, -2.4851210257126413, 1.9042712333296918, -1.8410216450092635],
  [-1.000001, -2.4851229299842357, 1.9042719553074503, -1.8410231701449401],
  [-2, -4.7687835239171142, 2.679416883955586, -3.7831843336820319],
  [-5, -16.74430116266099, 5.3618162412880885, -15.064998393988726],
  [-10, -55.553122036122356, 10.194383033412553, -53.231285150512471],
  [-25, -319.86146358149595, 25.079620234266533, -316.63940800802026],
  [-39.999, -808.25851894934079, 40.048907900699003, -804.56841754459524],
  [-40, -808.29856835661996, 40.049906657648518, -804.60844201375379],
  [-40.001, -808.33861876265611, 40.050905414659838, -804.64846748228967],
  [-100, -5010.1295788002498, 100.01999400419587, -5005.5242086942051],
  [-1000, -500014.73445209116, 1000.001999994, -500007.82669481218],
  [-1e5, -5000000023.9447895, 100000.00002, -5000000012.431864],
  [-1e8, -5000000000000037.8, 100000000.00000002, -5000000000000019.3],
  [-1e12, -5.0e23, 1000000000000.0001, -5.0e23],
  [-1e100, -5e199, 1e100, -5e199],
];

function expectRelative(what: string, actual: number, expected: number, tolerance: number): void {
  const error = expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
  expect(error <= tolerance, `${what} = ${actual}, expected ${expected} (relative error ${error.toExponential(2)} > ${tolerance})`).toBe(true);
}

describe('LogEI numerics', () => {
  // 1e-12 relative: the branches join at z = −1 and −40, where each carries up to ~3e-13.
  test.each(rows)('log h(%d) and its slope against mpmath', (z, expectedLogH, expectedSlope, expectedLogCdf) => {
    expectRelative(`logH(${z})`, logH(z), expectedLogH, 1e-12);
    expectRelative(`logHSlope(${z})`, logHSlope(z), expectedSlope, 1e-11);
    expectRelative(`logNormalCdf(${z})`, logNormalCdf(z), expectedLogCdf, 1e-12);
  });

  test('erfcx against mpmath (exp(x²)·erfc(x), 40 digits) on both sides of the switch at 1.5', () => {
    const table: Array<[number, number]> = [
      [0, 1],
      [0.5, 0.61569034419292587487],
      [0.7, 0.52593033734944095732],
      [1.4999, 0.32160177950763408916],
      [1.5, 0.32158541645431750235],
      [1.999999, 0.25539578310700940012],
      [2, 0.25539567631050574387],
      [3, 0.17900115118138995042],
      [10, 0.056140992743822585858],
      [30, 0.018795888861416751497],
      [1e6, 5.6418958354747419216e-7],
    ];
    for (const [x, expected] of table) expectRelative(`erfcx(${x})`, erfcx(x), expected, 2e-14);
  });

  test('finite, never NaN, increasing, and continuous across its branches for |z| up to 1e150', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e150, max: 1e150, noNaN: true }), (z) => {
        const v = logH(z);
        expect(Number.isFinite(v), `logH(${z}) = ${v}`).toBe(true);
        expect(Number.isFinite(logHSlope(z)), `logHSlope(${z})`).toBe(true);
        expect(Number.isFinite(logNormalCdf(z)), `logNormalCdf(${z})`).toBe(true);
        expect(logHSlope(z)).toBeGreaterThan(0);
        expect(logH(z + Math.max(1e-6, Math.abs(z) * 1e-9))).toBeGreaterThanOrEqual(v);
      }),
      { numRuns: 2000 },
    );
    for (const edge of [-1, -40]) {
      const below = logH(edge - 1e-12);
      const above = logH(edge + 1e-12);
      expect(Math.abs(above - below)).toBeLessThan(1e-10 * Math.abs(above));
    }
  });

  test('EI underflows to 0 far from the incumbent, LogEI keeps a finite value and slope', () => {
    // μ = 50, s = 1, best = 0: EI = h(−50) ≈ 1.9e-546 is below the smallest double.
    const direct = 1 * (Math.exp(-0.5 * 50 * 50) / Math.sqrt(2 * Math.PI) - 50 * 0.5 * Math.exp(-0.5 * 50 * 50));
    expect(direct).toBe(0);
    const s = score('EI', 50, 1, 0);
    expect(Number.isFinite(s.value)).toBe(true);
    expect(s.value).toBeLessThan(-1200);
    expect(s.dMean).toBeLessThan(0); // a lower mean is better
    expect(s.dSd).toBeGreaterThan(0); // more uncertainty is better
  });
});

describe('acquisition functions', () => {
  test('LogEI is log(s·h(z)) where EI is representable, PI is log Φ with the margin, LCB is κs − μ', () => {
    // A hand case: μ = best, s = 2: EI = 2·φ(0) = 2/√(2π); PI = Φ(−ξ/2); LCB value = 2κ − μ.
    expectRelative('LogEI', scoreValue('EI', 0.3, 2, 0.3), Math.log(2 / Math.sqrt(2 * Math.PI)), 1e-15);
    expectRelative('LogPI', scoreValue('PI', 0.3, 2, 0.3), logNormalCdf(-PI_MARGIN / 2), 1e-15);
    expect(scoreValue('LCB', 0.3, 2, 0.3)).toBe(2 * KAPPA - 0.3);
    const rng = createRng('log-ei-test', 'direct');
    for (let k = 0; k < 200; k++) {
      const mean = rng.normal() * 2;
      const sd = 0.01 + rng.next() * 3;
      const best = rng.normal();
      const z = (best - mean) / sd;
      if (z < -30) continue;
      // EI = (best − μ)·Φ(z) + s·φ(z), with Φ from the complementary error function of erfcx.
      const cdf = Math.exp(logNormalCdf(z));
      const ei = (best - mean) * cdf + (sd * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI);
      expectRelative(`LogEI(μ=${mean}, s=${sd}, best=${best})`, scoreValue('EI', mean, sd, best), Math.log(ei), 1e-9);
    }
  });

  test.each(['EI', 'PI', 'LCB'] as const)('%s: derivatives in μ and s match central differences', (name) => {
    const rng = createRng('log-ei-test', name);
    for (let k = 0; k < 200; k++) {
      const mean = rng.normal() * 3;
      const sd = 0.05 + rng.next() * 2;
      const best = rng.normal();
      const s = score(name, mean, sd, best);
      expect(s.value).toBe(scoreValue(name, mean, sd, best));
      const h = 1e-6;
      const dMean = (scoreValue(name, mean + h, sd, best) - scoreValue(name, mean - h, sd, best)) / (2 * h);
      const dSd = (scoreValue(name, mean, sd + h, best) - scoreValue(name, mean, sd - h, best)) / (2 * h);
      expect(Math.abs(s.dMean - dMean), `∂/∂μ at μ=${mean}, s=${sd}, best=${best}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(dMean)));
      expect(Math.abs(s.dSd - dSd), `∂/∂s at μ=${mean}, s=${sd}, best=${best}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(dSd)));
    }
  });

  test('millsRatio is φ/Φ, about |z| in the far lower tail', () => {
    expectRelative('millsRatio(0)', millsRatio(0), 2 / Math.sqrt(2 * Math.PI), 1e-15);
    expectRelative('millsRatio(-1e8)', millsRatio(-1e8), 1e8, 1e-15);
  });

  test('GP-Hedge picks nominee j with probability exp(gⱼ)/Σ exp(g) (10 000 draws, ±4 SE)', () => {
    const gains = [0, -1, 0.5];
    const total = gains.reduce((a, g) => a + Math.exp(g), 0);
    const counts = [0, 0, 0];
    const rng = createRng('log-ei-test', 'hedge');
    const draws = 10_000;
    for (let k = 0; k < draws; k++) counts[hedgeChoice(gains, rng)]!++;
    gains.forEach((g, j) => {
      const p = Math.exp(g) / total;
      const se = Math.sqrt((p * (1 - p)) / draws);
      expect(Math.abs(counts[j]! / draws - p), `nominee ${j}`).toBeLessThan(4 * se);
    });
  });
});
