import { describe, expect, test } from 'vitest';
import { initialDistribution } from '../../../algorithms/cmaes/distribution.js';
import { adaptLearningRates, initialLearningRates } from '../../../algorithms/cmaes/lr-adapt.js';
import { strategyParameters } from '../../../algorithms/cmaes/parameters.js';
import { updateDistribution } from '../../../algorithms/cmaes/update.js';
import { expectClose, REFERENCE } from './reference.js';

/*
 * LRA-CMA-ES (Nomura, Akimoto & Ono, GECCO 2023) against the authors' implementation,
 * cmaes 0.13.1 `CMA(lr_adapt=True)`: the same points and values are told to both, and
 * after every generation the mean, σ, C, both paths, both learning rates and the moving
 * averages must agree. Case 0: a rotated 3-D ellipsoid, 8 generations; case 1: 2-D
 * Rastrigin from σ = 1, 12 generations, where the rates fall (η_m to 0.46).
 *
 * Hand check of the first step from zero averages, whatever the step l: E = β l and
 * V = β ‖l‖², so SNR = (β² ‖l‖² − β²/(2 − β) ‖l‖²) / (β ‖l‖² − β² ‖l‖²) = β/(2 − β). For
 * the mean (β = 0.1): SNR = 0.052632, relative SNR = 0.052632/1.4 − 1 = −0.962406 and
 * η_m = exp(min(0.1 · 1, 0.1) · −0.962406) = exp(−0.0962406) = 0.908245; for Σ (β = 0.03):
 * SNR = 0.015228, η_Σ = exp(min(0.1, 0.03) · (0.015228/1.4 − 1)) = exp(−0.0296737).
 */
const TOLERANCE = 1e-12;
const firstEta = (beta: number) => Math.exp(Math.min(0.1, beta) * (beta / (2 - beta) / 1.4 - 1));

describe('learning-rate adaptation (Nomura et al. 2023)', () => {
  test.each(REFERENCE.lra.map((c, i) => [i, c] as const))('case %i: every generation matches cmaes 0.13.1 CMA(lr_adapt=True) to 1e-12', (_, c) => {
    const n = c.mean.length;
    let dist = initialDistribution(strategyParameters(n), c.mean, c.sigma, true);
    expect(dist.params.lambda).toBe(c.lambda);
    c.generations.forEach((g, k) => {
      dist = updateDistribution(dist, g.xs, g.fs);
      const at = `generation ${k + 1}`;
      expectClose(dist.mean, g.mean, TOLERANCE, `${at} mean`);
      expectClose([dist.sigma], [g.sigma], TOLERANCE, `${at} sigma`);
      expectClose(dist.C, g.C!, TOLERANCE, `${at} C`);
      expectClose(dist.pSigma, g.pSigma!, TOLERANCE, `${at} p_sigma`);
      expectClose(dist.pC, g.pC!, TOLERANCE, `${at} p_c`);
      const rates = dist.rates!;
      expectClose([rates.etaMean, rates.etaSigma], [g.etaMean!, g.etaSigma!], TOLERANCE, `${at} eta`);
      expectClose(rates.eMean, g.eMean!, TOLERANCE, `${at} E_mean`);
      expectClose(rates.eSigma, g.eSigma!, TOLERANCE, `${at} E_Sigma`);
      expectClose([rates.vMean, rates.vSigma], [g.vMean!, g.vSigma!], TOLERANCE, `${at} V`);
    });
    // The cases do exercise the adaptation: the rates left 1.
    expect(dist.rates!.etaMean).toBeLessThan(0.7);
  });

  test('the first step from zero averages: η_m = 0.908245 and η_Σ = exp(−0.0296737), as derived by hand', () => {
    expect(Math.abs(firstEta(0.1) - 0.908245)).toBeLessThan(1e-6);
    const c = REFERENCE.lra[0]!;
    const dist = updateDistribution(initialDistribution(strategyParameters(3), c.mean, c.sigma, true), c.generations[0]!.xs, c.generations[0]!.fs);
    expect(Math.abs(dist.rates!.etaMean - firstEta(0.1))).toBeLessThan(1e-15);
    expect(Math.abs(dist.rates!.etaSigma - Math.exp(-0.0296737))).toBeLessThan(1e-7);
  });

  test('applying the rates: m = m_old + η_m Δm, Σ = Σ_old + η_Σ ΔΣ split into σ and det C = 1, σ scaled by η_m,old / η_m', () => {
    // C = I throughout, m moves by (0.5, 0) and σ from 1 to 2, so ΔΣ = 3 I.
    const identity = Float64Array.from([1, 0, 0, 1]);
    const old = { mean: Float64Array.from([0, 0]), sigma: 1, C: identity };
    const updated = { mean: Float64Array.from([0.5, 0]), sigma: 2, C: identity };
    const out = adaptLearningRates(old, identity, updated, initialLearningRates(2));
    const etaMean = firstEta(0.1);
    const etaSigma = firstEta(0.03);
    expectClose([out.rates.etaMean, out.rates.etaSigma], [etaMean, etaSigma], 1e-15, 'eta');
    // Σ = (1 + 3 η_Σ) I: σ² = 1 + 3 η_Σ and C = I, then σ · 1/η_m.
    expectClose(out.mean, [0.5 * etaMean, 0], 1e-15, 'mean');
    expectClose(out.C, [1, 0, 0, 1], 1e-14, 'C');
    expectClose([out.sigma], [Math.sqrt(1 + 3 * etaSigma) / etaMean], 1e-14, 'sigma');
  });
});
