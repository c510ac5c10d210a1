import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createRandom } from '../../algorithms/random/index.js';
import { search, tune } from '../../src/api/index.js';
import { runExperiment } from '../../src/loop/run.js';
import { bestTrial, counts, experimentStatus } from '../../src/loop/state.js';
import { findBestTrial } from '../../src/loop/status.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { continueExperiment, openExperiment } from '../../src/store/open.js';
import type { TrialConditionType, TrialRecord } from '../../src/trial/types.js';
import { autoRunner, makeExperiment, manualRunner, metric, settle } from '../support/experiment.js';

/*
 * Only trials that carry an observation in Katib, Succeeded and EarlyStopped, may be best
 * or reach the goal. A trial that reported a value and then failed keeps its log and its
 * values but never ranks.
 */

function trial(name: string, condition: TrialConditionType, loss: number): TrialRecord {
  const v = String(loss);
  return {
    name,
    condition,
    conditions: [],
    creationTime: '2026-01-01T00:00:00Z',
    parameterAssignments: [],
    observation: { metrics: [{ name: 'loss', min: v, max: v, latest: v }] },
  };
}

const objective = { type: 'minimize' as const, objectiveMetricName: 'loss', metricStrategies: [{ name: 'loss', value: 'min' as const }] };

describe('which trials rank', () => {
  test('Failed, Killed, Running and Created trials with better values are passed over', () => {
    const trials = [
      trial('failed', 'Failed', 0.01),
      trial('killed', 'Killed', 0.02),
      trial('running', 'Running', 0.03),
      trial('created', 'Created', 0.04),
      trial('ok', 'Succeeded', 0.5),
      trial('stopped', 'EarlyStopped', 0.4),
    ];
    expect(findBestTrial(trials, objective)?.name).toBe('stopped');
    expect(findBestTrial(trials.slice(0, 4), objective)).toBeUndefined();
  });

  test('a trial that reports the goal and then fails neither becomes best nor ends the experiment', async () => {
    const experiment = makeExperiment({
      parallelTrialCount: 1,
      maxTrialCount: 3,
      maxFailedTrialCount: 3,
      objective: { ...objective, goal: 0.1 },
    });
    const runner = autoRunner((i) =>
      i === 0
        ? { outcome: { status: 'failed', message: 'exit code 1' }, logs: [metric('loss', 0.05)] }
        : { outcome: { status: 'completed' }, logs: [metric('loss', 0.5 + i)] },
    );
    const state = await runExperiment({ experiment, algorithm: createRandom(), runner, seed: 4 });
    expect(counts(state)).toMatchObject({ total: 3, succeeded: 2, failed: 1 });
    expect(state.outcome?.reason).toBe('ExperimentMaxTrialsReached');
    expect(bestTrial(state)?.name).toBe(state.trials[1]?.name);
    // the failed trial keeps what it reported
    expect(state.logs.get(state.trials[0]!.name)?.map((l) => l.value)).toEqual(['0.05']);
  });

  test('tune(): an objective that reports and then throws gives no best trial and a Failed experiment', async () => {
    const result = await tune({
      parameters: { x: search.double({ min: 0, max: 1 }) },
      objective: async (_p, { report }) => {
        report({ loss: 0.228 });
        throw new Error('diverged');
      },
      objectiveMetricName: 'loss',
      objectiveType: 'minimize',
      goal: 0.5,
      maxTrialCount: 1,
      maxFailedTrialCount: 1,
      parallelTrialCount: 1,
      seed: 1,
    });
    expect(result.counts).toMatchObject({ total: 1, succeeded: 0, failed: 1 });
    expect(result.bestTrial).toBeUndefined();
    expect(result.status).toBe('Failed');
    expect(result.reason).toBe('ExperimentFailed');
  });

  test('the failure message counts the trials that failed after the limit was reached', async () => {
    const m = manualRunner();
    const done = runExperiment({
      experiment: makeExperiment({ parallelTrialCount: 3, maxTrialCount: 3, maxFailedTrialCount: 1 }),
      algorithm: createRandom(),
      runner: m.runner,
      seed: 5,
    });
    await settle();
    for (let i = 0; i < 3; i++) {
      m.finishNext({ status: 'failed', message: 'timed out' }, [metric('loss', 0.1)]);
      await settle();
    }
    const state = await done;
    expect(counts(state)).toMatchObject({ total: 3, failed: 3 });
    const status = experimentStatus(state);
    expect(status.status).toBe('Failed');
    expect(status.message).toBe('Experiment has failed because max failed count has reached (3 failed trials, maxFailedTrialCount 1)');
    expect(state.conditions.at(-1)?.message).toBe(status.message);
    expect(bestTrial(state)).toBeUndefined();
  });
});

describe('which trials rank, read back from the store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scriba-ranking-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a store holding a better Failed trial gives the Succeeded one as best', async () => {
    const db = join(dir, 'ranking.db');
    const store = new SqliteStore(db);
    const runner = autoRunner((i) =>
      i === 0
        ? { outcome: { status: 'failed', message: 'killed' }, logs: [metric('loss', 0.001)] }
        : { outcome: { status: 'completed' }, logs: [metric('loss', 0.9)] },
    );
    const experiment = makeExperiment({ parallelTrialCount: 1, maxTrialCount: 2, maxFailedTrialCount: 2 });
    const state = openExperiment(store, experiment, { seed: 6, seedGiven: true, source: 'test' });
    await runExperiment({ experiment: state, algorithm: createRandom(), runner, seed: 6 });
    store.close();
    const reopened = new SqliteStore(db);
    try {
      const again = continueExperiment(reopened, experiment.metadata.name);
      expect(bestTrial(again)?.name).toBe(again.trials[1]?.name);
      expect(bestTrial(again)?.condition).toBe('Succeeded');
    } finally {
      reopened.close();
    }
  });
});
