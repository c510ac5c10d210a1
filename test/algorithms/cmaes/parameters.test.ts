import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { defaultPopulationSize, strategyParameters } from '../../../algorithms/cmaes/parameters.js';

/*
 * Reference values: the attributes of `cmaes.CMA(mean=np.zeros(n), sigma=1)` in the cmaes
 * library 0.13.1 (CyberAgentAILab, the backend of Optuna's CmaEsSampler), which implements
 * Table 1 of Hansen's tutorial; printed with repr(), so they are exact doubles.
 *
 * Hand check for n = 2: λ = 4 + ⌊3 ln 2⌋ = 4 + ⌊2.079⌋ = 6, μ = 3; w'_i = ln 3.5 − ln i =
 * 1.2528, 0.5596, 0.1542 for i = 1..3, so μ_eff = (Σw')²/Σw'² = 3.8474²/... = 2.0286;
 * c_σ = (μ_eff + 2)/(n + μ_eff + 5) = 4.0286/9.0286 = 0.44620; d_σ = 1 + 0 + c_σ (as
 * √((μ_eff − 1)/3) < 1); c_1 = 2/(3.3² + μ_eff) = 2/12.9186 = 0.15482.
 */
const REFERENCE = [
  {
    n: 2,
    lambda: 6,
    mu: 3,
    muEff: 2.0286114646100617,
    cSigma: 0.44620498737831715,
    dSigma: 1.4462049873783172,
    cc: 0.6245545390268264,
    c1: 0.1548153998964136,
    cMu: 0.057859085071916304,
    chiN: 1.254272742818995,
    weights: [0.6370425712412168, 0.28457025743803294, 0.07838717132075033, -0.28638378259655295, -0.7649580940851276, -1.1559817781589212],
  },
  {
    n: 5,
    lambda: 8,
    mu: 4,
    muEff: 2.6001788261131793,
    cSigma: 0.3650883760934854,
    dSigma: 1.3650883760934853,
    cc: 0.4501995579928079,
    c1: 0.047292304159400896,
    cMu: 0.03816916070385781,
    chiN: 2.1285237557247996,
    weights: [
      0.5299301844787792, 0.2857142857142857, 0.14285714285714282, 0.041498386949792215, -0.1672795068098809, -0.45674904775585873,
      -0.7014920573635213, -0.9134980955117175,
    ],
  },
  {
    n: 10,
    lambda: 10,
    mu: 5,
    muEff: 3.1672992814107026,
    cSigma: 0.2844285879463675,
    dSigma: 1.2844285879463675,
    cc: 0.29499038303562225,
    c1: 0.015283824524751714,
    cMu: 0.02015428276120838,
    chiN: 3.0847265651690123,
    weights: [
      0.45627264690340597, 0.2707530970017852, 0.1622311171586698, 0.08523354710016448, 0.025509591835974777, -0.08532086250759853,
      -0.236476601148097, -0.36741365771166457, -0.4829083267842344, -0.5862218287788353,
    ],
  },
];

const close = (actual: number, expected: number, what: string) =>
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(expected)));

describe('strategy parameters (Hansen 2016, Table 1)', () => {
  test.each(REFERENCE)('n = $n matches cmaes 0.13.1 to 1e-13', (r) => {
    const p = strategyParameters(r.n);
    expect(p.lambda).toBe(r.lambda);
    expect(p.mu).toBe(r.mu);
    for (const key of ['muEff', 'cSigma', 'dSigma', 'cc', 'c1', 'cMu', 'chiN'] as const) close(p[key], r[key], `n=${r.n} ${key}`);
    expect(p.weights).toHaveLength(r.lambda);
    r.weights.forEach((w, i) => close(p.weights[i] as number, w, `n=${r.n} w${i + 1}`));
  });

  test('default population sizes 4 + ⌊3 ln n⌋', () => {
    expect([1, 2, 3, 5, 10, 20, 100].map(defaultPopulationSize)).toEqual([4, 6, 7, 8, 10, 12, 17]);
  });

  test('for any n and λ: positive weights sum to 1, decrease, and keep C positive definite (eqs. 50–53)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 2, max: 400 }), (n, lambda) => {
        const p = strategyParameters(n, lambda);
        const w = Array.from(p.weights);
        const positive = w.filter((v) => v > 0);
        expect(Math.abs(positive.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
        for (let i = 1; i < w.length; i++) expect(w[i]).toBeLessThanOrEqual(w[i - 1] as number);
        // eq. 52 bounds the negative mass so that 1 − c_1 − c_μ Σ w_j ≥ 0 (the old C keeps a non-negative share).
        const sum = w.reduce((s, v) => s + v, 0);
        expect(1 - p.c1 - p.cMu * sum).toBeGreaterThanOrEqual(-1e-12);
        expect(p.c1 + p.cMu).toBeLessThanOrEqual(1 + 1e-12);
        expect(p.cSigma).toBeLessThan(1);
        expect(p.cc).toBeLessThanOrEqual(1);
        expect(p.eigenInterval).toBeGreaterThanOrEqual(1);
      }),
    );
  });

  test('rejects a dimension below 1 and a population below 2', () => {
    expect(() => strategyParameters(0)).toThrow(/dimension/);
    expect(() => strategyParameters(3, 1)).toThrow(/population/);
  });
});
