import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { initialDistribution, type Distribution } from '../../../algorithms/cmaes/distribution.js';
import { applyMargin, correctCoordinate, defaultMargin } from '../../../algorithms/cmaes/margin.js';
import { ndtr as normalCdf } from '../../../algorithms/math/normal.js';
import { strategyParameters } from '../../../algorithms/cmaes/parameters.js';
import { cellOf, encode, sampleCandidate } from '../../../algorithms/cmaes/sample.js';
import { updateDistribution } from '../../../algorithms/cmaes/update.js';
import { createRng } from '../../../src/rng.js';
import { expectClose, REFERENCE } from './reference.js';

/*
 * Reference: cmaes 0.13.1 `CMAwM` (the margin implementation adapted from the paper's
 * authors' code) on a 2-D space of two integer coordinates, x0 ∈ {0..4} and x1 ∈ {0, 1}
 * (thresholds 0.5, 1.5, 2.5, 3.5 and 0.5), margin α = 1/(n λ) = 1/12: the internal mean,
 * σ, C and A were set to each row's values, the update itself stubbed out, and `tell`
 * called so that only the margin correction ran.
 *
 * Hand check, row 5, x1: m = −0.3 lies in the lower outermost cell and σ A √C_11 =
 * 0.02 · 2 · √0.5 = 0.028284 makes crossing 0.5 impossible, so the mean moves to
 * 0.5 − 0.028284 · Φ⁻¹(1 − 1/12) = 0.5 − 0.028284 · 1.38299 = 0.460883.
 */
const ROWS = [
  { mean: [2.1, 0.2], sigma: 0.05, C: [1, 0, 0, 1], A: [1, 1], newMean: [2.0, 0.4308502936449681], newA: [5.774791017470367, 1.0] },
  { mean: [2.4, 0.9], sigma: 0.3, C: [1, 0.3, 0.3, 0.5], A: [1.5, 1], newMean: [2.3772042856400337, 0.7933773576842094], newA: [1.6885571430668587, 1.0] },
  { mean: [0.3, 0.7], sigma: 1.0, C: [1, 0, 0, 1], A: [1, 1], newMean: [0.3, 0.7], newA: [1.0, 1.0] },
  { mean: [3.0, 0.4], sigma: 1.0, C: [1, 0, 0, 1], A: [1, 1], newMean: [3.0, 0.4], newA: [0.9999999999999996, 1.0] },
  { mean: [4.6, -0.3], sigma: 0.02, C: [2, 0, 0, 0.5], A: [0.7, 2], newMean: [3.5273818867171927, 0.46088301897543876], newA: [0.7, 2.0] },
];
const KINDS = { thresholds: [Float64Array.from([0.5, 1.5, 2.5, 3.5]), Float64Array.from([0.5])] };

function distributionOf(row: (typeof ROWS)[number]): Distribution {
  const base = initialDistribution(strategyParameters(2), row.mean, row.sigma);
  return { ...base, C: Float64Array.from(row.C), A: Float64Array.from(row.A) };
}

describe('margin correction (Hamano et al. 2022, §4)', () => {
  test.each(ROWS)('mean $mean, σ $sigma, A $A: matches cmaes 0.13.1 CMAwM to 1e-12', (row) => {
    expect(defaultMargin(2, 6)).toBe(1 / 12);
    const corrected = applyMargin(distributionOf(row), KINDS, 1 / 12);
    row.newMean.forEach((m, j) => expect(Math.abs((corrected.mean[j] as number) - m), `mean[${j}]`).toBeLessThanOrEqual(1e-12));
    row.newA.forEach((a, j) => expect(Math.abs((corrected.A[j] as number) - a), `A[${j}]`).toBeLessThanOrEqual(1e-12 * a));
    // Nothing else changes.
    expect(corrected.sigma).toBe(row.sigma);
    expect(Array.from(corrected.C)).toEqual(row.C);
  });

  /*
   * A whole CMA-ES with Margin run against cmaes 0.13.1 `CMAwM.tell` (fixtures/cmaes_reference.py):
   * x0 continuous, x1 ∈ {0..4}, x2 ∈ {0, 1}, α = 1/(3 · 7), 30 generations told the same
   * raw points (CMAwM's x_for_tell). Each generation's points must encode to the same
   * values, and after each update and correction the mean, σ, C and A must agree. Both
   * corrections occur: x1's A grows to 2.49 (inner cells), and in several generations
   * x2's mean is moved so that crossing the binary threshold has probability exactly α.
   */
  test('30 generations of a mixed-integer run: encoding, update and correction match cmaes 0.13.1 CMAwM to 1e-12', () => {
    const c = REFERENCE.margin[0]!;
    const kinds = { thresholds: c.thresholds!.map((t) => (t ? Float64Array.from(t) : undefined)) };
    let dist = initialDistribution(strategyParameters(3), c.mean, c.sigma);
    expect(dist.params.lambda).toBe(c.lambda);
    expect(defaultMargin(3, c.lambda)).toBe(c.margin);
    let heldAtMargin = 0;
    c.generations.forEach((g, k) => {
      const at = `generation ${k + 1}`;
      g.xs.forEach((x, i) => {
        const cells = encode(dist, kinds, x);
        expect([x[0], cells[1], cells[2]], `${at} point ${i}`).toEqual(g.encoded![i]);
      });
      dist = applyMargin(updateDistribution(dist, g.xs, g.fs), kinds, c.margin!);
      expectClose(dist.mean, g.mean, 1e-12, `${at} mean`);
      expectClose([dist.sigma], [g.sigma], 1e-12, `${at} sigma`);
      expectClose(dist.C, g.C!, 1e-12, `${at} C`);
      expectClose(dist.A, g.A!, 1e-12, `${at} A`);
      const across = normalCdf(-((dist.mean[2] as number) - 0.5) / (dist.sigma * Math.sqrt(dist.C[8] as number)));
      if (Math.abs(across - c.margin!) < 1e-12) heldAtMargin++;
    });
    expect(dist.A[1]).toBeGreaterThan(2.4);
    expect(heldAtMargin).toBeGreaterThan(3);
  });

  test('continuous coordinates are left alone, and a distribution needing no correction is returned as is', () => {
    const dist = distributionOf(ROWS[0]!);
    expect(applyMargin(dist, { thresholds: [undefined, undefined] }, 1 / 12)).toBe(dist);
    const mixed = applyMargin(dist, { thresholds: [undefined, Float64Array.from([0.5])] }, 1 / 12);
    expect(mixed.mean[0]).toBe(2.1);
    expect(mixed.A[0]).toBe(1);
    expect(Math.abs((mixed.mean[1] as number) - 0.4308502936449681)).toBeLessThan(1e-12);
  });

  test('afterwards every discrete coordinate keeps probability ≥ α outside its cell (≥ α/2 on each side of an inner cell)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 9 }),
        fc.double({ min: -1, max: 2, noNaN: true }),
        fc.double({ min: -9, max: 1, noNaN: true }),
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        fc.double({ min: 0.005, max: 0.2, noNaN: true }),
        (k, m, logSd, a, alpha) => {
          // The unit-cube cells of a k-valued ladder: thresholds i/k.
          const thresholds = Float64Array.from({ length: k - 1 }, (_, i) => (i + 1) / k);
          const sd = 10 ** logSd;
          const out = correctCoordinate(m, a, sd, thresholds, alpha);
          const scale = out.A * sd;
          const cell = cellOf(thresholds, out.mean);
          const inputs = JSON.stringify({ k, m, sd, a, alpha, out });
          const below = cell > 0 ? normalCdf(((thresholds[cell - 1] as number) - out.mean) / scale) : 0;
          const above = cell < k - 1 ? normalCdf((out.mean - (thresholds[cell] as number)) / scale) : 0;
          // Rounding the mean (to ~1e-16 absolute) moves a tail by up to φ · 1e-16 / scale.
          const slack = 1e-9 * alpha + (1e-15 * (1 + Math.abs(out.mean))) / scale;
          if (cell === 0 || cell === k - 1) expect(below + above, inputs).toBeGreaterThanOrEqual(alpha - slack);
          else {
            expect(below, inputs).toBeGreaterThanOrEqual(alpha / 2 - slack);
            expect(above, inputs).toBeGreaterThanOrEqual(alpha / 2 - slack);
          }
          // The mean stays in the cell it was in (the correction widens, it does not jump).
          expect(cell, inputs).toBe(cellOf(thresholds, m));
        },
      ),
      { numRuns: 400 },
    );
  });

  test('sampling after the correction: a collapsed integer coordinate still leaves its cell about α of the time', () => {
    // One discrete coordinate with 5 values in the unit cube, σ tiny: without the margin every sample would encode to the mean's cell.
    const thresholds = Float64Array.from([0.2, 0.4, 0.6, 0.8]);
    const kinds = { thresholds: [thresholds] };
    const alpha = defaultMargin(1, 4);
    const dist = applyMargin(initialDistribution(strategyParameters(1), [0.5], 1e-6), kinds, alpha);
    const rng = createRng('margin-sampling');
    const draws = 20000;
    let outside = 0;
    for (let i = 0; i < draws; i++) if ((sampleCandidate(dist, kinds, rng).cells[0] as number) !== 2) outside++;
    // Binomial(20000, α = 0.25): standard error √(α(1−α)/20000) = 0.0031; ±5 SE.
    expect(Math.abs(outside / draws - alpha)).toBeLessThan(5 * Math.sqrt((alpha * (1 - alpha)) / draws));
  });
});
