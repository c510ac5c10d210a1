import { describe, expect, test } from 'vitest';
import { decompose, initialDistribution, type Distribution } from '../../../algorithms/cmaes/distribution.js';
import { strategyParameters } from '../../../algorithms/cmaes/parameters.js';
import { firstRun, nextRun } from '../../../algorithms/cmaes/restart.js';
import { appendGeneration, EMPTY_LOG, TERMINATION, terminationReason, type RunLog } from '../../../algorithms/cmaes/termination.js';
import { createRng } from '../../../src/rng.js';
import { REFERENCE } from './reference.js';

const healthy = (n = 2): Distribution => initialDistribution(strategyParameters(n), new Array(n).fill(0.5), 1 / 6);

function logOf(generations: number[][]): RunLog {
  return generations.reduce(appendGeneration, EMPTY_LOG);
}

describe('termination criteria (Hansen 2009, BBOB BIPOP-CMA-ES §2)', () => {
  test('defaults as published: TolFun 1e-12, TolX 1e-12 σ0, TolUpSigma 1e20, ConditionCov 1e14', () => {
    expect(TERMINATION).toMatchObject({ tolFun: 1e-12, tolX: 1e-12, tolUpSigma: 1e20, conditionCov: 1e14 });
  });

  test('a fresh distribution with varied values does not terminate', () => {
    expect(terminationReason(healthy(), logOf([[1, 2, 3, 4, 5, 6]]), 1 / 6)).toBeUndefined();
  });

  test('TolFun: flat values end the run exactly after 10 + ⌈30n/λ⌉ generations', () => {
    // n = 2, λ = 6: 10 + ⌈60/6⌉ = 20 generations of history.
    const flat = Array.from({ length: 20 }, () => new Array(6).fill(0.25));
    expect(terminationReason(healthy(), logOf(flat.slice(0, 19)), 1 / 6)).toBeUndefined();
    expect(terminationReason(healthy(), logOf(flat), 1 / 6)).toBe('tolfun');
    // A spread of 1e-11 in the latest generation keeps it going.
    const spread = [...flat.slice(0, 19), [0.25, 0.25, 0.25, 0.25, 0.25, 0.25 + 1e-11]];
    expect(terminationReason(healthy(), logOf(spread), 1 / 6)).toBeUndefined();
  });

  test('TolX: σ √C_ii and σ p_c below 1e-12 σ0 in every coordinate', () => {
    const tiny = { ...healthy(), sigma: 1e-14 };
    expect(terminationReason(tiny, logOf([[1, 2, 3, 4, 5, 6]]), 1 / 6)).toBe('tolx');
    expect(terminationReason({ ...tiny, pC: Float64Array.from([0, 1e3]) }, logOf([[1, 2, 3, 4, 5, 6]]), 1 / 6)).not.toBe('tolx');
  });

  test('TolUpSigma: σ/σ0 above 1e20 √(largest eigenvalue)', () => {
    expect(terminationReason({ ...healthy(), sigma: 1e20 }, logOf([[1, 2, 3, 4, 5, 6]]), 1 / 6)).toBe('tolupsigma');
  });

  test('ConditionCov: cond(C) above 1e14', () => {
    const C = Float64Array.from([1, 0, 0, 1e-15]);
    const { B, D } = decompose(C, 2);
    expect(terminationReason({ ...healthy(), C, B, D }, logOf([[1, 2, 3, 4, 5, 6]]), 1 / 6)).toBe('conditioncov');
    const C2 = Float64Array.from([1, 0, 0, 1e-13]);
    expect(terminationReason({ ...healthy(), C: C2, ...decompose(C2, 2) }, logOf([[1, 2, 3, 4, 5, 6]]), 1 / 6)).toBeUndefined();
  });

  test('NoEffectCoord and NoEffectAxis: steps that leave the mean unchanged in floating point', () => {
    const far = { ...healthy(), mean: Float64Array.from([1e20, 0.5]) };
    expect(terminationReason(far, logOf([[1, 2, 3, 4, 5, 6]]), 1 / 6)).toBe('noeffectcoord');
    const bothFar = { ...healthy(), mean: Float64Array.from([1e20, 1e20]) };
    expect(terminationReason(bothFar, logOf([[1, 2, 3, 4, 5, 6]]), 1 / 6)).toBe('noeffectaxis');
  });

  test('Stagnation: no progress of the best and median values over 120 + ⌈30n/λ⌉ generations', () => {
    // Values that slowly get worse: the recent 30 % are worse than the oldest 30 %.
    const worsening = Array.from({ length: 130 }, (_, g) => [1 + g * 1e-3, 2 + g * 1e-3, 3, 4, 5, 6]);
    expect(terminationReason(healthy(), logOf(worsening.slice(0, 129)), 1 / 6)).toBeUndefined();
    expect(terminationReason(healthy(), logOf(worsening), 1 / 6)).toBe('stagnation');
    const improving = Array.from({ length: 130 }, (_, g) => [1, 2, 3, 4, 5, 6].map((v) => v - g * 1e-3));
    expect(terminationReason(healthy(), logOf(improving), 1 / 6)).toBeUndefined();
  });

  test('maxiter ends small BIPOP runs', () => {
    expect(terminationReason(healthy(), logOf([[1, 2, 3, 4, 5, 6]]), 1 / 6, 1)).toBe('maxiter');
  });

  test('logs share arrays only along one history', () => {
    const a = logOf([[1, 2, 3, 4, 5, 6]]);
    const b = appendGeneration(a, [0, 1, 1, 1, 1, 1]);
    const c = appendGeneration(a, [9, 9, 9, 9, 9, 9]);
    expect(b.best.slice(0, b.length)).toEqual([1, 0]);
    expect(c.best.slice(0, c.length)).toEqual([1, 9]);
    expect(b.median.slice(0, b.length)).toEqual([3.5, 1]);
    expect(EMPTY_LOG.length).toBe(0);
  });
});

describe('restart strategies', () => {
  const uniforms = createRng('restart-test');

  test('none: the run goes on', () => {
    expect(nextRun('none', firstRun(6), 600, 6, uniforms)).toBeUndefined();
  });

  test('IPOP with inc_popsize 3: the population triples', () => {
    let plan = firstRun(8);
    const lambdas = [plan.lambda];
    for (let i = 0; i < 3; i++) lambdas.push((plan = nextRun('ipop', plan, 1000, 8, uniforms, 3)!).lambda);
    expect(lambdas).toEqual([8, 24, 72, 216]);
  });

  test('IPOP (Auger & Hansen 2005): the population doubles at every restart', () => {
    let plan = firstRun(6);
    const lambdas = [plan.lambda];
    for (let i = 0; i < 4; i++) {
      plan = nextRun('ipop', plan, 1000, 6, uniforms)!;
      lambdas.push(plan.lambda);
      expect(plan.sigmaFactor).toBe(1);
      expect(plan.maxGenerations).toBe(Infinity);
    }
    expect(lambdas).toEqual([6, 12, 24, 48, 96]);
  });

  test('BIPOP (Hansen 2009): large after the first run, then small runs while their budget is below the large one', () => {
    // First run: 600 evaluations, counted as small. Next: large, λ = 12.
    const first = firstRun(6);
    const large1 = nextRun('bipop', first, 600, 6, uniforms)!;
    expect(large1).toMatchObject({ regime: 'large', lambda: 12, largeRuns: 1, budgetSmall: 600, budgetLarge: 0 });
    // The large run used 2400: small runs follow while small < large.
    const small1 = nextRun('bipop', large1, 2400, 6, uniforms)!;
    expect(small1.regime).toBe('small');
    expect(small1.budgetLarge).toBe(2400);
    // λ_s = ⌊6 · 2^(U²)⌋ ∈ [6, 12) (λ_l = 12) and 10^(−2U) ∈ [0.01, 1]; at most half the large budget.
    expect(small1.lambda).toBeGreaterThanOrEqual(6);
    expect(small1.lambda).toBeLessThan(12);
    expect(small1.sigmaFactor).toBeGreaterThanOrEqual(0.01);
    expect(small1.sigmaFactor).toBeLessThanOrEqual(1);
    expect(small1.maxGenerations).toBe(Math.ceil(1200 / small1.lambda));
    const small2 = nextRun('bipop', small1, 1200, 6, uniforms)!;
    expect(small2).toMatchObject({ regime: 'small', budgetSmall: 1800 });
    // 1800 + 1200 ≥ 2400: the large regime again, with λ = 24.
    const large2 = nextRun('bipop', small2, 1200, 6, uniforms)!;
    expect(large2).toMatchObject({ regime: 'large', lambda: 24, largeRuns: 2, budgetSmall: 3000 });
    // Now λ_l = 24: small populations ⌊6 · 4^(U²)⌋ lie in [6, 24).
    const smalls = Array.from({ length: 200 }, () => nextRun('bipop', large2, 10000, 6, uniforms)!);
    for (const s of smalls) {
      expect(s.regime).toBe('small');
      expect(s.lambda).toBeGreaterThanOrEqual(6);
      expect(s.lambda).toBeLessThan(24);
    }
    // U² favours the small end: P(λ_s < 12) = P(U² < 1/2) = 0.707.
    const below = smalls.filter((s) => s.lambda < 12).length / smalls.length;
    expect(Math.abs(below - Math.SQRT1_2), `${below}`).toBeLessThan(0.13);
    expect(new Set(smalls.map((s) => s.lambda)).size).toBeGreaterThan(8);
    expect(smalls.map((s) => s.index)).toEqual(new Array(200).fill(large2.index + 1));
  });

  /*
   * The regimes, population sizes and step-size factors of a sequence of restarts, against
   * the bookkeeping of the cmaes repository's examples/bipop_cma.py (the same as Optuna 3's
   * CmaEsSampler and pycma's fmin) with pycma's limit on small runs, fed the same run
   * lengths and the same uniform draws (fixtures/cmaes_reference.py). Case 0: λ_def = 6,
   * factor 2, 11 restarts up to λ = 96; case 1: λ_def = 8, factor 3.
   */
  test.each(REFERENCE.bipop.map((c, i) => [i, c] as const))('BIPOP case %i: every plan matches the reference bookkeeping', (_, c) => {
    let k = 0;
    const given = { next: () => c.uniforms[k++] as number };
    let plan = firstRun(c.lambda0);
    c.evaluations.forEach((evaluations, i) => {
      plan = nextRun('bipop', plan, evaluations, c.lambda0, given, c.inc)!;
      const ref = c.plans[i]!;
      expect(
        { regime: plan.regime, lambda: plan.lambda, maxGenerations: plan.maxGenerations, budgetSmall: plan.budgetSmall, budgetLarge: plan.budgetLarge },
        `restart ${i + 1}`,
      ).toEqual({ regime: ref.regime, lambda: ref.lambda, maxGenerations: ref.maxGenerations ?? Infinity, budgetSmall: ref.budgetSmall, budgetLarge: ref.budgetLarge });
      expect(Math.abs(plan.sigmaFactor - ref.sigmaFactor), `restart ${i + 1} sigma factor`).toBeLessThanOrEqual(1e-15);
      expect(plan.index).toBe(i + 1);
    });
    expect(k).toBe(c.uniforms.length);
    // Both regimes occur, and small runs of more than λ_def.
    expect(new Set(c.plans.map((p) => p.regime)).size).toBe(2);
    expect(c.plans.some((p) => p.regime === 'small' && p.lambda > c.lambda0)).toBe(true);
  });
});
