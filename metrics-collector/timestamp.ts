/**
 * Timestamps of observation-log rows. Katib's DB manager stores only RFC 3339 (Nano)
 * timestamps (katib-spec §1.3), so every row this collector reports carries one.
 */

/** The time a line was read: what a row gets when its line carries no timestamp. */
export function readTime(): string {
  return new Date().toISOString();
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Whether `text` parses as Go's `time.RFC3339Nano` (which also accepts plain RFC3339):
 * upper-case `T` and `Z`, optional fraction of any length, in-range fields, no leap second.
 * Go's lenient fallback parser also takes a zone hour of 24 and a comma before the
 * fraction; both are refused here, because `Date.parse` cannot read them.
 */
export function isRfc3339(text: string): boolean {
  const m = RFC3339.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return false;
  return true;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const NANOS_PER_SECOND = 1_000_000_000n;
/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years RFC 3339 can write. */
const MIN_SECONDS = -62_167_219_200n;
const MAX_SECONDS = 253_402_300_799n;

/**
 * Seconds since the epoch, with a fraction, as an RFC3339Nano string formatted like Go's
 * (`2021-12-02T05:27:27.28721Z`: UTC, trailing zeros of the fraction dropped).
 * `undefined` when the instant has no RFC 3339 form.
 *
 * Katib (katib-spec §6) splits the number's decimal text at the point and reads the
 * fractional digits as integer nanoseconds, so 1638422847.28721 becomes
 * ...27.000028721Z. That is a bug; here the fraction is a fraction of a second.
 */
export function fromEpochSeconds(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || Math.abs(seconds) >= 1e21) return undefined;
  // The shortest decimal text of the number (as Go's FormatFloat(x, 'f', -1, 64)),
  // so 0.28721 is read as written rather than as its binary approximation.
  let text = String(seconds);
  if (text.includes('e')) text = seconds.toFixed(9);
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = text.replace('-', '').split('.');
  const magnitude = BigInt(whole) * NANOS_PER_SECOND + BigInt(fraction.slice(0, 9).padEnd(9, '0'));
  const nanos = negative ? -magnitude : magnitude;
  let secs = nanos / NANOS_PER_SECOND;
  let rest = nanos % NANOS_PER_SECOND;
  if (rest < 0n) {
    secs -= 1n;
    rest += NANOS_PER_SECOND;
  }
  if (secs < MIN_SECONDS || secs > MAX_SECONDS) return undefined;
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  const frac = rest === 0n ? '' : `.${rest.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return `${base}${frac}Z`;
}
