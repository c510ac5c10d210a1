import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ndtr } from '../../../algorithms/math/normal.js';
import { buildMixture, logDensity, sampleMixture, truncatedNormal, type CellOf, type DimensionKind, type Mixture, type Point } from '../../../algorithms/tpe/parzen.js';
import { createRng } from '../../../src/rng.js';
import { plainLogDensity } from './plain-density.js';

/*
 * Reference numbers come from hand derivations (the bandwidths, weights, categorical
 * probabilities) and, for the normal CDF and density, from Python 3.11.7's statistics
 * module with this helper (the Parzen log density of weighted truncated-normal kernels
 * (w, μ, σ) on [0, 1]):
 *
 *   from statistics import NormalDist; from math import log
 *   N = NormalDist()
 *   Z = lambda m, s: N.cdf((1 - m) / s) - N.cdf(-m / s)          # truncation normaliser
 *   f = lambda x, m, s: N.pdf((x - m) / s) / (s * Z(m, s))         # kernel density on [0, 1]
 *   mix = lambda x, ks: log(sum(w * f(x, m, s) for w, m, s in ks) / sum(w for w, _, _ in ks))
 *   cell = lambda a, b, m, s: (N.cdf((b - m) / s) - N.cdf((a - m) / s)) / Z(m, s)
 *
 * NormalDist's cdf, 0.5·(1 + erf(z/√2)), is accurate to about 1e-16 absolute, and every
 * normaliser and cell mass below is at least 0.1, so the references are good to ~1e-15
 * relative. Log densities are compared to 1e-12 absolute, i.e. densities to 1e-12 relative.
 */

const continuous: DimensionKind = { kind: 'continuous' };
const cells: DimensionKind = { kind: 'cells' };
const categorical = (size: number): DimensionKind => ({ kind: 'categorical', size });

const numeric = (mixture: Mixture, d = 0) => {
  const kernel = mixture.kernels[d];
  if (kernel?.kind !== 'numeric') throw new Error(`dimension ${d} is not numeric`);
  return kernel;
};

function expectLogDensities(label: string, actual: Float64Array, points: readonly Point[], expected: readonly number[], tolerance = 1e-12): void {
  expected.forEach((e, i) => {
    const a = actual[i] as number;
    const error = Math.abs(a - e);
    expect(error <= tolerance, `${label} at ${JSON.stringify(points[i])}: log density ${a}, expected ${e} (error ${error.toExponential(2)} > ${tolerance})`).toBe(true);
  });
}

describe('buildMixture: bandwidths by the neighbour rule', () => {
  // consider_endpoints = False (Optuna): sort the observations between the endpoints 0 and 1;
  // each kernel is as wide as the larger gap to its neighbours, except that with two or more
  // observations the outermost ones take the gap to their inner neighbour. Then the magic
  // clip, σ ∈ [1/min(100, K + 1), 1] with K = n + 1 kernels. The prior kernel is last: σ = 1.
  const rows: Array<[label: string, observed: number[], sigma: number[]]> = [
    ['no observations: the prior alone', [], [1]],
    // [0, 0.2, 1]: max(0.2 − 0, 1 − 0.2) = 0.8 (a lone observation uses both gaps); clip 1/3.
    ['one observation', [0.2], [0.8, 1]],
    // [0, 0.2, 0.7, 1]: both outermost, σ = 0.7 − 0.2 = 0.5; clip 1/4.
    ['two observations', [0.2, 0.7], [0.5, 0.5, 1]],
    // sorted [0, 0.1, 0.4, 0.65, 1]: 0.1 → 0.4 − 0.1 = 0.3; 0.4 → max(0.3, 0.25) = 0.3;
    // 0.65 → 0.65 − 0.4 = 0.25; clip 1/5. Listed in observation order.
    ['three observations, unequal widths, unsorted', [0.65, 0.1, 0.4], [0.25, 0.3, 0.3, 1]],
    // sorted [0, 0.1, 0.2, 0.5, 0.9, 1]: 0.1 → 0.1, clipped to 1/6; 0.2 → max(0.1, 0.3);
    // 0.5 → max(0.3, 0.4); 0.9 → 0.9 − 0.5.
    ['four observations, the first clipped', [0.1, 0.2, 0.5, 0.9], [1 / 6, 0.3, 0.4, 0.4, 1]],
    // gaps of 0.01 are clipped to 1/min(100, 5) = 0.2.
    ['the magic clip biting', [0.5, 0.51, 0.52], [0.2, 0.2, 0.2, 1]],
    // a zero gap is clipped to 1/4.
    ['duplicate observations', [0.3, 0.3], [0.25, 0.25, 1]],
    // sorted [0, 0.3, 0.3, 0.8, 1]: the first 0.3 is outermost, its inner gap 0, clipped to
    // 1/5; the second takes max(0, 0.5); 0.8 its inner gap 0.5.
    ['a duplicate at the low end', [0.3, 0.3, 0.8], [0.2, 0.5, 0.5, 1]],
    // [0, 0, 1, 1]: both gaps 1, at the upper clip.
    ['observations at the ends', [0, 1], [1, 1, 1]],
  ];
  test.each(rows)('%s', (label, observed, sigma) => {
    const mixture = buildMixture(
      observed.map((u) => [u]),
      observed.map(() => 1),
      [continuous],
      { priorWeight: 1 },
    );
    const kernel = numeric(mixture);
    expect(Array.from(kernel.mu)).toEqual([...observed, 0.5]);
    sigma.forEach((s, i) => expect(kernel.sigma[i], `${label}: σ[${i}] for ${JSON.stringify(observed)}`).toBeCloseTo(s, 14));
    expect(kernel.sigma).toHaveLength(sigma.length);
  });

  test('the clip floor is 1/100 once there are 99 or more kernels', () => {
    // 150 observations 1e-4 apart: K = 151, floor 1/min(100, 152) = 0.01.
    const observed = Array.from({ length: 150 }, (_, i) => [0.3 + i * 1e-4]);
    const kernel = numeric(buildMixture(observed, observed.map(() => 1), [continuous], { priorWeight: 1 }));
    for (let i = 0; i < 150; i++) expect(kernel.sigma[i], `σ[${i}]`).toBe(0.01);
    expect(kernel.sigma[150]).toBe(1);
  });

  test('weights are the observation weights then the prior weight, normalised', () => {
    const mixture = buildMixture([[0.65], [0.1], [0.4]], [2, 1, 1], [continuous], { priorWeight: 0.5 });
    const weights = Array.from(mixture.logWeights, Math.exp);
    [2 / 4.5, 1 / 4.5, 1 / 4.5, 0.5 / 4.5].forEach((w, i) => expect(weights[i], `w[${i}]`).toBeCloseTo(w, 15));
  });

  test('each kernel stores its log mass inside [0, 1]', () => {
    // Z = Φ((1 − μ)/σ) − Φ(−μ/σ): Python NormalDist as in the header.
    const kernel = numeric(buildMixture([[0.2], [0.7]], [1, 1], [continuous], { priorWeight: 1 }));
    [0.6006224499107662, 0.6449902230161554, 0.38292492254802624].forEach((z, i) => {
      expect(Math.abs((kernel.logMass[i] as number) - Math.log(z)), `log Z[${i}] = ${kernel.logMass[i]}, expected log ${z}`).toBeLessThanOrEqual(1e-14);
    });
  });
});

describe('logDensity: continuous dimensions', () => {
  test('two observations plus the prior (hand-derived)', () => {
    // Observations 0.2 and 0.7, weights 1, 1, prior weight 1: w = 1/3 each; σ = 0.5, 0.5, 1
    // (see the bandwidth table). Z = 0.6006224499107662, 0.6449902230161554,
    // 0.38292492254802624. At x = 0.3 the kernels are φ(0.2)/(0.5 Z₁) = 1.3021248008080708,
    // φ(−0.8)/(0.5 Z₂) = 0.8982819969171122 and φ(−0.2)/Z₃ = 1.0211993812609874, whose mean
    // is 1.0738687263287234, log 0.07126775987192586.
    const mixture = buildMixture([[0.2], [0.7]], [1, 1], [continuous], { priorWeight: 1 });
    const points = [[0], [0.3], [1]];
    // mix(x, [(1, .2, .5), (1, .7, .5), (1, .5, 1)])
    expectLogDensities('two observations', logDensity(mixture, points), points, [-0.139268178479705, 0.07126775987192586, -0.2561687486555002]);
  });

  test('three observations with unequal widths and weights', () => {
    // σ = 0.25, 0.3, 0.3 (bandwidth table), weights 2, 1, 1 and prior 0.5:
    // mix(x, [(2, .65, .25), (1, .1, .3), (1, .4, .3), (.5, .5, 1)])
    const mixture = buildMixture([[0.65], [0.1], [0.4]], [2, 1, 1], [continuous], { priorWeight: 0.5 });
    const points = [[0], [0.25], [0.5], [0.9]];
    expectLogDensities('three observations', logDensity(mixture, points), points, [-0.34255863266333764, 0.035955627697886, 0.24064176556088027, -0.39484385037523106]);
  });

  test('four observations, one kernel at the clip floor', () => {
    // mix(x, [(1, .1, 1/6), (1, .2, .3), (1, .5, .4), (1, .9, .4), (1, .5, 1)])
    const mixture = buildMixture([[0.1], [0.2], [0.5], [0.9]], [1, 1, 1, 1], [continuous], { priorWeight: 1 });
    const points = [[0.15], [0.6]];
    expectLogDensities('four observations', logDensity(mixture, points), points, [0.3438808289430875, -0.146711899521496]);
  });

  test('the magic clip biting: close observations get σ = 1/(K + 1)', () => {
    // mix(x, [(1, .5, .2), (1, .51, .2), (1, .52, .2), (1, .5, 1)])
    const mixture = buildMixture([[0.5], [0.51], [0.52]], [1, 1, 1], [continuous], { priorWeight: 1 });
    const points = [[0.5], [0.9]];
    expectLogDensities('clipped', logDensity(mixture, points), points, [0.5723540667955562, -0.7607913659882418]);
  });

  test('150 observations at the 1/100 floor', () => {
    // obs = [0.3 + i * 1e-4 for i in range(150)]; mix(x, [(1, o, .01) for o in obs] + [(1, .5, 1)])
    const observed = Array.from({ length: 150 }, (_, i) => [0.3 + i * 1e-4]);
    const mixture = buildMixture(observed, observed.map(() => 1), [continuous], { priorWeight: 1 });
    const points = [[0.3], [0.31]];
    expectLogDensities('150 observations', logDensity(mixture, points), points, [3.359824331919468, 3.5626168873443858]);
  });

  test('no observations: the prior alone, N(0.5, 1) truncated to [0, 1]', () => {
    // log φ(x − 0.5) − log Z, Z = Φ(0.5) − Φ(−0.5) = 0.38292492254802624.
    const mixture = buildMixture([], [], [continuous], { priorWeight: 1 });
    const points = [[0], [0.5], [0.8]];
    expectLogDensities('prior', logDensity(mixture, points), points, [-0.08402219950905034, 0.04097780049094946, -0.0040221995090505055]);
  });

  test('integrates to 1 over [0, 1] (composite Simpson, 10000 subintervals, to 1e-8)', () => {
    // Simpson's error is at most h⁴/180 · max|f⁗| over [0, 1], and |φ⁗| ≤ 3φ(0), so a kernel
    // of width σ contributes at most 1.2/σ⁵. With h = 1e-4: the 150 kernels of width 0.01
    // (total weight < 1, Z ≈ 1) give 1e-16/180 · 1.2e10 ≈ 6.7e-9; the first mixture, whose
    // kernels are at least 1/7 wide, about 1e-14.
    const observed = [[0.05], [0.3], [0.31], [0.62], [0.97]];
    for (const mixture of [
      buildMixture(observed, [1, 0.5, 2, 1, 1], [continuous], { priorWeight: 1 }),
      buildMixture(Array.from({ length: 150 }, (_, i) => [0.3 + i * 1e-4]), new Array<number>(150).fill(1), [continuous], { priorWeight: 1 }),
    ]) {
      const n = 10000;
      const points = Array.from({ length: n + 1 }, (_, i) => [i / n]);
      const density = Array.from(logDensity(mixture, points), Math.exp);
      let integral = 0;
      for (let i = 0; i <= n; i++) integral += (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * (density[i] as number);
      integral /= 3 * n;
      expect(Math.abs(integral - 1), `∫ density = ${integral}`).toBeLessThanOrEqual(1e-8);
    }
  });
});

describe('logDensity: cells and categorical dimensions', () => {
  // Four equal cells [i/4, (i+1)/4), as a four-value int parameter has.
  const quarterCells: CellOf = (_d, u) => {
    const i = Math.min(3, Math.floor(u * 4));
    return [i / 4, (i + 1) / 4];
  };

  test('a cells dimension: probability = kernel mass over the cell / Z', () => {
    // Observations at the centres of cells 0 and 2 (u = 0.125, 0.625): sorted
    // [0, 0.125, 0.625, 1], σ = 0.5 each, prior σ = 1, w = 1/3; Z = 0.5586471688191066,
    // 0.6677228739562764, 0.38292492254802624. P(cell) = Σ w cell(a, b, μ, σ):
    // 0.2589287320013605, 0.2773379685612302, 0.256658168761746, 0.20707513067566333.
    const mixture = buildMixture([[0.125], [0.625]], [1, 1], [cells], { priorWeight: 1 });
    const points = [[0.125], [0.375], [0.625], [0.875]];
    const actual = logDensity(mixture, points, quarterCells);
    expectLogDensities('cells', actual, points, [-1.3512024211656275, -1.2825184134065801, -1.3600101620710932, -1.5746736014432539]);
    const total = Array.from(actual, Math.exp).reduce((a, b) => a + b, 0);
    expect(Math.abs(total - 1), `cell probabilities sum to ${total}`).toBeLessThanOrEqual(1e-14);
  });

  test('a cells dimension depends on the cell, not on where in it the point lies', () => {
    const mixture = buildMixture([[0.125], [0.625]], [1, 1], [cells], { priorWeight: 1 });
    const [a, b, c] = logDensity(mixture, [[0.26], [0.375], [0.49]], quarterCells);
    expect(a).toBe(b);
    expect(c).toBe(b);
  });

  test('a cells dimension without observations: the prior mass of the cell', () => {
    // cell(0.25, 0.5, 0.5, 1) = (Φ(0) − Φ(−0.25)) / (Φ(0.5) − Φ(−0.5)), log −1.3556899109015283.
    const mixture = buildMixture([], [], [cells], { priorWeight: 1 });
    expectLogDensities('prior cell', logDensity(mixture, [[0.375]], quarterCells), [[0.375]], [-1.3556899109015283]);
  });

  test('categorical: each observation adds 1 to its category over a prior_weight/K floor', () => {
    // Observations 0, 2, 2 of three categories, prior weight 1: K = 4, floor 1/4.
    // Rows: obs 0 → (1.25, .25, .25)/1.75 = (5/7, 1/7, 1/7); obs 2 → (1/7, 1/7, 5/7) twice;
    // prior → (1/3, 1/3, 1/3). Mixture, w = 1/4 each:
    //   P(0) = (5/7 + 1/7 + 1/7 + 1/3)/4 = 1/3
    //   P(1) = (1/7 + 1/7 + 1/7 + 1/3)/4 = 4/21
    //   P(2) = (1/7 + 5/7 + 5/7 + 1/3)/4 = 10/21
    const mixture = buildMixture([[0], [2], [2]], [1, 1, 1], [categorical(3)], { priorWeight: 1 });
    const points = [[0], [1], [2]];
    expectLogDensities('categorical', logDensity(mixture, points), points, [Math.log(1 / 3), Math.log(4 / 21), Math.log(10 / 21)], 1e-14);
  });

  test('categorical: the prior weight sets the floor', () => {
    // Observation 1 of two categories, prior weight 3: K = 2, floor 3/2. Rows: obs →
    // (1.5, 2.5)/4; prior → (1/2, 1/2). Weights 1/4 and 3/4:
    //   P(0) = (1/4)(3/8) + (3/4)(1/2) = 15/32,  P(1) = (1/4)(5/8) + (3/4)(1/2) = 17/32.
    const mixture = buildMixture([[1]], [1], [categorical(2)], { priorWeight: 3 });
    const points = [[0], [1]];
    expectLogDensities('categorical floor', logDensity(mixture, points), points, [Math.log(15 / 32), Math.log(17 / 32)], 1e-14);
  });

  test('categorical without observations: uniform', () => {
    const mixture = buildMixture([], [], [categorical(5)], { priorWeight: 1 });
    const points = [[0], [3], [4]];
    expectLogDensities('categorical prior', logDensity(mixture, points), points, [Math.log(0.2), Math.log(0.2), Math.log(0.2)], 1e-15);
  });
});

describe('logDensity: joint mixtures', () => {
  test('two dimensions: log Σ_k w_k f_k(x) p_k(c), not the product of marginals', () => {
    // Observations (0.2, category 0) and (0.7, category 1) of two categories, prior 1.
    // Continuous kernels as in the two-observation case; categorical floor 1/3, rows
    // obs 0 → (4/3, 1/3)/(5/3) = (0.8, 0.2), obs 1 → (0.2, 0.8), prior → (0.5, 0.5).
    //   log((1/3)(f₁(x) p₁(c) + f₂(x) p₂(c) + f₃(x) p₃(c)))
    // e.g. at (0.3, 1): log((1.3021248008080708·0.2 + 0.8982819969171122·0.8
    //                        + 1.0211993812609874·0.5)/3) = −0.7000709289320163.
    const mixture = buildMixture([[0.2, 0], [0.7, 1]], [1, 1], [continuous, categorical(2)], { priorWeight: 1 });
    const points = [[0.3, 1], [0.3, 0], [0.9, 1]];
    const actual = logDensity(mixture, points);
    expectLogDensities('joint', actual, points, [-0.7000709289320163, -0.5493609230430458, -0.697067036945179]);
    // The product of the marginals at (0.3, 1) would be log(1.0738687263287234 · 0.5) = −0.6218794206880195.
    expect(Math.abs((actual[0] as number) - -0.6218794206880195)).toBeGreaterThan(0.05);
  });

  test('the joint log density is the log-sum-exp of per-kernel sums of the 1-D kernel terms', () => {
    // Recomputes the joint from the model's own μ, σ and categorical rows with the textbook
    // formula, log Σ_k exp(log w_k + Σ_d log kernel_kd(x_d)), at 50 random points of a
    // three-dimensional space.
    const observed = [[0.1, 0.8, 2], [0.4, 0.35, 0], [0.9, 0.5, 1]];
    const dims = [continuous, continuous, categorical(3)];
    const mixture = buildMixture(observed, [1, 2, 1], dims, { priorWeight: 1 });
    const rng = createRng('parzen', 'joint');
    const points = Array.from({ length: 50 }, () => [rng.next(), rng.next(), rng.int(3)]);
    const actual = logDensity(mixture, points);
    points.forEach((x, p) => {
      const expected = plainLogDensity(mixture, x);
      const error = Math.abs((actual[p] as number) - expected);
      expect(error <= 1e-12, `at ${JSON.stringify(x)}: ${actual[p]} vs ${expected}`).toBe(true);
    });
  });
});

describe('truncatedNormal', () => {
  // The r-quantile of N(μ, σ) truncated to [0, 1]: μ + σ Φ⁻¹(Φ(a) + r(Φ(b) − Φ(a))),
  // a = −μ/σ, b = (1 − μ)/σ. Python 3.11.7:
  //   pa, pb = N.cdf(-m / s), N.cdf((1 - m) / s); m + s * N.inv_cdf(pa + r * (pb - pa))
  // Tolerance 1e-12 absolute (σ times the 1e-12 of ndtri, with margin).
  const rs = [0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999];
  const rows: Array<[mu: number, sigma: number, quantiles: number[]]> = [
    [0.2, 0.5, [0.0008151989814219884, 0.0793231581323178, 0.19339969422351241, 0.38577962546545586, 0.6120261793165901, 0.800536257702922, 0.997304210533078]],
    [0.5, 1.0, [0.0010873576130440155, 0.10610703156160112, 0.2576868675533236, 0.5, 0.7423131324466765, 0.893892968438399, 0.9989126423869558]],
    [0.95, 0.05, [0.7929410321373408, 0.8811106319200346, 0.9097372351983563, 0.9399913156916554, 0.9667262863347217, 0.9848678458078629, 0.9998264486096604]],
    [0.02, 0.01, [0.00017781255433890752, 0.008273850151628053, 0.013782787830797755, 0.020285169265909175, 0.02692497533969597, 0.03294623986645134, 0.05097060509598471]],
    [1.0, 0.1, [0.6709473268508106, 0.8355146373048528, 0.8849650619623992, 0.9325510249803919, 0.9681360636035625, 0.9874338653144926, 0.9998746685534567]],
    [0.0, 0.3, [0.00037567169094775463, 0.03766588368334849, 0.09550695033123564, 0.20214444189293676, 0.3446362677752387, 0.49233628806411667, 0.9336468346242761]],
  ];
  test.each(rows)('quantiles of N(%d, %d) on [0, 1]', (mu, sigma, quantiles) => {
    rs.forEach((r, i) => {
      const actual = truncatedNormal(mu, sigma, r);
      const expected = quantiles[i] as number;
      expect(Math.abs(actual - expected) <= 1e-12, `truncatedNormal(${mu}, ${sigma}, ${r}) = ${actual}, expected ${expected}`).toBe(true);
    });
  });

  test('r = 0 and r = 1 give the ends of [0, 1]', () => {
    for (const [mu, sigma] of [[0.5, 1], [0.02, 0.01], [0.98, 0.01], [0.5, 0.01]] as const) {
      expect(truncatedNormal(mu, sigma, 0), `μ = ${mu}, σ = ${sigma}, r = 0`).toBeCloseTo(0, 12);
      expect(truncatedNormal(mu, sigma, 1), `μ = ${mu}, σ = ${sigma}, r = 1`).toBeCloseTo(1, 12);
    }
  });

  test('stays in [0, 1], is non-decreasing in r, and inverts the truncated CDF (fast-check)', () => {
    // CDF check: F(x) = (Φ((x − μ)/σ) − Φ(a)) / (Φ(b) − Φ(a)) equals r to 1e-9 absolute.
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (mu, sigma, r1, r2) => {
          const [lo, hi] = r1 <= r2 ? [r1, r2] : [r2, r1];
          const x = truncatedNormal(mu, sigma, lo);
          const y = truncatedNormal(mu, sigma, hi);
          const label = `μ = ${mu}, σ = ${sigma}, r = ${lo}, ${hi}: ${x}, ${y}`;
          expect(x >= 0 && x <= 1 && y >= 0 && y <= 1, label).toBe(true);
          expect(x <= y + 1e-12, label).toBe(true);
          const pa = ndtr(-mu / sigma);
          const pb = ndtr((1 - mu) / sigma);
          const cdf = (ndtr((x - mu) / sigma) - pa) / (pb - pa);
          expect(Math.abs(cdf - lo) <= 1e-9, `${label}: F(x) = ${cdf}`).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('sampleMixture', () => {
  // Frequencies from n = 20000 draws with a fixed seed. A frequency p̂ of an event of
  // probability p has standard error √(p(1 − p)/n) (at most 0.0036); we allow 4 standard
  // errors, which a correct sampler exceeds with probability 6e-5 per event, and fix the seed
  // so the outcome is the same on every run.
  const n = 20000;
  const withinFourSe = (label: string, count: number, total: number, p: number) => {
    const se = Math.sqrt((p * (1 - p)) / total);
    const freq = count / total;
    expect(Math.abs(freq - p) <= 4 * se, `${label}: frequency ${freq} vs probability ${p} (±${(4 * se).toFixed(4)})`).toBe(true);
  };

  test('picks components by weight, and draws every dimension from the same component', () => {
    // Observations (0.1, 0), (0.5, 1), (0.9, 2) with weights 5, 3, 2 and a prior weight of
    // 1e-9: the prior's share (1e-10) and the categorical floor (1e-9/4 per category) are
    // negligible, so the category of a draw names its component, drawn with probabilities
    // 0.5, 0.3, 0.2. The continuous kernels are N(μ, 0.4) on [0, 1] (sorted
    // [0, .1, .5, .9, 1]: every gap to the inner neighbour is 0.4), whose truncated means are
    // 0.34207293926300564, 0.5, 0.6579270607369944 and standard deviations
    // 0.23568179178959514, 0.25955167034337284, 0.23568179178959514 (Python 3.11.7:
    // μ + σ(φ(a) − φ(b))/Z and σ²(1 + (aφ(a) − bφ(b))/Z − ((φ(a) − φ(b))/Z)²)).
    const mixture = buildMixture([[0.1, 0], [0.5, 1], [0.9, 2]], [5, 3, 2], [continuous, categorical(3)], { priorWeight: 1e-9 });
    const draws = sampleMixture(mixture, n, createRng('parzen', 'components'));
    expect(draws).toHaveLength(n);
    const probabilities = [0.5, 0.3, 0.2];
    const means = [0.34207293926300564, 0.5, 0.6579270607369944];
    const sds = [0.23568179178959514, 0.25955167034337284, 0.23568179178959514];
    for (let c = 0; c < 3; c++) {
      const mine = draws.filter((d) => d[1] === c).map((d) => d[0] as number);
      withinFourSe(`component ${c}`, mine.length, n, probabilities[c] as number);
      const mean = mine.reduce((a, b) => a + b, 0) / mine.length;
      const se = (sds[c] as number) / Math.sqrt(mine.length);
      expect(Math.abs(mean - (means[c] as number)) <= 4 * se, `component ${c}: mean ${mean} vs ${means[c]} (±${4 * se})`).toBe(true);
    }
  });

  test('categorical draws follow the mixture probabilities', () => {
    // The categorical case above: P = 1/3, 4/21, 10/21.
    const mixture = buildMixture([[0], [2], [2]], [1, 1, 1], [categorical(3)], { priorWeight: 1 });
    const draws = sampleMixture(mixture, n, createRng('parzen', 'categorical'));
    [1 / 3, 4 / 21, 10 / 21].forEach((p, c) => withinFourSe(`category ${c}`, draws.filter((d) => d[0] === c).length, n, p));
  });

  test('continuous draws fall in cells with the probabilities logDensity gives', () => {
    // The cells case above: 0.2589287320013605, 0.2773379685612302, 0.256658168761746,
    // 0.20707513067566333 for the quarters of [0, 1].
    const mixture = buildMixture([[0.125], [0.625]], [1, 1], [continuous], { priorWeight: 1 });
    const draws = sampleMixture(mixture, n, createRng('parzen', 'cells'));
    for (const d of draws) expect(d[0]! >= 0 && d[0]! <= 1, `draw ${d[0]}`).toBe(true);
    [0.2589287320013605, 0.2773379685612302, 0.256658168761746, 0.20707513067566333].forEach((p, i) => {
      const count = draws.filter((d) => Math.min(3, Math.floor((d[0] as number) * 4)) === i).length;
      withinFourSe(`quarter ${i}`, count, n, p);
    });
  });

  test('kernels mostly inside [0, 1] (drawn by rejection) and mostly outside (by inversion) both follow the truncated normal', () => {
    // One kernel per mixture, built by hand: N(0.5, 0.1) keeps ~1 of its mass in [0, 1],
    // N(0.9, 0.2) about 0.69, N(0, 0.5) Φ(2) − 1/2 ≈ 0.477. Quarter probabilities are the truncated CDF's
    // differences, (Φ((b − μ)/σ) − Φ((a − μ)/σ)) / (Φ((1 − μ)/σ) − Φ(−μ/σ)).
    for (const [mu, sigma] of [[0.5, 0.1], [0, 0.5], [0.9, 0.2]] as const) {
      const kernel = buildMixture([[mu]], [1], [continuous], { priorWeight: 1 }).kernels[0] as Mixture['kernels'][number] & { kind: 'numeric' };
      const mixture: Mixture = { logWeights: Float64Array.of(0), kernels: [{ ...kernel, mu: Float64Array.of(mu), sigma: Float64Array.of(sigma) }] };
      const draws = sampleMixture(mixture, n, createRng('parzen', 'paths', mu));
      const mass = ndtr((1 - mu) / sigma) - ndtr(-mu / sigma);
      for (let i = 0; i < 4; i++) {
        const p = (ndtr((i / 4 + 0.25 - mu) / sigma) - ndtr((i / 4 - mu) / sigma)) / mass;
        const count = draws.filter((d) => Math.min(3, Math.floor((d[0] as number) * 4)) === i).length;
        withinFourSe(`N(${mu}, ${sigma}) quarter ${i}`, count, n, p);
      }
    }
  });

  test('the same generator state gives the same draws', () => {
    const mixture = buildMixture([[0.2, 1], [0.7, 0]], [1, 1], [continuous, categorical(2)], { priorWeight: 1 });
    expect(sampleMixture(mixture, 10, createRng('parzen', 'same'))).toEqual(sampleMixture(mixture, 10, createRng('parzen', 'same')));
  });
});
