import { RE2JS } from 're2js';
import { ScribaError, errorMessage } from '../src/errors.js';
import type { MetricLog } from '../src/trial/types.js';
import { scanDefaultFilter } from './default-filter.js';
import { isRfc3339, readTime } from './timestamp.js';

/**
 * Katib's default metricsFormat filter (katib-spec §6): `name=value` pairs, the name of
 * word characters, `|` and `-`, the value a signed decimal with an optional exponent.
 */
export const DEFAULT_FILTER = String.raw`([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)`;

/**
 * TEXT lines longer than this many characters are parsed on their first
 * MAX_TEXT_LINE_LENGTH characters only (the trial log keeps them whole).
 */
export const MAX_TEXT_LINE_LENGTH = 64 * 1024;

/** A filter compiled once by {@link compileFilters}; it matches in linear time. */
export interface CompiledFilter {
  /** The metricsFormat expression. */
  readonly source: string;
  /** `[name, value]` of every match, group 1 and 2 ("" for a group that did not take part). */
  pairs(line: string): Array<[string, string]>;
}

/**
 * A filter as Katib's metricsFormat string (RE2 syntax, as Go's regexp reads it), one
 * compiled by {@link compileFilters}, or a RegExp whose source is recompiled with RE2.
 */
export type TextFilter = string | CompiledFilter | RegExp;

/**
 * Compiles metricsFormat filters once, for use on every line; the default filter when
 * `filters` is absent or empty (katib-spec §6). Expressions run on RE2 (re2js), as in
 * Katib, so matching is linear in the line length whatever the expression; the default
 * filter runs on a hand-written scanner with the same matches.
 *
 * @throws ScribaError `invalid-argument` naming a filter RE2 cannot compile
 *   (a syntax error, a backreference, a lookaround).
 */
export function compileFilters(filters: readonly TextFilter[] = []): CompiledFilter[] {
  const sources = filters.length > 0 ? filters : [DEFAULT_FILTER];
  return sources.map((filter) => {
    if (typeof filter === 'object' && !(filter instanceof RegExp)) return filter;
    if (filter === DEFAULT_FILTER) return { source: DEFAULT_FILTER, pairs: scanDefaultFilter };
    const source = filter instanceof RegExp ? filter.source : filter;
    const re = compileRe2(source, filter instanceof RegExp ? re2Flags(filter.flags) : 0);
    return { source, pairs: (line) => re2Pairs(re, line) };
  });
}

/**
 * A user expression compiled with RE2. Go's syntax is RE2's; what a backtracking engine
 * adds (backreferences, lookahead, lookbehind) is refused, which keeps matching linear.
 *
 * @throws ScribaError `invalid-argument` naming the expression and why it is refused.
 */
export function compileRe2(source: string, flags = 0): RE2JS {
  try {
    return RE2JS.compile(source, flags);
  } catch (error) {
    throw new ScribaError(
      'invalid-argument',
      `invalid metrics filter ${JSON.stringify(source)}: expected an RE2 regular expression (no backreferences or lookaround): ${errorMessage(error)}`,
    );
  }
}

function re2Flags(flags: string): number {
  let bits = 0;
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= RE2JS.DOTALL;
  return bits;
}

/**
 * Go's FindAllStringSubmatch: every match left to right; an empty match right where the
 * previous match ended is skipped. A filter with fewer than two groups gives nothing.
 */
function re2Pairs(re: RE2JS, line: string): Array<[string, string]> {
  if (re.groupCount() < 2) return [];
  const pairs: Array<[string, string]> = [];
  const m = re.matcher(line);
  let previousEnd = -1;
  while (m.find()) {
    const [start, end] = [m.start(), m.end()];
    if (start === end && start === previousEnd) continue;
    previousEnd = end;
    pairs.push([m.group(1) ?? '', m.group(2) ?? '']);
  }
  return pairs;
}

/**
 * The observation-log rows in one line of TEXT output, by Katib's rules (katib-spec §6):
 *
 * - a line that contains none of `metricNames` is skipped before any matching;
 * - the timestamp is the line's first token when it is an RFC3339(Nano) timestamp;
 * - every match of every filter gives a row: group 1 the name, group 2 the value, both
 *   trimmed; only names equal to one of `metricNames` are kept.
 *
 * Only the first {@link MAX_TEXT_LINE_LENGTH} characters of a line are read. Pass filters
 * through {@link compileFilters} once when parsing many lines.
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
  const text = line.length > MAX_TEXT_LINE_LENGTH ? line.slice(0, MAX_TEXT_LINE_LENGTH) : line;
  if (!metricNames.some((name) => text.includes(name))) return [];
  const timeStamp = leadingTimestamp(text) ?? now();
  const rows: MetricLog[] = [];
  for (const filter of compileFilters(filters)) {
    for (const [rawName, rawValue] of filter.pairs(text)) {
      const name = rawName.trim();
      if (metricNames.includes(name)) rows.push({ timeStamp, name, value: rawValue.trim() });
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
  // An RFC 3339 timestamp is short: look no further than 64 characters.
  const token = /^\S{1,64}(?=\s)/.exec(line)?.[0];
  return token !== undefined && isRfc3339(token) ? token : undefined;
}
