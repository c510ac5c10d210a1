import { describe, expect, test } from 'vitest';
import { fromEpochSeconds, isRfc3339 } from '../../metrics-collector/index.js';

/** Go's answer is `time.Parse(time.RFC3339Nano, text) == nil` (Go 1.26). */
const rfc3339: [string, boolean, string][] = [
  // [text, ours, note]
  ['2024-03-04T17:55:08Z', true, ''],
  ['2024-03-04T17:55:08.123456789Z', true, 'nanoseconds'],
  ['2024-03-04T17:55:08.1234567891234Z', true, 'more than nine digits: Go truncates'],
  ['2021-12-02T14:27:50.000035161+09:00', true, 'offset'],
  ['2024-03-04T17:55:08+23:59', true, 'largest offset'],
  ['2024-02-29T00:00:00Z', true, 'leap day'],
  ['2000-02-29T00:00:00Z', true, 'leap day, year divisible by 400'],
  ['0000-01-01T00:00:00Z', true, 'year 0'],
  ['2023-02-29T00:00:00Z', false, 'not a leap year'],
  ['1900-02-29T00:00:00Z', false, 'century, not a leap year'],
  ['2024-04-31T00:00:00Z', false, 'day out of range'],
  ['2024-13-01T00:00:00Z', false, 'month out of range'],
  ['2024-03-04T24:00:00Z', false, 'hour 24'],
  ['2024-03-04T23:59:60Z', false, 'leap second'],
  ['2024-03-04t17:55:08Z', false, 'lower-case t'],
  ['2024-03-04T17:55:08z', false, 'lower-case z'],
  ['2024-03-04T17:55:08.Z', false, 'empty fraction'],
  ['2024-03-04T17:55:08-0700', false, 'offset without colon'],
  ['2024-03-04 17:55:08Z', false, 'space for T'],
  ['2024-3-04T17:55:08Z', false, 'one-digit month'],
  ['2024-03-04T17:55:08', false, 'no zone'],
  ['', false, 'empty'],
  // Go accepts these two; Date.parse (and so observe()) cannot read them.
  ['2024-03-04T17:55:08+24:00', false, 'offset hour 24 (Go: true)'],
  ['2024-03-04T17:55:08,5Z', false, 'comma fraction (Go: true)'],
];

describe('isRfc3339 (katib-spec §1.3, §6)', () => {
  test.each(rfc3339)('%s → %s %s', (text, expected) => {
    expect(isRfc3339(text)).toBe(expected);
    if (expected) expect(Number.isNaN(Date.parse(text))).toBe(false);
  });
});

/**
 * Seconds since the epoch read as seconds with a fraction. Katib's column is what Katib's
 * parseTimestamp gives, run under Go 1.26: the digits after the point become nanoseconds
 * (katib-spec §6), and for a negative number they are added to a negative second.
 */
const epoch: [number, string | undefined, string][] = [
  // [seconds, ours, Katib]
  [1638422847.28721, '2021-12-02T05:27:27.28721Z', '2021-12-02T05:27:27.000028721Z'],
  [1638422847.287801, '2021-12-02T05:27:27.287801Z', '2021-12-02T05:27:27.000287801Z'],
  [1638422847, '2021-12-02T05:27:27Z', '2021-12-02T05:27:27Z'],
  [1638422847.5, '2021-12-02T05:27:27.5Z', '2021-12-02T05:27:27.000000005Z'],
  [0, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'],
  [-1.5, '1969-12-31T23:59:58.5Z', '1969-12-31T23:59:59.000000005Z'],
  [1e-7, '1970-01-01T00:00:00.0000001Z', '1970-01-01T00:00:00.000000001Z'],
  [0.1 + 0.2, '1970-01-01T00:00:00.3Z', '1970-12-14T05:20:00.000000004Z'],
  [253402300799, '9999-12-31T23:59:59Z', '9999-12-31T23:59:59Z'],
  [-62167219200, '0000-01-01T00:00:00Z', '0000-01-01T00:00:00Z'],
  [253402300800, undefined, '10000-01-01T00:00:00Z (not RFC 3339)'],
  [-62167219201, undefined, '(year -1, not RFC 3339)'],
  [1e21, undefined, ''],
  [Number.NaN, undefined, ''],
  [Number.POSITIVE_INFINITY, undefined, ''],
];

describe('fromEpochSeconds (departs from Katib on purpose)', () => {
  test.each(epoch)('%d → %s (Katib: %s)', (seconds, expected) => {
    expect(fromEpochSeconds(seconds)).toBe(expected);
  });
});
