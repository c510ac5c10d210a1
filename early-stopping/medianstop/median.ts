import { numericValue } from '../../src/trial/observation.js';
import type { MetricLog } from '../../src/trial/types.js';

/**
 * The median of a sample: the middle value, or the mean of the two middle values for an
 * even count. NaN for an empty sample. Sorts a copy.
 */
export function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : midpoint(sorted[mid - 1] as number, sorted[mid] as number);
}

/**
 * (a + b) / 2 for a <= b without overflow: of the same sign, a + (b - a) / 2 (the
 * difference cannot overflow, and halving it cannot lose a subnormal); of opposite
 * signs, the sum itself cannot overflow.
 */
function midpoint(a: number, b: number): number {
  if (a === b) return a;
  return (a < 0) === (b < 0) ? a + (b - a) / 2 : (a + b) / 2;
}

/**
 * What median stopping compares across trials (Golovin et al. 2017, "Google Vizier",
 * §3.2.2; Katib's form): the mean of a trial's first `startStep` reported values, in the
 * log's time order. Values that are not finite numbers ("unavailable", NaN, ±Infinity)
 * are skipped; `undefined` when the log holds none.
 */
export function startStepMean(logs: readonly MetricLog[], startStep: number): number | undefined {
  const values: number[] = [];
  for (const log of logs) {
    if (values.length >= startStep) break;
    const x = numericValue(log.value);
    if (x === undefined || !Number.isFinite(x)) continue;
    values.push(x);
  }
  return values.length === 0 ? undefined : meanOfFirst(values, values.length);
}

/**
 * The mean of the first `n` values (n >= 1, all finite): their sum over n, or, when the
 * sum overflows, the sum of each value over n, which cannot (|x/n| <= MAX_VALUE/n).
 */
export function meanOfFirst(values: readonly number[], n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  if (Number.isFinite(sum)) return sum / n;
  sum = 0;
  for (let i = 0; i < n; i++) sum += (values[i] as number) / n;
  return sum;
}
