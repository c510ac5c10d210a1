import type { Rng } from '../../src/rng.js';
import { logNdtr as logNormalCdf } from '../math/normal.js';
import { logH, logHSlope, millsRatio } from './log-h.js';

/** The acquisition functions of skopt's `acq_func` that Scriba implements, for minimisation. */
export type AcquisitionName = 'EI' | 'PI' | 'LCB';

/** skopt's defaults: LCB's κ = 1.96; PI's margin ξ = 0.01, here in standardised units. */
export const KAPPA = 1.96;
export const PI_MARGIN = 0.01;

/** An acquisition value (larger is better) and its partial derivatives in μ and s. */
export interface Scored {
  value: number;
  dMean: number;
  dSd: number;
}

/**
 * The acquisition at a posterior N(μ, s²), for minimising with incumbent `best`:
 *
 * - EI as LogEI (Ament et al. 2023, eq. 8–9): log E[max(best − f, 0)] = log h(z) + log s,
 *   z = (best − μ)/s; finite and with a useful gradient however far below best the
 *   improvement lies, where EI itself underflows to 0 and leaves the optimiser no slope.
 * - PI as log Φ(z) with z = (best − ξ − μ)/s (Kushner 1964), in logs for the same reason.
 * - LCB as −(μ − κs) (Srinivas et al. 2010; skopt's sign convention flipped to maximise).
 */
export function score(name: AcquisitionName, mean: number, sd: number, best: number): Scored {
  switch (name) {
    case 'EI': {
      const z = (best - mean) / sd;
      const slope = logHSlope(z);
      return { value: logH(z) + Math.log(sd), dMean: -slope / sd, dSd: (1 - z * slope) / sd };
    }
    case 'PI': {
      const z = (best - PI_MARGIN - mean) / sd;
      const ratio = millsRatio(z);
      return { value: logNormalCdf(z), dMean: -ratio / sd, dSd: (-ratio * z) / sd };
    }
    case 'LCB':
      return { value: KAPPA * sd - mean, dMean: -1, dSd: KAPPA };
  }
}

/** Only the value, for screening many candidates. */
export function scoreValue(name: AcquisitionName, mean: number, sd: number, best: number): number {
  switch (name) {
    case 'EI':
      return logH((best - mean) / sd) + Math.log(sd);
    case 'PI':
      return logNormalCdf((best - PI_MARGIN - mean) / sd);
    case 'LCB':
      return KAPPA * sd - mean;
  }
}

/**
 * GP-Hedge's choice among the nominees of a portfolio (Hoffman, Brochu & de Freitas 2011,
 * Alg. 2): nominee j with probability ∝ exp(η·gⱼ). The paper's gain gⱼ accumulates, over
 * all past rounds, the posterior mean at j's nominee (negated to minimise); a stateless
 * plugin cannot recall past nominees, so gⱼ here is the current round's −μ(xⱼ) alone,
 * in standardised units. η = 1 as in skopt.
 */
export function hedgeChoice(gains: readonly number[], rng: Rng, eta = 1): number {
  const top = Math.max(...gains);
  const weights = gains.map((g) => Math.exp(eta * (g - top)));
  const total = weights.reduce((a, b) => a + b, 0);
  let u = rng.next() * total;
  for (let j = 0; j < weights.length; j++) {
    u -= weights[j] as number;
    if (u < 0) return j;
  }
  return weights.length - 1;
}
