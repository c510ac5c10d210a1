import fc from 'fast-check';
import { Matrix, determinant, solve as solveDense } from 'ml-matrix';
import { describe, expect, test } from 'vitest';
import { fitModel, HYPERPARAMETER_BOUNDS, modelAt } from '../../../algorithms/bayesianoptimization/fit.js';
import { minimizeInBox } from '../../../algorithms/bayesianoptimization/lbfgsb.js';
import { LENGTH_SCALE_PRIOR, logLikelihood, type TrainingData } from '../../../algorithms/bayesianoptimization/likelihood.js';
import { addFantasy, predict, workspaceFor } from '../../../algorithms/bayesianoptimization/posterior.js';
import { matern52 } from '../../../algorithms/bayesianoptimization/kernel.js';
import { createRng } from '../../../src/rng.js';

function data(points: number[][], y: number[], categorical: number[] = []): TrainingData {
  const d = points[0]!.length;
  return {
    x: Float64Array.from(points.flat()),
    y: Float64Array.from(y),
    n: points.length,
    d,
    categorical: Uint8Array.from({ length: d }, (_, i) => (categorical.includes(i) ? 1 : 0)),
  };
}

/** φ = (log ℓ₁ … log ℓ_d, log η). */
const phiOf = (lengthScales: number[], noise: number) => [...lengthScales.map(Math.log), Math.log(noise)];

function expectClose(what: string, actual: number, expected: number, relative: number): void {
  const error = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
  expect(error <= relative, `${what} = ${actual}, expected ${expected} (relative error ${error.toExponential(2)} > ${relative})`).toBe(true);
}

describe('GP posterior', () => {
  test('one observation: the closed form derived by hand', () => {
    // x₀ = 0, y₀ = 2, ℓ = 1, η = 1: C = 1 + η = 2, α = y₀/C = 1, σ̂² = y₀·α/1 = 2.
    // At p = 1/√5: r² = 1/5, s = √5·r = 1, m = (1 + 1 + 1/3)·e⁻¹ = 7/(3e).
    //   μ = m·α = 7/(3e);  s² = σ̂²·(1 − m²/C) = 2 − 49/(9e²).
    // log marginal likelihood = −½ log σ̂² − ½ log C − ½(1 + log 2π) = −log 2 − ½(1 + log 2π).
    const one = data([[0]], [2]);
    const model = modelAt(one, phiOf([1], 1), 2)!;
    expectClose('signal', model.signal, 2, 1e-15);
    const { mean, variance } = predict(model, [1 / Math.sqrt(5)], workspaceFor(model));
    expectClose('mean', mean, 7 / (3 * Math.E), 1e-14);
    expectClose('variance', variance, 2 - 49 / (9 * Math.E ** 2), 1e-14);
    expectClose('log likelihood', logLikelihood(one, Float64Array.from(phiOf([1], 1)), false)!.value, -Math.log(2) - 0.5 * (1 + Math.log(2 * Math.PI)), 1e-14);
  });

  /*
   * Three observations: references computed with mpmath 1.3.0 at 40 digits from the
   * definitions (C = [m(r²ᵢⱼ)] + ηI, α = C⁻¹y, σ̂² = yᵀα/n, μ = rᵀα,
   * s² = σ̂²(1 − rᵀC⁻¹r), L = −(n/2)log σ̂² − ½ log|C| − (n/2)(1 + log 2π)).
   */
  const tables = [
    {
      name: '1-D, ℓ = 0.5, η = 0.01',
      data: data([[0], [0.5], [1]], [1, -1, 0.5]),
      phi: phiOf([0.5], 0.01),
      signal: 2.1519365330246475,
      logLikelihood: -5.0911828941309629,
      rows: [
        { p: [0.25], mean: -0.13541373974103643, variance: 0.20854191217449912 },
        { p: [0.8], mean: -0.24611627617641041, variance: 0.19489754150905482 },
        { p: [3], mean: 0.0065353385126046139, variance: 2.1518784183326249 },
        { p: [0.5], mean: -0.96833668277442899, variance: 0.021114812975641691 },
      ],
    },
    {
      name: '2-D with a categorical second coordinate, ℓ = (0.3, 0.7), η = 0.001',
      data: data([[0.1, 0], [0.4, 1], [0.9, 0]], [0.3, -1.2, 2], [1]),
      phi: phiOf([0.3, 0.7], 0.001),
      signal: 2.0779641451033536,
      logLikelihood: -5.3289129573041739,
      rows: [
        { p: [0.2, 0], mean: 0.24975480545219607, variance: 0.32268356228204965 },
        { p: [0.2, 1], mean: -0.86481837136550887, variance: 0.92763492645094625 },
        { p: [0.6, 2], mean: 0.09404960377782849, variance: 1.8732917901813449 },
      ],
    },
  ];

  test.each(tables)('three observations, $name: mean and variance to 1e-12 relative', (t) => {
    const model = modelAt(t.data, t.phi, 0)!;
    expectClose('signal', model.signal, t.signal, 1e-13);
    expectClose('log likelihood', logLikelihood(t.data, Float64Array.from(t.phi), false)!.value, t.logLikelihood, 1e-13);
    const work = workspaceFor(model);
    for (const row of t.rows) {
      const { mean, variance } = predict(model, row.p, work);
      expectClose(`mean at ${row.p}`, mean, row.mean, 1e-12);
      expectClose(`variance at ${row.p}`, variance, row.variance, 1e-12);
    }
  });

  test('gradients of mean and variance in the point match central differences (1e-6 relative)', () => {
    const rng = createRng('gp-test', 'gradient');
    const points = Array.from({ length: 12 }, () => [rng.next(), rng.next(), rng.int(3)]);
    const train = data(points, points.map((p) => Math.sin(5 * p[0]!) + p[1]! * p[2]!), [2]);
    const model = modelAt(train, phiOf([0.3, 0.5, 1], 1e-4), 0)!;
    const work = workspaceFor(model);
    const gradient = { mean: new Float64Array(3), variance: new Float64Array(3) };
    for (let trial = 0; trial < 20; trial++) {
      const p = [rng.next(), rng.next(), rng.int(3)];
      predict(model, p, work, gradient);
      for (let i = 0; i < 2; i++) {
        const h = 1e-6;
        const up = predict(model, p.map((v, j) => (j === i ? v + h : v)), work);
        const down = predict(model, p.map((v, j) => (j === i ? v - h : v)), work);
        expect(Math.abs(gradient.mean[i]! - (up.mean - down.mean) / (2 * h))).toBeLessThan(1e-6 * Math.max(1, Math.abs(gradient.mean[i]!)));
        expect(Math.abs(gradient.variance[i]! - (up.variance - down.variance) / (2 * h))).toBeLessThan(1e-6 * Math.max(1, Math.abs(gradient.variance[i]!)));
      }
      expect(gradient.mean[2]).toBe(0); // categorical: no gradient
    }
  });

  test('kriging believer: a fantasy keeps the mean everywhere and shrinks the variance at its point', () => {
    const train = data([[0.1], [0.5], [0.9]], [0.2, -0.5, 1]);
    const model = modelAt(train, phiOf([0.3], 1e-6), -0.5, 4)!;
    const work = workspaceFor(model);
    const probes = [0, 0.3, 0.62, 0.7, 1].map((p) => [p]);
    const before = probes.map((p) => predict(model, p, work));
    addFantasy(model, [0.7], work);
    expect(model.n).toBe(4);
    probes.forEach((p, k) => {
      const after = predict(model, p, work);
      expect(Math.abs(after.mean - before[k]!.mean), `mean at ${p}`).toBeLessThan(1e-9);
      expect(after.variance).toBeLessThanOrEqual(before[k]!.variance * (1 + 1e-12));
    });
    // At the fantasy itself only the noise floor is left (η·σ² = 1e-6·σ² relative at most).
    expect(predict(model, [0.7], work).variance).toBeLessThan(1e-5 * model.signal);
  });
});

describe('log marginal likelihood', () => {
  test('equals the full GP likelihood at the profiled σ̂², which is its maximum in σ² (ml-matrix reference)', () => {
    const rng = createRng('gp-test', 'profile');
    const points = Array.from({ length: 8 }, () => [rng.next(), rng.next()]);
    const train = data(points, points.map((p) => p[0]! ** 2 - p[1]!));
    const phi = Float64Array.from(phiOf([0.4, 0.9], 0.05));
    const evaluation = logLikelihood(train, phi, false)!;
    // Full likelihood −½ yᵀK⁻¹y − ½ log|K| − (n/2) log 2π with K = σ²(R + ηI), through ml-matrix.
    const full = (signal: number): number => {
      const k = Matrix.zeros(8, 8);
      for (let a = 0; a < 8; a++) {
        for (let b = 0; b < 8; b++) {
          const r2 = ((points[a]![0]! - points[b]![0]!) / 0.4) ** 2 + ((points[a]![1]! - points[b]![1]!) / 0.9) ** 2;
          k.set(a, b, signal * (matern52(r2) + (a === b ? 0.05 : 0)));
        }
      }
      const y = Matrix.columnVector(Array.from(train.y));
      const quad = y.transpose().mmul(solveDense(k, y)).get(0, 0);
      return -0.5 * quad - 0.5 * Math.log(determinant(k)) - 4 * Math.log(2 * Math.PI);
    };
    expectClose('profile likelihood', evaluation.value, full(evaluation.signal), 1e-10);
    expect(full(evaluation.signal * 1.1)).toBeLessThan(evaluation.value);
    expect(full(evaluation.signal / 1.1)).toBeLessThan(evaluation.value);
  });

  test('its gradient matches central differences, with and without the prior, categorical coordinates included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.boolean(), (seed, withPrior) => {
        const rng = createRng('gp-test', 'likelihood', seed);
        const n = 5 + rng.int(20);
        const points = Array.from({ length: n }, () => [rng.next(), rng.next(), rng.int(3)]);
        const train = data(points, points.map((p) => Math.cos(4 * p[0]!) + p[1]! - 0.3 * p[2]! + 0.01 * rng.normal()), [2]);
        const phi = Float64Array.from([Math.log(0.05 + rng.next()), Math.log(0.05 + rng.next()), Math.log(0.2 + rng.next()), Math.log(1e-4 + 0.1 * rng.next())]);
        const prior = withPrior ? { mean: 1, sd: 1.5 } : undefined;
        const at = logLikelihood(train, phi, true, prior)!;
        for (let k = 0; k < 4; k++) {
          const h = 1e-5;
          const up = logLikelihood(train, phi.map((v, j) => (j === k ? v + h : v)), false, prior)!.value;
          const down = logLikelihood(train, phi.map((v, j) => (j === k ? v - h : v)), false, prior)!.value;
          const numeric = (up - down) / (2 * h);
          // Central differences carry O(h²) truncation and ~1e-11/h rounding: 1e-5 absolute plus 1e-5 relative.
          expect(Math.abs(at.gradient![k]! - numeric), `∂/∂φ${k} at φ = ${Array.from(phi)} (n = ${n})`).toBeLessThan(1e-5 + 1e-5 * Math.abs(numeric));
        }
      }),
      { numRuns: 40 },
    );
  });

  test('the fit at n = 200 (a climb on 100 points, then 7 steps on all) is within 2 nats of the full-data optimum', () => {
    // A smooth 6-D function on 200 uniform points; the reference optimum is L-BFGS on all
    // points from the fit's answer, run to convergence (300 evaluations). Measured gaps
    // (this code, Node 20): 1.6 nats with 7 full-data steps, 5.7 with 3, 11.7 with none.
    const rng = createRng('gp-test', 'fit-budget');
    const n = 200;
    const points = Array.from({ length: n }, () => Array.from({ length: 6 }, () => rng.next()));
    const raw = points.map((p) => p.reduce((s, v, i) => s + Math.cos((i + 1) * v) * (1 + 0.5 * v * v), 0));
    const mean = raw.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const train = data(points, raw.map((v) => (v - mean) / sd));
    const model = fitModel(train, Math.min(...train.y), { rng: createRng('gp-test', 'fit-budget', 'fit') });
    const fitted = Float64Array.from([...Array.from(model.w, (w) => -0.5 * Math.log(w)), Math.log(model.noise)]);
    const posterior = (phi: Float64Array) => logLikelihood(train, phi, false, LENGTH_SCALE_PRIOR)!.value;
    const lower = [...Array(6).fill(Math.log(HYPERPARAMETER_BOUNDS.lengthScale[0])), Math.log(HYPERPARAMETER_BOUNDS.noise[0])];
    const upper = [...Array(6).fill(Math.log(HYPERPARAMETER_BOUNDS.lengthScale[1])), Math.log(HYPERPARAMETER_BOUNDS.noise[1])];
    const optimum = minimizeInBox(
      {
        lower,
        upper,
        evaluate: (phi, gradient) => {
          const e = logLikelihood(train, phi, true, LENGTH_SCALE_PRIOR)!;
          e.gradient!.forEach((g, i) => (gradient[i] = -g));
          return -e.value;
        },
      },
      fitted,
      { maxEvaluations: 300, relativeTolerance: 1e-12, gradientTolerance: 1e-8 },
    );
    const gap = -optimum.value - posterior(fitted);
    expect(gap, `log posterior at the fit ${posterior(fitted)}, at the optimum ${-optimum.value}`).toBeLessThan(2);
    expect(gap).toBeGreaterThanOrEqual(-1e-9);
  });
});
