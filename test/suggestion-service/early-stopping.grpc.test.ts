import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ObservationLogStore } from '../../src/store/observation-log-store.js';
import { DbManagerClient, EarlyStoppingClient } from '../../suggestion-service/client.js';
import { encodeExperiment } from '../../suggestion-service/experiment-codec.js';
import { experiment, failure, serve, stopAll, trial } from './support.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scriba-grpc-'));
});
afterEach(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('DBManager: Report, Get and Delete with Katib\'s semantics (katib-spec §1.3)', () => {
  test('rows come back in time order, filtered by metric and an inclusive time range, at microsecond resolution', async () => {
    const store = new ObservationLogStore(join(dir, 'scriba.db'));
    const server = await serve({ dbManager: { store } });
    const db = new DbManagerClient(server.address);
    await db.reportObservationLog('t1', [
      { timeStamp: '2026-01-01T00:00:02Z', name: 'loss', value: '0.5' },
      { timeStamp: '2026-01-01T00:00:01.000001Z', name: 'loss', value: '0.9' },
      { timeStamp: '2026-01-01T01:00:03+01:00', name: 'accuracy', value: '0.7' },
      { timeStamp: '', name: 'loss', value: 'skipped: no timestamp' },
      { timeStamp: '2026-01-01T00:00:04.123456789Z', name: 'loss', value: '0.25' },
    ]);
    await db.reportObservationLog('t2', [{ timeStamp: '2026-01-01T00:00:01Z', name: 'loss', value: '7' }]);
    expect(await db.getObservationLog('t1')).toEqual([
      { timeStamp: '2026-01-01T00:00:01.000001Z', name: 'loss', value: '0.9' },
      { timeStamp: '2026-01-01T00:00:02Z', name: 'loss', value: '0.5' },
      { timeStamp: '2026-01-01T00:00:03Z', name: 'accuracy', value: '0.7' },
      { timeStamp: '2026-01-01T00:00:04.123456Z', name: 'loss', value: '0.25' },
    ]);
    expect((await db.getObservationLog('t1', { metricName: 'loss' })).map((l) => l.value)).toEqual(['0.9', '0.5', '0.25']);
    expect((await db.getObservationLog('t1', { startTime: '2026-01-01T00:00:02Z', endTime: '2026-01-01T00:00:03Z' })).map((l) => l.value)).toEqual(['0.5', '0.7']);
    expect((await db.getObservationLog('t1', { startTime: '2026-01-01T00:00:01.000002Z' })).map((l) => l.value)).toEqual(['0.5', '0.7', '0.25']);
    expect(await db.getObservationLog('nobody')).toEqual([]);

    const bad = await failure(db.reportObservationLog('t1', [{ timeStamp: '2026-01-01T00:00:09Z', name: 'loss', value: '1' }, { timeStamp: 'yesterday', name: 'loss', value: '2' }]));
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toContain('metric_logs[1].time_stamp');
    expect(await db.getObservationLog('t1', { metricName: 'loss' })).toHaveLength(3); // nothing of the refused report
    expect((await failure(db.getObservationLog('t1', { startTime: 'soon' }))).code).toBe(status.INVALID_ARGUMENT);

    await db.deleteObservationLog('t1');
    expect(await db.getObservationLog('t1')).toEqual([]);
    expect(await db.getObservationLog('t2')).toHaveLength(1);
    db.close();
    await stopAll();
    store.close();
    // Kept in the store: a new DB manager on the same file sees t2.
    const again = new ObservationLogStore(join(dir, 'scriba.db'));
    expect(again.get('t2')).toEqual([{ timeStamp: '2026-01-01T00:00:01Z', name: 'loss', value: '7' }]);
    again.close();
  });
});

describe('EarlyStopping with medianstop', () => {
  const es = (settings: Array<{ name: string; value: string }> = []) => {
    const e = experiment('random', { parameters: [{ name: 'lr', parameterType: 'double', feasibleSpace: { min: '0', max: '1' } }] });
    return { ...e, spec: { ...e.spec, earlyStopping: { algorithmName: 'medianstop', algorithmSettings: settings } } };
  };
  // Mean of the first 2 loss values per trial: a 1.5, b 2.5, c 10.5 (a diverging trial), d not Succeeded.
  const logs: Record<string, number[]> = { a: [1, 2, 9], b: [2, 3, 0], c: [10, 11, 12], d: [0, 0, 0] };
  const trials = [trial('a', 'Succeeded', '0.1', 1), trial('b', 'Succeeded', '0.2', 0), trial('c', 'Succeeded', '0.3', 10), trial('d', 'Running', '0.4')];

  async function reportAll(db: DbManagerClient) {
    for (const [name, values] of Object.entries(logs)) {
      await db.reportObservationLog(name, values.map((v, i) => ({ timeStamp: `2026-01-01T00:00:0${i}Z`, name: 'loss', value: String(v) })));
    }
  }

  test('GetEarlyStoppingRules reads the logs from the DB manager at db_manager_address and returns the true median', async () => {
    const dbStore = new ObservationLogStore(':memory:');
    const dbServer = await serve({ dbManager: { store: dbStore } });
    const esServer = await serve({ earlyStopping: {} });
    const db = new DbManagerClient(dbServer.address);
    await reportAll(db);
    const client = new EarlyStoppingClient(esServer.address);
    const rules = await client.getEarlyStoppingRules({ experiment: es([{ name: 'start_step', value: '2' }]), trials, dbManagerAddress: dbServer.address });
    // Median of {1.5, 2.5, 10.5} is 2.5; Katib's mean would be 14.5 / 3 = 4.8333.
    expect(rules).toEqual([{ name: 'loss', value: '2.5', comparison: 'greater', startStep: 2 }]);
    const wire = await client.getEarlyStoppingRulesWire({ experiment: encodeExperiment(es([{ name: 'min_trials_required', value: '4' }])), trials: [], dbManagerAddress: dbServer.address });
    expect(wire.earlyStoppingRules).toEqual([]);
    client.close();
    db.close();
    dbStore.close();
  });

  test('without db_manager_address it reads the local store; SetTrialStatus records EarlyStopped there', async () => {
    const store = new ObservationLogStore(join(dir, 'scriba.db'));
    const server = await serve({ earlyStopping: { store }, dbManager: { store } });
    const db = new DbManagerClient(server.address);
    await reportAll(db);
    const client = new EarlyStoppingClient(server.address);
    const maximize = es([{ name: 'start_step', value: '1' }, { name: 'min_trials_required', value: '3' }]);
    maximize.spec.objective = { type: 'maximize', objectiveMetricName: 'loss' };
    expect(await client.getEarlyStoppingRules({ experiment: maximize, trials })).toEqual([{ name: 'loss', value: '2', comparison: 'less', startStep: 1 }]);
    await client.setTrialStatus('d');
    expect(store.condition('d')).toMatchObject({ condition: 'EarlyStopped' });
    expect((await failure(client.setTrialStatus(''))).code).toBe(status.INVALID_ARGUMENT);
    client.close();
    db.close();
    store.close();
  });

  test('with neither a DB manager address nor a store: FAILED_PRECONDITION; SetTrialStatus is kept in memory', async () => {
    const server = await serve({ earlyStopping: {} });
    const client = new EarlyStoppingClient(server.address);
    const error = await failure(client.getEarlyStoppingRules({ experiment: es(), trials }));
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(error.details).toContain('db_manager_address');
    await client.setTrialStatus('d');
    client.close();
  });

  test('an unreachable DB manager is UNAVAILABLE, which Katib retries', async () => {
    const server = await serve({ earlyStopping: { dbManagerClient: { timeoutMs: 2000 } } });
    const client = new EarlyStoppingClient(server.address);
    const error = await failure(client.getEarlyStoppingRules({ experiment: es(), trials, dbManagerAddress: '127.0.0.1:1' }));
    expect(error.code).toBe(status.UNAVAILABLE);
    client.close();
  });

  test('ValidateEarlyStoppingSettings: empty reply when valid, INVALID_ARGUMENT naming the setting when not', async () => {
    const server = await serve({ earlyStopping: {} });
    const client = new EarlyStoppingClient(server.address);
    await expect(client.validateEarlyStoppingSettingsWire({ earlyStopping: { algorithmName: 'medianstop', algorithmSettings: [{ name: 'min_trials_required', value: '2' }] } })).resolves.toEqual({});
    const error = await failure(client.validateEarlyStoppingSettings({ algorithmName: 'medianstop', algorithmSettings: [{ name: 'start_step', value: '0' }] }));
    expect([error.code, error.details]).toEqual([
      status.INVALID_ARGUMENT,
      'invalid settings for early stopping algorithm medianstop: spec.earlyStopping.algorithmSettings[0].value: failed to validate start_step(0): expected an integer >= 1',
    ]);
    client.close();
  });
});
