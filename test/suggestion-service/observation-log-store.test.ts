import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ScribaError } from '../../src/errors.js';
import { ObservationLogStore } from '../../src/store/observation-log-store.js';
import { compareInstants, formatRfc3339, parseRfc3339 } from '../../src/store/rfc3339.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { makeExperiment } from '../support/experiment.js';
import { addTrial, createState } from '../../src/loop/state.js';

describe('RFC 3339 at microsecond resolution', () => {
  // Hand derivations: 1970..2025 has 56 years and 14 leap years (1972..2024), so
  // 2026-01-01 is day 56·365 + 14 = 20454, second 20454·86400 = 1767225600. Go's zero
  // time 0001-01-01T00:00:00Z is Unix second -62135596800.
  test.each([
    ['1970-01-01T00:00:00Z', 0, 0],
    ['1970-01-01T00:00:01.5Z', 1, 500000],
    ['2026-01-01T00:00:00Z', 1767225600, 0],
    ['2026-01-01T01:00:00+01:00', 1767225600, 0],
    ['2025-12-31T19:30:00-04:30', 1767225600, 0],
    ['2026-01-01t00:00:00.000001z', 1767225600, 1],
    ['2026-01-01T00:00:00.123456789Z', 1767225600, 123456],
    ['1969-12-31T23:59:59.999999Z', -1, 999999],
    ['0001-01-01T00:00:00Z', -62135596800, 0],
    ['2024-02-29T00:00:00Z', 1709164800, 0],
  ])('%s -> (%i s, %i µs)', (text, seconds, micros) => {
    expect(parseRfc3339(text)).toEqual({ seconds, micros });
  });

  test.each(['', 'yesterday', '2026-01-01', '2026-01-01 00:00:00Z', '2026-01-01T00:00:00', '2026-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:60:00Z', '2026-01-01T00:00:60Z', '2026-01-01T00:00:00+25:00', '2026-01-01T00:00:00.Z'])(
    '%j is not RFC 3339',
    (text) => {
      expect(parseRfc3339(text)).toBeUndefined();
    },
  );

  test.each([
    [{ seconds: 0, micros: 0 }, '1970-01-01T00:00:00Z'],
    [{ seconds: 1, micros: 500000 }, '1970-01-01T00:00:01.5Z'],
    [{ seconds: -1, micros: 999999 }, '1969-12-31T23:59:59.999999Z'],
    [{ seconds: 1767225600, micros: 120 }, '2026-01-01T00:00:00.00012Z'],
    [{ seconds: -62135596800, micros: 0 }, '0001-01-01T00:00:00Z'],
  ])('%j formats as Go\'s RFC3339Nano in UTC: %s', (instant, text) => {
    expect(formatRfc3339(instant)).toBe(text);
  });

  test('property: format then parse is the identity; instants order as their exact microsecond counts', () => {
    const instant = fc.record({ seconds: fc.integer({ min: -62135596800, max: 253402300799 }), micros: fc.integer({ min: 0, max: 999999 }) });
    const exact = (t: { seconds: number; micros: number }) => BigInt(t.seconds) * 1_000_000n + BigInt(t.micros);
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        expect(parseRfc3339(formatRfc3339(a))).toEqual(a);
        const d = exact(a) - exact(b);
        expect(Math.sign(compareInstants(a, b))).toBe(d > 0n ? 1 : d < 0n ? -1 : 0);
      }),
    );
  });
});

describe('ObservationLogStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scriba-logs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a refused report stores nothing; rows without a timestamp are skipped', () => {
    const store = new ObservationLogStore(':memory:');
    expect(store.report('t', [{ timeStamp: '', name: 'loss', value: '1' }, { timeStamp: '2026-01-01T00:00:00Z', name: 'loss', value: '2' }])).toBe(1);
    expect(() => store.report('t', [{ timeStamp: '2026-01-01T00:00:01Z', name: 'loss', value: '3' }, { timeStamp: 'now', name: 'loss', value: '4' }])).toThrow(ScribaError);
    expect(store.get('t').map((l) => l.value)).toEqual(['2']);
    expect(() => store.report('', [])).toThrow(/trial_name/);
    expect(store.delete('t')).toBe(1);
    expect(store.delete('t')).toBe(0);
    store.close();
  });

  test('equal timestamps keep the order reported', () => {
    const store = new ObservationLogStore(':memory:');
    store.report('t', ['a', 'b', 'c'].map((value) => ({ timeStamp: '2026-01-01T00:00:00Z', name: 'm', value })));
    store.report('t', [{ timeStamp: '2025-12-31T23:59:59Z', name: 'm', value: 'first' }]);
    expect(store.get('t').map((l) => l.value)).toEqual(['first', 'a', 'b', 'c']);
    store.close();
  });

  test('shares a file with the experiment store without touching its tables', () => {
    const path = join(dir, 'scriba.db');
    const experiments = new SqliteStore(path);
    const state = createState(makeExperiment(), 3);
    experiments.createExperiment(state);
    const logs = new ObservationLogStore(path);
    logs.report('loop-test-x', [{ timeStamp: '2026-01-01T00:00:00Z', name: 'loss', value: '1' }]);
    logs.setCondition('loop-test-x', 'EarlyStopped', '2026-01-01T00:00:05Z');
    expect(experiments.experimentNames()).toEqual(['loop-test']);
    expect(experiments.loadState('loop-test').seed).toBe(3);
    expect(experiments.observationLog('loop-test-x')).toEqual([]);
    expect(logs.condition('loop-test-x')).toEqual({ condition: 'EarlyStopped', time: '2026-01-01T00:00:05Z' });
    logs.close();
    experiments.close();
  });

  test("serves the logs scriba run keeps for its own trials, merged in time order, and deletes them", () => {
    const path = join(dir, 'scriba.db');
    const logs = new ObservationLogStore(path); // opened before scriba run made its tables
    const experiments = new SqliteStore(path);
    const state = createState(makeExperiment(), 3);
    experiments.createExperiment(state);
    const trial = addTrial(state, [{ name: 'lr', value: '0.1' }]);
    experiments.trialChanged(state, trial);
    experiments.logsAppended(state, trial.name, [
      { timeStamp: '2026-01-01T00:00:01Z', name: 'loss', value: 'run-1' },
      { timeStamp: '2026-01-01T01:00:03+01:00', name: 'loss', value: 'run-3' },
      { timeStamp: '2026-01-01T00:00:02Z', name: 'accuracy', value: 'run-acc' },
    ]);
    logs.report(trial.name, [
      { timeStamp: '2026-01-01T00:00:02.5Z', name: 'loss', value: 'katib-2.5' },
      { timeStamp: '2026-01-01T00:00:03Z', name: 'loss', value: 'katib-3' },
    ]);
    expect(logs.get(trial.name).map((l) => [l.timeStamp, l.name, l.value])).toEqual([
      ['2026-01-01T00:00:01Z', 'loss', 'run-1'],
      ['2026-01-01T00:00:02Z', 'accuracy', 'run-acc'],
      ['2026-01-01T00:00:02.5Z', 'loss', 'katib-2.5'],
      ['2026-01-01T00:00:03Z', 'loss', 'run-3'],
      ['2026-01-01T00:00:03Z', 'loss', 'katib-3'],
    ]);
    expect(logs.get(trial.name, { metricName: 'loss', startTime: '2026-01-01T00:00:02Z', endTime: '2026-01-01T00:00:03Z' }).map((l) => l.value)).toEqual([
      'katib-2.5',
      'run-3',
      'katib-3',
    ]);
    expect(logs.delete(trial.name)).toBe(5);
    expect(logs.get(trial.name)).toEqual([]);
    expect(experiments.observationLog(trial.name)).toEqual([]);
    logs.close();
    experiments.close();
  });
});
