import { numericValue } from '../../src/trial/observation.js';
import type { MetricLog } from '../../src/trial/types.js';
import { countBelow, insertSorted } from '../sorted.js';

/** asha's settings, validated (see `createAsha`). */
export interface AshaSettings {
  /** r, the resource of the lowest rung before the early-stopping rate: min_resource. */
  minResource: number;
  /** η: reduction_factor. */
  reductionFactor: number;
  /** s: min_early_stopping_rate. */
  minEarlyStoppingRate: number;
}

/**
 * r_0 = r · η^s, the step of the first rung (Li et al. 2020, Alg. 2: rung k sits at
 * resource r·η^(s+k)). Past Number.MAX_SAFE_INTEGER the rung can never be reached and
 * the resource is Infinity; the loop runs at most ~53 times since η >= 2.
 */
export function firstRungResource(settings: AshaSettings): number {
  let r = settings.minResource;
  for (let i = 0; i < settings.minEarlyStoppingRate && r <= Number.MAX_SAFE_INTEGER; i++) r *= settings.reductionFactor;
  return r > Number.MAX_SAFE_INTEGER ? Infinity : r;
}

/**
 * How many of the m values of a rung continue: the top ⌊m/η⌋ (Li et al. 2020, Alg. 2,
 * get_job: a configuration is promotable when it is in the top 1/η of its rung), and at
 * least one, so that while m < η the best value so far continues (the usual
 * asynchronous rule: a rung with few values cannot yet say who is in its top 1/η, and
 * stopping all of them would end the search).
 */
export function keptCount(m: number, eta: number): number {
  return Math.max(1, Math.floor(m / eta));
}

/**
 * Records `loss` (smaller is better) in a rung and says whether it continues: whether
 * fewer than keptCount(m, η) of the m values now recorded, itself included, are
 * strictly better. Ties with the cut continue, as Katib's GREATER/LESS comparison lets
 * a value equal to the rule's value through.
 */
export function recordAndJudge(rung: number[], loss: number, eta: number): boolean {
  insertSorted(rung, loss);
  return countBelow(rung, loss) < keptCount(rung.length, eta);
}

/** The best of the first `n` values (minimum, or maximum when `maximize`); n >= 1. */
export function bestOfFirst(values: readonly number[], n: number, maximize: boolean): number {
  let best = values[0] as number;
  for (let i = 1; i < n; i++) {
    const v = values[i] as number;
    if (maximize ? v > best : v < best) best = v;
  }
  return best;
}

/**
 * A trial's value at a rung of resource `resource`, from its objective log: the best of
 * its first `resource` finite values, in the log's order (non-numbers, NaN and ±Infinity
 * are skipped, as the local run skips them); `undefined` when it has fewer.
 */
export function rungValue(logs: readonly MetricLog[], resource: number, maximize: boolean): number | undefined {
  let n = 0;
  let best = NaN;
  for (const log of logs) {
    if (n >= resource) break;
    const x = numericValue(log.value);
    if (x === undefined || !Number.isFinite(x)) continue;
    if (n === 0 || (maximize ? x > best : x < best)) best = x;
    n++;
  }
  return n >= resource ? best : undefined;
}
