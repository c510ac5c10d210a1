import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { search, tune } from '../../src/index.js';
import { createState } from '../../src/loop/state.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { makeExperiment } from '../support/experiment.js';

let dir = '';
let db = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-tune-store-'));
  db = join(dir, 'tune.db');
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

const options = () => ({
  name: 'stored',
  parameters: { x: search.double({ min: 0, max: 1 }) },
  objectiveType: 'minimize' as const,
  maxTrialCount: 6,
  parallelTrialCount: 1,
  seed: 4,
  store: db,
  objective: ({ x }: { x: number }) => x,
});

describe('tune({ store })', () => {
  test('gives up its claim when onTrialComplete throws, and the experiment can be continued', async () => {
    await expect(
      tune({
        ...options(),
        onTrialComplete: () => {
          throw new Error('callback failed');
        },
      }),
    ).rejects.toThrow('callback failed');
    const store = new SqliteStore(db, { create: false });
    try {
      expect(store.owner('stored').pid).toBeUndefined();
    } finally {
      store.close();
    }
    const result = await tune(options());
    expect(result.counts.succeeded).toBe(6);
  });

  test('a claim is released only by its owner', () => {
    const store = new SqliteStore(db);
    try {
      store.createExperiment(createState(makeExperiment(), 1, store));
      const other = new Database(db);
      other.prepare('UPDATE experiments SET owner_pid = 1 WHERE name = ?').run('loop-test');
      other.close();
      store.release('loop-test');
      expect(store.owner('loop-test').pid).toBe(1);
    } finally {
      store.close();
    }
  });

  test('records the experiment in SQLite and continues an unfinished one', async () => {
    // A first run whose fourth trial never returns stands in for a process that died mid-trial.
    let calls = 0;
    let fourthStarted = (): void => {};
    const started = new Promise<void>((resolve) => {
      fourthStarted = resolve;
    });
    void tune({
      ...options(),
      objective: ({ x }) => {
        if (++calls <= 3) return x;
        fourthStarted();
        return new Promise<number>(() => {});
      },
    });
    await started;
    const mid = new SqliteStore(db);
    const before = mid.loadState('stored');
    // Release the claim the hanging run holds (same process), as a crash would.
    mid.release('stored');
    mid.close();
    expect(before.trials.map((t) => t.condition)).toEqual(['Succeeded', 'Succeeded', 'Succeeded', 'Running']);
    const result = await tune(options());
    expect(result).toMatchObject({ status: 'Succeeded', reason: 'ExperimentMaxTrialsReached', seed: 4 });
    expect(result.trials).toHaveLength(6);
    expect(result.trials.slice(0, 3).map((t) => t.name)).toEqual(before.trials.slice(0, 3).map((t) => t.name));
    expect(result.trials[3]?.conditions.map((c) => c.reason)).toEqual(['TrialCreated', 'TrialRunning', 'TrialRestarted', 'TrialRunning', 'TrialSucceeded']);
    await expect(tune({ ...options(), parameters: { x: search.double({ min: 0, max: 2 }) } })).rejects.toThrow(/different spec.parameters/);
  });

  test('a finished experiment continues when maxTrialCount is raised (resumePolicy LongRunning by default)', async () => {
    const first = await tune({ ...options(), maxTrialCount: 3 });
    expect(first).toMatchObject({ status: 'Succeeded', reason: 'ExperimentMaxTrialsReached', counts: { total: 3 } });
    await expect(tune({ ...options(), maxTrialCount: 3 })).rejects.toThrow(/has already ended \(Succeeded, ExperimentMaxTrialsReached\).*raise maxTrialCount/);
    const second = await tune({ ...options(), maxTrialCount: 5 });
    expect(second).toMatchObject({ status: 'Succeeded', reason: 'ExperimentMaxTrialsReached', seed: 4, counts: { total: 5, succeeded: 5 } });
    expect(second.trials.slice(0, 3)).toEqual(first.trials);
    // The continued trials are the ones an uninterrupted run of 5 would have had.
    const whole = await tune({ ...options(), name: 'whole', maxTrialCount: 5 });
    expect(second.trials.map((t) => t.parameters)).toEqual(whole.trials.map((t) => t.parameters));
    const stored = new SqliteStore(db);
    expect(stored.loadState('stored').experiment.spec).toMatchObject({ maxTrialCount: 5, resumePolicy: 'LongRunning' });
    stored.close();
  });

  test('resumePolicy Never keeps a finished experiment finished', async () => {
    await tune({ ...options(), maxTrialCount: 2, resumePolicy: 'Never' });
    await expect(tune({ ...options(), maxTrialCount: 4, resumePolicy: 'Never' })).rejects.toThrow(
      'experiment stored in ' + db + ' has ended, and it was recorded with resumePolicy Never, so it cannot be continued: use another name or store',
    );
  });

  test('resumePolicy is checked: a known value, and only with a store', async () => {
    const { store: _store, ...noStore } = options();
    await expect(tune({ ...noStore, resumePolicy: 'LongRunning' })).rejects.toThrow(/resumePolicy: applies only to an experiment recorded in a store/);
    await expect(tune({ ...options(), resumePolicy: 'FromVolume' as never })).rejects.toThrow(
      /resumePolicy: expected LongRunning or Never, got "FromVolume" \(FromVolume keeps a Kubernetes volume; tune\(\) has none\)/,
    );
  });

  test('a timeout ends the call, not the stored experiment: the next call continues it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const timed = {
      ...options(),
      maxTrialCount: 10,
      timeout: 25,
      objective: ({ x }: { x: number }) => {
        vi.setSystemTime(Date.now() + 10_000);
        return x;
      },
    };
    const first = await tune(timed);
    expect(first).toMatchObject({ status: 'Succeeded', reason: 'ExperimentTimeoutReached', counts: { total: 3 } });
    const stored = new SqliteStore(db);
    expect(stored.loadState('stored').outcome).toBeUndefined();
    stored.close();
    const second = await tune(timed);
    expect(second).toMatchObject({ status: 'Succeeded', reason: 'ExperimentTimeoutReached', counts: { total: 6 } });
    expect(second.trials.slice(0, 3).map((t) => t.name)).toEqual(first.trials.map((t) => t.name));
  });
});
