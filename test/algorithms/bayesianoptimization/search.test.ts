import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scoreValue, type AcquisitionName } from '../../../algorithms/bayesianoptimization/acquisition.js';
import { coordinateOf, encodingOf, placeInPlace, valueAt } from '../../../algorithms/bayesianoptimization/encoding.js';
import { modelAt } from '../../../algorithms/bayesianoptimization/fit.js';
import { maximizeAcquisitions } from '../../../algorithms/bayesianoptimization/maximize.js';
import { fitYeoJohnson, standardize, warpedValues, yeoJohnson } from '../../../algorithms/bayesianoptimization/outputs.js';
import { predict, workspaceFor } from '../../../algorithms/bayesianoptimization/posterior.js';
import { createRng } from '../../../src/rng.js';
import { compileSpace } from '../../../src/search-space/index.js';
import { parametersArbitrary } from '../../support/arbitraries.js';

describe('acquisition maximisation', () => {
  /** A GP on [0, 1]^d through points of a wiggly function, at fixed hyperparameters. */
  function wiggly(d: number, n: number, seed: string) {
    const rng = createRng('search-test', seed);
    const x = Float64Array.from({ length: n * d }, () => rng.next());
    const y = standardize(Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += Math.sin(7 * x[i * d + j]! + j);
      return s;
    }));
    const best = Math.min(...y);
    return modelAt({ x, y, n, d, categorical: new Uint8Array(d) }, [...new Array(d).fill(Math.log(0.15)), Math.log(1e-6)], best)!;
  }

  test.each(['EI', 'PI', 'LCB'] as AcquisitionName[])('%s in 1-D: at least the maximum over a grid of 20 001 points', (name) => {
    const model = wiggly(1, 8, `1d-${name}`);
    const work = workspaceFor(model);
    const space = compileSpace([{ name: 'x', parameterType: 'double', feasibleSpace: { min: '0', max: '1' } }]);
    const [nominee] = maximizeAcquisitions(model, work, { encoding: encodingOf(space), names: [name], rng: createRng('search-test', name), candidates: 64, anchors: [], starts: 5 });
    let gridBest = -Infinity;
    for (let i = 0; i <= 20_000; i++) {
      const { mean, variance } = predict(model, [i / 20_000], work);
      gridBest = Math.max(gridBest, scoreValue(name, mean, Math.sqrt(variance), model.best));
    }
    // The grid step 5e-5 leaves the grid up to ~1e-8 below the true maximum; gradient refinement must not be below it.
    expect(nominee!.value, `${name}: refined ${nominee!.value} at ${nominee!.point[0]}, grid ${gridBest}`).toBeGreaterThanOrEqual(gridBest - 1e-9);
  });

  test('in 2-D, refinement beats screening alone, and the reported value is the acquisition at the point', () => {
    const model = wiggly(2, 20, '2d');
    const work = workspaceFor(model);
    const space = compileSpace(['x', 'y'].map((name) => ({ name, parameterType: 'double' as const, feasibleSpace: { min: '0', max: '1' } })));
    const encoding = encodingOf(space);
    for (let seed = 0; seed < 5; seed++) {
      const options = { encoding, names: ['EI'] as AcquisitionName[], candidates: 200, anchors: [] };
      const [refined] = maximizeAcquisitions(model, work, { ...options, rng: createRng('search-test', '2d', seed), starts: 5 });
      const [screened] = maximizeAcquisitions(model, work, { ...options, rng: createRng('search-test', '2d', seed), starts: 0 });
      expect(refined!.value).toBeGreaterThan(screened!.value);
      const { mean, variance } = predict(model, refined!.point, work);
      expect(refined!.value).toBe(scoreValue('EI', mean, Math.sqrt(variance), model.best));
    }
  });

  test('nominees over any space are valid GP points: ordered coordinates at cell centres, categorical ones whole indices', () => {
    fc.assert(
      fc.property(parametersArbitrary(), fc.integer({ min: 0, max: 1000 }), (parameters, seed) => {
        const space = compileSpace(parameters);
        const encoding = encodingOf(space);
        const d = space.domains.length;
        const rng = createRng('search-test', 'spaces', seed);
        const n = 6;
        const x = new Float64Array(n * d);
        for (let i = 0; i < n * d; i++) x[i] = rng.next();
        for (let i = 0; i < n; i++) placeInPlace(encoding, x, i * d);
        const y = standardize(Array.from({ length: n }, () => rng.normal()));
        const model = modelAt({ x, y, n, d, categorical: encoding.categorical }, [...new Array(d).fill(Math.log(0.3)), Math.log(1e-4)], Math.min(...y))!;
        const nominees = maximizeAcquisitions(model, workspaceFor(model), { encoding, names: ['EI', 'PI', 'LCB'], rng, candidates: 40, anchors: [x.slice(0, d)], starts: 2 });
        for (const nominee of nominees) {
          encoding.coordinates.forEach((c, j) => {
            const v = nominee.point[j]!;
            const where = `coordinate ${j} = ${v} of ${JSON.stringify(parameters)}`;
            if (c.kind === 'ordered') expect(c.snap(v), where).toBe(v);
            else if (c.kind === 'categorical') expect(Number.isInteger(v) && v >= 0 && v < c.size, where).toBe(true);
            else expect(v >= 0 && v <= 1, where).toBe(true);
          });
          // And the point decodes to values of the space whose coordinates are the point again,
          // up to rounding: a range 1e-3 wide at ±1000 (the arbitraries' extremes) keeps only
          // about 1e-10 of a unit coordinate through value and back.
          space.domains.forEach((domain, j) => {
            const v = nominee.point[j]!;
            const back = coordinateOf(domain, valueAt(domain, v));
            expect(Math.abs(back - v), `coordinate ${j} = ${v} of ${JSON.stringify(parameters)} comes back as ${back}`).toBeLessThanOrEqual(1e-9);
          });
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('output warping (Yeo–Johnson)', () => {
  test('the transform at hand-computed points', () => {
    // λ = 0, y ≥ 0: log(1 + y); λ = 2, y < 0: −log(1 − y); λ = ½: ((1+y)^½ − 1)/½ and −((1−y)^{3/2} − 1)/(3/2).
    expect(yeoJohnson(3, 0)).toBe(Math.log(4));
    expect(yeoJohnson(-1, 2)).toBe(-Math.log(2));
    expect(yeoJohnson(3, 0.5)).toBe(2);
    expect(yeoJohnson(-3, 0.5)).toBeCloseTo(-14 / 3, 14);
    expect(yeoJohnson(-0.7, 1)).toBeCloseTo(-0.7, 15); // λ = 1 is the identity
    expect(yeoJohnson(2.5, 1)).toBeCloseTo(2.5, 15);
  });

  test('increasing in y for every λ in [−2, 2] (|y| ≤ 10, where a step of 1e-3 stays above rounding)', () => {
    fc.assert(
      fc.property(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: 1e-3, max: 10, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), (y, step, lambda) => {
        expect(yeoJohnson(y + step, lambda)).toBeGreaterThan(yeoJohnson(y, lambda));
      }),
    );
  });

  test('λ by maximum likelihood: about 1 for normal data, well below 1 for heavy right tails', () => {
    const rng = createRng('search-test', 'yeo-johnson');
    const normal = standardize(Array.from({ length: 400 }, () => rng.normal()));
    expect(Math.abs(fitYeoJohnson(normal) - 1)).toBeLessThan(0.2);
    const skewed = standardize(Array.from({ length: 400 }, () => Math.exp(2 * rng.normal())));
    expect(fitYeoJohnson(skewed)).toBeLessThan(0.3);
    // The warped values keep the order of the raw ones, standardised again.
    const raw = Array.from({ length: 50 }, () => Math.exp(3 * rng.normal()));
    const warped = warpedValues(raw);
    const order = (v: ArrayLike<number>) => Array.from(v, (_, i) => i).sort((a, b) => v[a]! - v[b]!);
    expect(order(warped)).toEqual(order(raw));
    const mean = warped.reduce((a, b) => a + b, 0) / warped.length;
    expect(Math.abs(mean)).toBeLessThan(1e-12);
  });
});
