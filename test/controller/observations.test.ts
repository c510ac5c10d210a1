import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ObservationRouter } from '../../controller/observations.js';
import { ObservationLogStore } from '../../src/store/observation-log-store.js';
import type { MetricLog } from '../../src/trial/types.js';

const row = (value: number, second = 0): MetricLog => ({ timeStamp: `2026-01-01T00:00:0${second}Z`, name: 'loss', value: String(value) });

describe('the controller\'s DB manager store (ObservationRouter)', () => {
  let dir: string;
  let ns: ObservationLogStore;
  let router: ObservationRouter;
  const awaited = new Set<string>();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scriba-observations-'));
    ns = new ObservationLogStore(join(dir, 'team.db'));
    awaited.clear();
    router = new ObservationRouter(dir, () => ns, () => ['team'], (trial) => awaited.has(trial));
  });
  afterEach(() => {
    router.close();
    ns.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a running trial\'s reports go to its loop, rows without a timestamp skipped, a bad timestamp refused', () => {
    const got: MetricLog[][] = [];
    const stop = router.accept('team', 't1', (logs) => got.push([...logs]));
    expect(router.report('t1', [row(1), { timeStamp: '', name: 'loss', value: '2' }])).toBe(1);
    expect(got).toEqual([[row(1)]]);
    expect(() => router.report('t1', [{ timeStamp: 'yesterday', name: 'loss', value: '3' }])).toThrow(/metric_logs\[0\]\.time_stamp/);
    stop();
    // No longer running, not awaited: a caller's own trial, kept apart from the namespace stores.
    expect(router.report('t1', [row(4, 1)])).toBe(1);
    expect(got).toHaveLength(1);
    expect(ns.get('t1')).toEqual([]);
    expect(router.get('t1').map((l) => l.value)).toEqual(['4']);
  });

  test('reports for a stored running trial that no loop has re-attached to yet reach the loop once it does', () => {
    awaited.add('t2');
    expect(router.report('t2', [row(1, 0)])).toBe(1);
    expect(router.report('t2', [row(2, 1), row(3, 2)])).toBe(2);
    const got: MetricLog[][] = [];
    router.accept('team', 't2', (logs) => got.push([...logs]));
    expect(got).toEqual([[row(1, 0), row(2, 1), row(3, 2)]]);
    router.report('t2', [row(4, 3)]);
    expect(got.at(-1)).toEqual([row(4, 3)]);
  });

  test('a deleted awaited trial drops what was held for it', () => {
    awaited.add('t3');
    router.report('t3', [row(1)]);
    router.delete('t3');
    const got: MetricLog[][] = [];
    router.accept('team', 't3', (logs) => got.push([...logs]));
    expect(got).toEqual([]);
  });
});
