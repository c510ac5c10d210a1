import { ScribaError, errorMessage } from '../src/errors.js';
import type { MetricLog } from '../src/trial/types.js';
import { isRfc3339, readTime } from './timestamp.js';

/**
 * Katib's default metricsFormat filter (katib-spec §6): `name=value` pairs, the name of
 * word characters, `|` and `-`, the value a signed decimal with an optional exponent.
 */
export const DEFAULT_FILTER = String.raw`([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)`;

/**
 * A filter as Katib's metricsFormat string (Go regexp syntax that JavaScript also reads),
 * or one already compiled by {@link compileFilters}.
 */
export type TextFilter = string | RegExp;

/**
 * Compiles metricsFormat filters once, for use on every line; the default filter when
 * `filters` is absent or empty (katib-spec §6). Flags: `g` only — no `u`, because Katib's
 * own filters such as `{metricName: ...}` use a bare `{`, which `u` rejects.
 *
 * @throws ScribaError `invalid-argument` naming a filter that is not a valid regexp.
 */
export function compileFilters(filters: readonly TextFilter[] = []): RegExp[] {
  const sources = filters.length > 0 ? filters : [DEFAULT_FILTER];
  return sources.map((filter) => {
    if (filter instanceof RegExp) return filter.global ? filter : new RegExp(filter.source, `${filter.flags}g`);
    try {
      return new RegExp(filter, 'g');
    } catch (error) {
      throw new ScribaError('invalid-argument', `invalid metrics filter ${JSON.stringify(filter)}: ${errorMessage(error)}`);
    }
  });
}

/**
 * The observation-log rows in one line of TEXT output, by Katib's rules (katib-spec §6):
 *
 * - a line that contains none of `metricNames` is skipped before any matching;
 * - the timestamp is the line's first token when it is an RFC3339(Nano) timestamp;
 * - every match of every filter gives a row: group 1 the name, group 2 the value, both
 *   trimmed; only names equal to one of `metricNames` are kept.
 *
 * Pass filters through {@link compileFilters} once when parsing many lines.
 *
 * @example
 * parseTextLine('epoch 3: loss=0.25 accuracy=0.9', ['loss'], [], () => '2026-01-01T00:00:00Z')
 * // → [{ timeStamp: '2026-01-01T00:00:00Z', name: 'loss', value: '0.25' }]
 */
export function parseTextLine(
  line: string,
  metricNames: readonly string[],
  filters: readonly TextFilter[] = [],
  now: () => string = readTime,
): MetricLog[] {
  if (!metricNames.some((name) => line.includes(name))) return [];
  const timeStamp = leadingTimestamp(line) ?? now();
  const rows: MetricLog[] = [];
  for (const regexp of compileFilters(filters)) {
    for (const match of line.matchAll(regexp)) {
      // Go's FindAllStringSubmatch skips filters with fewer than two groups and gives ""
      // for a group that did not take part; JavaScript gives undefined.
      if (match.length < 3) continue;
      const name = (match[1] ?? '').trim();
      const value = (match[2] ?? '').trim();
      if (metricNames.includes(name)) rows.push({ timeStamp, name, value });
    }
  }
  return rows;
}

/**
 * The line's first whitespace-separated token when it is a timestamp. Katib stamps a line
 * without one with the zero time `0001-01-01T00:00:00Z`; we return undefined so the caller
 * stamps the time the line was read, which orders intermediate values meaningfully for
 * `latest` and for early stopping. Katib splits at the first space only; a tab or other
 * whitespace after the timestamp also counts here.
 */
function leadingTimestamp(line: string): string | undefined {
  const token = /^\S+(?=\s)/.exec(line)?.[0];
  return token !== undefined && isRfc3339(token) ? token : undefined;
}
