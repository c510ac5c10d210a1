import { describe, expect, test } from 'vitest';
import { ScribaError } from '../../src/errors.js';
import type { MetricLog } from '../../src/trial/types.js';
import { DEFAULT_FILTER, compileFilters, parseTextLine } from '../../metrics-collector/index.js';

const NOW = '2026-01-02T03:04:05.000Z';
const now = () => NOW;
const row = (name: string, value: string, timeStamp = NOW): MetricLog => ({ timeStamp, name, value });

/** Katib's own filter from its file-collector tests and the examples (katib-spec §6). */
const KATIB_BRACES = String.raw`{metricName: ([\w|-]+), metricValue: ((-?\d+)(\.\d+)?)}`;
const GENOTYPE = String.raw`([\w-]+)=(Genotype.*)`;
const SPACED = String.raw`(\w+\s\w+)\s*:\s*([+-]?\d*(\.\d+)?)`;

/**
 * Expected rows are Katib's: each case was also run through Katib's parseLogsInTextFormat
 * (kubeflow/katib pkg/metricscollector/v1beta1/file-metricscollector, Go 1.26 regexp)
 * with its zero time read as NOW. The last group of cases departs from Katib on purpose.
 */
const cases: [string, string, string[], string[], MetricLog[]][] = [
  // [title, line, metricNames, filters, rows]
  ['name=value', 'loss=0.1', ['loss'], [], [row('loss', '0.1')]],
  ['spaces around =', 'loss = 0.1', ['loss'], [], [row('loss', '0.1')]],
  ['two metrics on one line, in line order', 'accuracy=0.9 loss=0.2', ['loss', 'accuracy'], [], [row('accuracy', '0.9'), row('loss', '0.2')]],
  ['surrounding text and commas', 'epoch 3: loss=0.25, accuracy=0.5 (best)', ['loss', 'accuracy'], [], [row('loss', '0.25'), row('accuracy', '0.5')]],
  ['exponent', 'loss=1e-3', ['loss'], [], [row('loss', '1e-3')]],
  ['signed mantissa and exponent', 'loss=+2.5E+4 accuracy=-0.5', ['loss', 'accuracy'], [], [row('loss', '+2.5E+4'), row('accuracy', '-0.5')]],
  ['no leading digit', 'loss=.5', ['loss'], [], [row('loss', '.5')]],
  ['the same metric twice', 'loss=0.3 loss=0.2', ['loss'], [], [row('loss', '0.3'), row('loss', '0.2')]],
  ['names with - and |', 'val-loss=0.3 top|1=0.7', ['val-loss', 'top|1'], [], [row('val-loss', '0.3'), row('top|1', '0.7')]],
  ['no metric name in the line', 'epoch 3 done', ['loss'], [], []],
  ['metric not in metricNames', 'f1=0.5 lossy=0.1', ['loss'], [], []],
  ['a longer name is not the metric', 'train-loss=0.4', ['loss'], [], []],
  ['a non-number value is recorded empty, as Katib does', 'loss=nan', ['loss'], [], [row('loss', '')]],
  ['leading RFC3339Nano timestamp', '2024-03-04T17:55:08.123456789Z loss=0.1', ['loss'], [], [row('loss', '0.1', '2024-03-04T17:55:08.123456789Z')]],
  ['leading RFC3339 timestamp with offset', '2021-12-02T14:27:50+09:00 INFO loss=0.1', ['loss'], [], [row('loss', '0.1', '2021-12-02T14:27:50+09:00')]],
  ['leading non-timestamp token', 'INFO loss=0.1', ['loss'], [], [row('loss', '0.1')]],
  ['leading out-of-range timestamp', '2024-02-30T17:55:08Z loss=0.1', ['loss'], [], [row('loss', '0.1')]],
  ['a timestamp after the first token', 'at 2024-03-04T17:55:08Z loss=0.1', ['loss'], [], [row('loss', '0.1')]],
  ['Katib braces filter, two matches', '2024-03-04T17:55:08Z INFO     {metricName: accuracy, metricValue: 0.8078};{metricName: loss, metricValue: 0.5183}', ['accuracy', 'loss'], [KATIB_BRACES], [row('accuracy', '0.8078', '2024-03-04T17:55:08Z'), row('loss', '0.5183', '2024-03-04T17:55:08Z')]],
  ['Katib braces filter, negative value', '{metricName: accuracy, metricValue: -0.4759}', ['accuracy'], [KATIB_BRACES], [row('accuracy', '-0.4759')]],
  ['Katib braces filter rejects .333', '{metricName: accuracy, metricValue: .333}', ['accuracy'], [KATIB_BRACES], []],
  ['Katib braces filter rejects 888.', '{metricName: accuracy, metricValue: 888.}', ['accuracy'], [KATIB_BRACES], []],
  ['a custom filter replaces the default', 'loss=0.1', ['loss'], [KATIB_BRACES], []],
  ['string value (DARTS genotype)', "Best-Genotype=Genotype(normal=[[('sep_conv_3x3', 0)]], normal_concat=range(2, 6))", ['Best-Genotype'], [GENOTYPE], [row('Best-Genotype', "Genotype(normal=[[('sep_conv_3x3', 0)]], normal_concat=range(2, 6))")]],
  ['metric names with spaces', 'Epoch 3 Train loss: 0.3', ['Train loss'], [SPACED], [row('Train loss', '0.3')]],
  ['every filter in order', 'Validation accuracy: 0.85 loss=0.1', ['loss', 'Validation accuracy'], [DEFAULT_FILTER, SPACED], [row('loss', '0.1'), row('Validation accuracy', '0.85')]],
  // Departures from Katib (see leadingTimestamp in metrics-collector/text.ts).
  ['tab after the timestamp (Katib splits at a space only)', '2024-03-04T17:55:08Z\tloss=0.1', ['loss'], [], [row('loss', '0.1', '2024-03-04T17:55:08Z')]],
];

describe('parseTextLine (katib-spec §6, TEXT)', () => {
  test.each(cases)('%s: %j', (_title, line, metricNames, filters, rows) => {
    expect(parseTextLine(line, metricNames, filters, now)).toEqual(rows);
    // The same result with filters compiled once.
    expect(parseTextLine(line, metricNames, compileFilters(filters), now)).toEqual(rows);
  });

  test('the read time is taken only for lines that carry a metric and no timestamp', () => {
    let calls = 0;
    const counting = () => {
      calls += 1;
      return NOW;
    };
    parseTextLine('epoch 3 done', ['loss'], [], counting);
    parseTextLine('2024-03-04T17:55:08Z loss=0.1', ['loss'], [], counting);
    expect(calls).toBe(0);
    parseTextLine('loss=0.1 loss=0.2', ['loss'], [], counting);
    expect(calls).toBe(1);
  });

  test('without `now` a line without timestamp gets the current time', () => {
    const before = Date.now();
    const [log] = parseTextLine('loss=0.1', ['loss']);
    expect(Date.parse(log?.timeStamp ?? '')).toBeGreaterThanOrEqual(before);
  });

  test('the default filter is the one Katib ships', () => {
    expect(DEFAULT_FILTER).toBe('([\\w|-]+)\\s*=\\s*([+-]?\\d*(\\.\\d+)?([Ee][+-]?\\d+)?)');
    expect(compileFilters().map((r) => r.source)).toEqual([DEFAULT_FILTER]);
    expect(compileFilters([]).map((r) => r.source)).toEqual([DEFAULT_FILTER]);
  });

  test('a filter with fewer than two groups gives no rows', () => {
    expect(parseTextLine('loss=0.1', ['loss'], [String.raw`(loss)=\d`], now)).toEqual([]);
  });

  test('a RegExp filter is recompiled with RE2 and finds every match', () => {
    expect(parseTextLine('loss=1 loss=2', ['loss'], [/(\w+)=(\d+)/], now)).toEqual([row('loss', '1'), row('loss', '2')]);
  });

  test('an invalid filter is an invalid-argument error naming it', () => {
    expect(() => compileFilters(['(loss=']))
      .toThrow(expect.objectContaining({ code: 'invalid-argument', message: expect.stringContaining('"(loss="') }));
    expect(() => parseTextLine('loss=0.1', ['loss'], ['(loss='])).toThrow(ScribaError);
  });
});
