/**
 * RFC 3339 timestamps at microsecond resolution, as Katib's DB manager stores them
 * (Go's time.RFC3339Nano on input, a DATETIME(6) column, RFC3339Nano in UTC on output).
 * Seconds and microseconds are kept apart: year 1 (Katib's zero time) in microseconds
 * is beyond a double's exact integers.
 */
export interface Instant {
  /** Whole seconds since 1970-01-01T00:00:00Z (negative before). */
  seconds: number;
  /** 0 ..= 999 999. */
  micros: number;
}

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 timestamp; `undefined` if it is not one. Digits past microseconds are dropped, as MySQL's DATETIME(6) does. */
export function parseRfc3339(text: string): Instant | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1) return undefined; // e.g. February 30
  let seconds = Math.floor(date.getTime() / 1000) + hour * 3600 + minute * 60 + second;
  if (!m[8]) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    const offset = (offsetHours * 60 + offsetMinutes) * 60;
    seconds += m[9] === '+' ? -offset : offset;
  }
  const micros = Number(((m[7] ?? '') + '000000').slice(0, 6));
  return { seconds, micros };
}

/** Go's RFC3339Nano in UTC: trailing zeros of the fraction dropped, no fraction for whole seconds. */
export function formatRfc3339(t: Instant): string {
  const base = new Date(t.seconds * 1000).toISOString().slice(0, 19);
  const fraction = String(t.micros).padStart(6, '0').replace(/0+$/, '');
  return `${base}${fraction ? `.${fraction}` : ''}Z`;
}

export function compareInstants(a: Instant, b: Instant): number {
  return a.seconds - b.seconds || a.micros - b.micros;
}
