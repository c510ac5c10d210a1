import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, test } from 'vitest';
import { scanDefaultFilter } from '../../metrics-collector/default-filter.js';
import { DEFAULT_FILTER, MAX_TEXT_LINE_LENGTH, compileFilters, parseTextLine, type CompiledFilter } from '../../metrics-collector/index.js';

const NOW = '2026-01-02T03:04:05.000Z';
const now = () => NOW;

/** Every match of the default filter as RE2 finds it: the reference the scanner must equal. */
function re2Pairs(line: string): Array<[string, string]> {
  const m = RE2JS.compile(DEFAULT_FILTER).matcher(line);
  const pairs: Array<[string, string]> = [];
  while (m.find()) pairs.push([m.group(1) ?? '', m.group(2) ?? '']);
  return pairs;
}

describe('the default filter scanner', () => {
  test('finds what RE2 finds with the default filter, on lines of its own characters', () => {
    const alphabet = ['a', 'E', 'e', '1', '0', '_', '|', '-', '+', '=', '.', ' ', '\t', '\v', 'x', ':', ','];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }), (chars) => {
        const line = chars.join('');
        expect(scanDefaultFilter(line), JSON.stringify(line)).toEqual(re2Pairs(line));
      }),
      { numRuns: 2000, seed: 20261202 },
    );
  });

  test.each([
    ['loss=1e', [['loss', '1']]],
    ['loss=1e+', [['loss', '1']]],
    ['loss=-.5e-3x', [['loss', '-.5e-3']]],
    ['loss = \t 2', [['loss', '2']]],
    ['loss x=3', [['x', '3']]],
    ['a=1b=2', [['a', '1'], ['b', '2']]],
    ['é=1', []],
  ])('%j', (line, pairs) => {
    expect(scanDefaultFilter(line)).toEqual(pairs);
    expect(re2Pairs(line)).toEqual(pairs);
  });
});

describe('long TEXT lines', () => {
  test(`a 1 MB line is read on its first ${MAX_TEXT_LINE_LENGTH} characters`, () => {
    const line = `loss=0.25 ${'x'.repeat(1 << 20)} loss=0.5`;
    expect(parseTextLine(line, ['loss'], [], now)).toEqual([{ timeStamp: NOW, name: 'loss', value: '0.25' }]);
    // A run of word characters with the metric name: quadratic for a backtracking regexp.
    const word = `${'a'.repeat(1 << 20)}loss`;
    expect(parseTextLine(word, ['loss'], [], now)).toEqual([]);
  });

  test('a line of 100,000 `loss=` fragments gives one row per fragment within the limit', () => {
    const line = 'loss='.repeat(100_000);
    const rows = parseTextLine(line, ['loss'], [], now);
    expect(rows).toHaveLength(Math.floor(MAX_TEXT_LINE_LENGTH / 'loss='.length));
    expect(rows.every((r) => r.name === 'loss' && r.value === '')).toBe(true);
    const numbered = Array.from({ length: 100_000 }, (_, i) => `loss=${i}`).join(' ');
    const values = parseTextLine(numbered, ['loss'], [], now).map((r) => r.value);
    // Every `loss=i` within the limit, the last one possibly cut short by it.
    const kept = numbered.slice(0, MAX_TEXT_LINE_LENGTH).split(' ').filter((f) => f.startsWith('loss='));
    expect(values).toEqual(kept.map((f) => f.slice('loss='.length)));
    expect(values.slice(0, 3)).toEqual(['0', '1', '2']);
  });

  test('a user filter runs on RE2: `(loss)=((a|a)+)$` on a long line completes', () => {
    const [filter] = compileFilters(['(loss)=((a|a)+)$']);
    const line = `loss=${'a'.repeat(100_000)}!`;
    expect(filter?.pairs(line)).toEqual([]);
    expect(filter?.pairs(line.slice(0, -1)).map(([name, value]) => [name, value.length])).toEqual([['loss', 100_000]]);
    // Read on its first MAX_TEXT_LINE_LENGTH characters, the line lacks the `!` and matches.
    const rows = parseTextLine(line, ['loss'], [filter as CompiledFilter], now);
    expect(rows.map((r) => [r.name, r.value.length])).toEqual([['loss', MAX_TEXT_LINE_LENGTH - 'loss='.length]]);
  });

  test('a filter RE2 refuses is an invalid-argument error saying what was expected', () => {
    expect(() => compileFilters([String.raw`(\w+)=(\d+)\1`])).toThrow(
      expect.objectContaining({ code: 'invalid-argument', message: expect.stringContaining('expected an RE2 regular expression') }),
    );
  });
});
