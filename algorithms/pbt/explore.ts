import type { Rng } from '../../src/rng.js';
import { choiceValue, gridPoint, sampleValue, snap, type ChoiceDomain, type Domain, type NumericDomain, type ParameterValue } from '../../src/search-space/index.js';

/**
 * PBT's explore step (Jaderberg et al. 2017, §3 "explore"): each hyperparameter is
 * perturbed, or, with probability `resampleProbability`, resampled from its prior.
 *
 * - int and double (a step is required): ×0.8 or ×1.2, each with probability 1/2, the
 *   paper's perturbation factors; clamped to [min, max] and snapped to the step grid.
 *   When snapping gives back the value itself (0.02 × 1.2 = 0.024 → 0.02, or any value
 *   × anything at 0) the value moves one grid step in the factor's direction, so that
 *   small values are not frozen; at a bound it stays.
 * - categorical: the list neighbour at index ±1, wrapping around, as Katib does (a
 *   categorical list has no order, so wrapping loses nothing).
 * - discrete: the neighbour in ascending numeric order, without wrapping (128 → 16 would
 *   be a jump, not a perturbation); at either end the one neighbour there is.
 */
export function exploreValue(d: Domain, value: ParameterValue, rng: Rng, resampleProbability: number): ParameterValue {
  // One draw decides resampling, whatever the probability, so the stream after it is the same.
  const resample = rng.next() < resampleProbability;
  if (resample) return sampleValue(d, rng);
  const up = rng.next() < 0.5;
  return d.kind === 'choice' ? neighbour(d, value, up) : perturbNumber(d, Number(value), up);
}

/** `x` × 1.2 (up) or × 0.8, clamped and snapped; at least one grid step away unless at a bound. */
export function perturbNumber(d: NumericDomain, x: number, up: boolean): number {
  const y = snap(d, x * (up ? 1.2 : 0.8));
  if (y !== x || d.count === undefined) return y;
  const i = Math.round((x - d.min) / (d.step as number));
  // × 1.2 of a negative value moves down: follow the sign of the change, not the factor.
  const direction = (up ? 1 : -1) * (x < 0 ? -1 : 1);
  const j = Math.min(d.count - 1, Math.max(0, i + direction));
  return gridPoint(d, j);
}

/** The list value next to `value`: up (index + 1) or down. */
export function neighbour(d: ChoiceDomain, value: ParameterValue, up: boolean): ParameterValue {
  const n = d.values.length;
  if (n === 1) return value;
  if (d.numbers) {
    const index = d.numbers.indexOf(Number(value));
    const position = d.order.indexOf(index);
    const next = position === 0 ? 1 : position === n - 1 ? n - 2 : position + (up ? 1 : -1);
    return choiceValue(d, d.order[next] as number);
  }
  const index = d.values.indexOf(String(value));
  return choiceValue(d, (index + (up ? 1 : n - 1)) % n);
}
