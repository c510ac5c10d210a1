import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { latinHypercube, maximinLatinHypercube, smallestSquaredDistance } from '../../../algorithms/bayesianoptimization/design.js';
import { minimizeInBox, type BoxProblem } from '../../../algorithms/bayesianoptimization/lbfgsb.js';
import { createRng } from '../../../src/rng.js';

const rosenbrock = (lower: number[], upper: number[]): BoxProblem => ({
  lower,
  upper,
  evaluate: (x, g) => {
    const [a, b] = [x[0]!, x[1]!];
    g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
    g[1] = 200 * (b - a * a);
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  },
});

describe('projected L-BFGS', () => {
  test('finds the minimum of Rosenbrock’s valley, (1, 1), from the textbook start (−1.2, 1)', () => {
    const result = minimizeInBox(rosenbrock([-5, -5], [5, 5]), [-1.2, 1], { maxIterations: 500, maxEvaluations: 1000, gradientTolerance: 1e-9, relativeTolerance: 0 });
    expect(Math.abs(result.x[0]! - 1)).toBeLessThan(1e-6);
    expect(Math.abs(result.x[1]! - 1)).toBeLessThan(1e-6);
    expect(result.value).toBeLessThan(1e-12);
  });

  test('stops on a bound when the minimum lies outside the box (KKT: the gradient points outward)', () => {
    // Rosenbrock in [−2, 0.5] × [−2, 2]: the constrained minimum has a = 0.5 and b = a² = 0.25.
    const result = minimizeInBox(rosenbrock([-2, -2], [0.5, 2]), [-1.2, 1], { maxIterations: 500, maxEvaluations: 1000, gradientTolerance: 1e-9, relativeTolerance: 0 });
    expect(result.x[0]).toBe(0.5);
    expect(Math.abs(result.x[1]! - 0.25)).toBeLessThan(1e-6);
    const g = new Float64Array(2);
    rosenbrock([-2, -2], [0.5, 2]).evaluate(result.x, g);
    expect(g[0]).toBeLessThan(0); // pushing a further up, which the bound forbids
  });

  test('random convex quadratics in a box: the projected gradient vanishes at the answer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (seed) => {
        const rng = createRng('optimizer-test', seed);
        const n = 1 + rng.int(8);
        // f = ½ Σ cᵢ (xᵢ − tᵢ)² + ε (Σ xᵢ)², curvature cᵢ in [0.1, 100], targets in [−2, 2], box [−1, 1].
        const c = Array.from({ length: n }, () => 0.1 * 1000 ** rng.next());
        const t = Array.from({ length: n }, () => 4 * rng.next() - 2);
        const problem: BoxProblem = {
          lower: new Array(n).fill(-1),
          upper: new Array(n).fill(1),
          evaluate: (x, g) => {
            let sum = 0;
            for (let i = 0; i < n; i++) sum += x[i]!;
            let f = 0.1 * sum * sum;
            for (let i = 0; i < n; i++) {
              f += 0.5 * c[i]! * (x[i]! - t[i]!) ** 2;
              g[i] = c[i]! * (x[i]! - t[i]!) + 0.2 * sum;
            }
            return f;
          },
        };
        const result = minimizeInBox(problem, new Array(n).fill(0), { maxIterations: 400, maxEvaluations: 2000, gradientTolerance: 1e-8, relativeTolerance: 0 });
        const g = new Float64Array(n);
        problem.evaluate(result.x, g);
        for (let i = 0; i < n; i++) {
          const projected = result.x[i]! - Math.min(1, Math.max(-1, result.x[i]! - g[i]!));
          expect(Math.abs(projected), `coordinate ${i} of ${n}, seed ${seed}`).toBeLessThan(1e-6);
        }
      }),
      { numRuns: 100 },
    );
  });

  test('a start where f is not finite returns at once; a step into non-finite values backs off', () => {
    const nowhere = minimizeInBox({ lower: [0], upper: [1], evaluate: () => NaN }, [0.5]);
    expect(nowhere.evaluations).toBe(1);
    // f = −log(x) + x on (0, 2], infinite at 0: the minimum is x = 1.
    const result = minimizeInBox(
      { lower: [0], upper: [2], evaluate: (x, g) => { g[0] = -1 / x[0]! + 1; return x[0]! > 0 ? -Math.log(x[0]!) + x[0]! : Infinity; } },
      [0.01],
      { gradientTolerance: 1e-10 },
    );
    expect(Math.abs(result.x[0]! - 1)).toBeLessThan(1e-6);
  });
});

describe('Latin hypercube designs', () => {
  test('every coordinate has exactly one point in each of the count strata', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 1000 }), (count, d, seed) => {
        const design = latinHypercube(count, d, createRng('design-test', seed));
        for (let j = 0; j < d; j++) {
          const strata = Array.from({ length: count }, (_, i) => Math.floor(design[i * d + j]! * count)).sort((a, b) => a - b);
          expect(strata).toEqual(Array.from({ length: count }, (_, i) => i));
        }
      }),
    );
  });

  test('the maximin choice spreads points at least as well as any single random hypercube drawn from the same stream', () => {
    const rng = createRng('design-test', 'maximin');
    const best = maximinLatinHypercube(10, 3, rng, 20);
    const again = createRng('design-test', 'maximin');
    const candidates = Array.from({ length: 20 }, () => smallestSquaredDistance(latinHypercube(10, 3, again), 10, 3));
    expect(smallestSquaredDistance(best, 10, 3)).toBe(Math.max(...candidates));
  });
});
