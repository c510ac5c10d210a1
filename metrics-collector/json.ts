import { ScribaError } from '../src/errors.js';
import type { MetricLog } from '../src/trial/types.js';
import { fromEpochSeconds, isRfc3339, readTime } from './timestamp.js';

/** The field of a JSON line that carries its timestamp (Katib's `TimeStampJsonKey`). */
export const TIMESTAMP_FIELD = 'timestamp';

/**
 * The observation-log rows in one line of JSON output (katib-spec §6): each non-blank
 * line is one JSON object; each field named in `metricNames` gives a row, in the order of
 * `metricNames`; other fields are ignored.
 *
 * - `timestamp`: an RFC3339(Nano) string, kept as written, or a number of seconds since
 *   the epoch; absent or unreadable, the row gets the time the line was read (`now()`).
 *   Katib uses the zero time `0001-01-01T00:00:00Z` there instead.
 * - values: strings, kept as written, and numbers, written with `String()` (`1e999` reads
 *   as `Infinity`). Katib collects only string-valued fields, so `{"loss": 0.1}` reports
 *   nothing there; that is a bug we fix. Booleans, null, arrays and objects are ignored.
 *
 * A blank line gives no rows. `lineNumber` and `source` (a file path, or `stdout`) only
 * name the line in the error.
 *
 * @throws ScribaError `invalid-argument` when the line is not a JSON object: Katib fails
 *   the whole file on such a line.
 *
 * @example
 * parseJsonLine('{"loss": 0.25, "timestamp": 1638422847.28721}', ['loss'], 1, 'metrics.json')
 * // → [{ timeStamp: '2021-12-02T05:27:27.28721Z', name: 'loss', value: '0.25' }]
 */
export function parseJsonLine(
  line: string,
  metricNames: readonly string[],
  lineNumber: number,
  source: string,
  now: () => string = readTime,
): MetricLog[] {
  if (line.trim() === '') return [];
  const object = parseObject(line);
  if (object === undefined) {
    throw new ScribaError('invalid-argument', `${source} line ${lineNumber}: not a JSON object: ${excerpt(line)}`);
  }
  const timeStamp = jsonTimestamp(object[TIMESTAMP_FIELD]) ?? now();
  const rows: MetricLog[] = [];
  for (const name of metricNames) {
    // Own fields only, so a metric called `constructor` is not read from the prototype.
    if (!Object.hasOwn(object, name)) continue;
    const value = object[name];
    if (typeof value === 'string') rows.push({ timeStamp, name, value });
    else if (typeof value === 'number') rows.push({ timeStamp, name, value: String(value) });
  }
  return rows;
}

function parseObject(line: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  return parsed as Record<string, unknown>;
}

/**
 * A string must be RFC3339(Nano), as Katib requires. A number is seconds since the epoch
 * with a fraction (see {@link fromEpochSeconds} for Katib's nanosecond bug).
 */
function jsonTimestamp(value: unknown): string | undefined {
  if (typeof value === 'string') return isRfc3339(value) ? value : undefined;
  if (typeof value === 'number') return fromEpochSeconds(value);
  return undefined;
}

function excerpt(line: string): string {
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
