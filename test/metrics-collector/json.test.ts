import { describe, expect, test } from 'vitest';
import { ScribaError } from '../../src/errors.js';
import type { MetricLog } from '../../src/trial/types.js';
import { parseJsonLine } from '../../metrics-collector/index.js';

const NOW = '2026-01-02T03:04:05.000Z';
const now = () => NOW;
const row = (name: string, value: string, timeStamp = NOW): MetricLog => ({ timeStamp, name, value });
const NAMES = ['acc', 'loss'];

/**
 * Expected rows are Katib's parseLogsInJsonFormat output (kubeflow/katib
 * file-metricscollector, run under Go 1.26, zero time read as NOW), except where the last
 * column names a departure: `epoch` (number timestamps are seconds with a fraction) and
 * `number` (number-valued fields are collected). The first four lines are Katib's good.json.
 */
const cases: [string, string, MetricLog[], '' | 'epoch' | 'number'][] = [
  // [title, line, rows, departure]
  ['number timestamp, string value', '{"checkpoint_path": "", "global_step": "0", "loss": "0.22082142531871796", "timestamp": 1638422847.28721, "trial": "0"}', [row('loss', '0.22082142531871796', '2021-12-02T05:27:27.28721Z')], 'epoch'],
  ['number timestamp, six decimals', '{"acc": "0.9349666833877563", "checkpoint_path": "", "global_step": "0", "timestamp": 1638422847.287801, "trial": "0"}', [row('acc', '0.9349666833877563', '2021-12-02T05:27:27.287801Z')], 'epoch'],
  ['RFC3339Nano timestamp kept as written', '{"checkpoint_path": "", "global_step": "1", "loss": "0.1414974331855774", "timestamp": "2021-12-02T14:27:50.000035161Z", "trial": "0"}', [row('loss', '0.1414974331855774', '2021-12-02T14:27:50.000035161Z')], ''],
  ['no timestamp: the read time', '{"checkpoint_path": "", "global_step": "2", "loss": "0.10683439671993256", "trial": "0"}', [row('loss', '0.10683439671993256')], ''],
  ['timestamp with an offset', '{"loss": "0.1", "timestamp": "2021-12-02T14:27:50.000035161+09:00"}', [row('loss', '0.1', '2021-12-02T14:27:50.000035161+09:00')], ''],
  ['whole-second number timestamp', '{"acc": "0.93", "timestamp": 1638422847}', [row('acc', '0.93', '2021-12-02T05:27:27Z')], ''],
  ['invalid string timestamp', '{"loss": "0.22", "timestamp": "invalid"}', [row('loss', '0.22')], ''],
  ['empty string timestamp', '{"loss": "0.22", "timestamp": ""}', [row('loss', '0.22')], ''],
  ['boolean timestamp', '{"loss": "0.22", "timestamp": true}', [row('loss', '0.22')], ''],
  ['rows in metricNames order', '{"loss": "0.2", "acc": "0.9", "timestamp": "2021-12-02T14:27:50Z"}', [row('acc', '0.9', '2021-12-02T14:27:50Z'), row('loss', '0.2', '2021-12-02T14:27:50Z')], ''],
  ['non-numeric string value', '{"acc": "high"}', [row('acc', 'high')], ''],
  ['whitespace around the object', '  {"loss": "0.1"}  ', [row('loss', '0.1')], ''],
  ['other fields ignored', '{"epoch": 3, "lr": "0.01", "timestamp": 1638422847}', [], ''],
  ['booleans, null, arrays and objects ignored', '{"loss": true, "acc": null}', [], ''],
  ['arrays and objects ignored', '{"loss": [0.5], "acc": {"value": 1}}', [], ''],
  ['number values', '{"loss": 0.25, "acc": 1}', [row('acc', '1'), row('loss', '0.25')], 'number'],
  ['number value with exponent', '{"loss": 1e-7}', [row('loss', '1e-7')], 'number'],
  ['number values beyond float range', '{"loss": 1e999, "acc": -1e999}', [row('acc', '-Infinity'), row('loss', 'Infinity')], 'number'],
  ['blank line', '', [], ''],
];

describe('parseJsonLine (katib-spec §6, JSON)', () => {
  test.each(cases)('%s: %s', (_title, line, rows) => {
    expect(parseJsonLine(line, NAMES, 1, 'metrics.json', now)).toEqual(rows);
  });

  test.each(['   ', '\t', '\r'])('a whitespace-only line %j gives no rows', (line) => {
    expect(parseJsonLine(line, NAMES, 1, 'metrics.json', now)).toEqual([]);
  });

  test('a metric named like an Object.prototype member is read from the line only', () => {
    expect(parseJsonLine('{"loss": "1"}', ['constructor', 'toString', 'loss'], 1, 'm', now)).toEqual([row('loss', '1')]);
    expect(parseJsonLine('{"constructor": "2"}', ['constructor'], 1, 'm', now)).toEqual([row('constructor', '2')]);
  });

  test('the read time is taken once per line, only when needed', () => {
    let calls = 0;
    const counting = () => {
      calls += 1;
      return NOW;
    };
    parseJsonLine('{"loss": "1", "acc": "2", "timestamp": 1638422847}', NAMES, 1, 'm', counting);
    expect(calls).toBe(0);
    parseJsonLine('{"loss": "1", "acc": "2"}', NAMES, 1, 'm', counting);
    expect(calls).toBe(1);
  });

  test.each([
    ['Katib invalid-format.json, line 1', '"checkpoint_path": "", "global_step": "0", "loss": "0.22082142531871796"'],
    ['Katib invalid-format.json, line 2 (cut off)', '{"acc": "0.9349666833877563", "checkpoint_path": "", "trial": "0'],
    ['TEXT output', 'loss=0.1'],
    ['an array', '[{"loss": "0.1"}]'],
    ['a string', '"loss"'],
    ['a number', '42'],
    ['null (Katib: no rows, no error)', 'null'],
    ["Python json.dumps' NaN", '{"loss": NaN}'],
  ])('not a JSON object: %s', (_title, line) => {
    const attempt = () => parseJsonLine(line, NAMES, 7, 'out/metrics.json', now);
    expect(attempt).toThrow(ScribaError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'invalid-argument', message: `out/metrics.json line 7: not a JSON object: ${line}` }));
  });

  test('a long bad line is cut short in the message', () => {
    const line = `{"loss": "${'9'.repeat(200)}"`;
    expect(() => parseJsonLine(line, NAMES, 3, 'stdout', now)).toThrow(`stdout line 3: not a JSON object: ${line.slice(0, 77)}...`);
  });
});
