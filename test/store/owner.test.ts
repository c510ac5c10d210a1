import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createRandom } from '../../algorithms/random/index.js';
import { runExperiment } from '../../src/loop/run.js';
import { createState } from '../../src/loop/state.js';
import { ObservationLogStore } from '../../src/store/observation-log-store.js';
import { SqliteStore, STALE_AFTER_MS } from '../../src/store/sqlite-store.js';
import { autoRunner, makeExperiment, metric } from '../support/experiment.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-owner-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pid that named a process a moment ago and names none now. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']);
  return Number(child.stdout.toString().trim());
}

describe('the owner of an experiment', () => {
  test('claim records this process with a heartbeat; release clears both', () => {
    const store = new SqliteStore(join(dir, 'scriba.db'));
    try {
      store.createExperiment(createState(makeExperiment(), 1, store));
      store.claim('loop-test');
      const claimed = store.owner('loop-test');
      expect(claimed).toMatchObject({ pid: process.pid, alive: true });
      expect(Date.now() - Date.parse(claimed.heartbeatAt ?? '')).toBeLessThan(60_000);
      // a heartbeat older than the limit: the pid may name another process by now
      expect(store.owner('loop-test', Date.parse(claimed.heartbeatAt ?? '') + STALE_AFTER_MS + 1).alive).toBe(false);
      store.release('loop-test');
      expect(store.owner('loop-test')).toEqual({ alive: false });
    } finally {
      store.close();
    }
  });

  test('an owner process that is gone is not alive, and does not block a resume', () => {
    const path = join(dir, 'scriba.db');
    const store = new SqliteStore(path);
    try {
      store.createExperiment(createState(makeExperiment(), 1, store));
      const pid = deadPid();
      new Database(path).prepare('UPDATE experiments SET owner_pid = ?').run(pid);
      expect(store.owner('loop-test')).toMatchObject({ pid, alive: false });
      expect(store.liveOwner('loop-test')).toBeUndefined();
    } finally {
      store.close();
    }
  });

  test('a store of an older version gains the heartbeat column', () => {
    const path = join(dir, 'old.db');
    const old = new Database(path);
    old.exec(`CREATE TABLE experiments (name TEXT PRIMARY KEY, experiment TEXT NOT NULL, seed INTEGER NOT NULL, conditions TEXT NOT NULL,
      outcome TEXT, exhausted INTEGER NOT NULL DEFAULT 0, owner_pid INTEGER, source TEXT, created_at TEXT NOT NULL)`);
    old.close();
    const store = new SqliteStore(path);
    try {
      store.createExperiment(createState(makeExperiment(), 1, store));
      expect(store.owner('loop-test')).toMatchObject({ pid: process.pid, alive: true });
    } finally {
      store.close();
    }
  });
});

describe('opening and deleting', () => {
  test('create: false refuses a missing file and creates nothing', () => {
    const path = join(dir, 'missing', 'scriba.db');
    expect(() => new SqliteStore(path, { create: false })).toThrow(`no store at ${path}`);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  test('deleteExperiment removes the experiment, its trials and every log row of them, and nothing else', async () => {
    const path = join(dir, 'scriba.db');
    const store = new SqliteStore(path);
    const katib = new ObservationLogStore(path);
    try {
      for (const name of ['one', 'two']) {
        const state = createState({ ...makeExperiment({ maxTrialCount: 2 }), metadata: { name } }, 1, store);
        store.createExperiment(state);
        await runExperiment({ experiment: state, algorithm: createRandom(), runner: autoRunner(() => ({ outcome: { status: 'completed' }, logs: [metric('loss', 1)] })) });
      }
      const [doomed, kept] = [store.loadState('one').trials[0]!.name, store.loadState('two').trials[0]!.name];
      katib.report(doomed, [{ timeStamp: '2026-01-01T00:00:00Z', name: 'loss', value: '2' }]);
      expect(store.deleteExperiment('one')).toHaveLength(2);
      expect(store.experimentNames()).toEqual(['two']);
      expect(store.experimentOfTrial(doomed)).toBeUndefined();
      expect(katib.get(doomed)).toEqual([]);
      expect(katib.get(kept)).toHaveLength(1);
    } finally {
      katib.close();
      store.close();
    }
  });
});
