import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, test } from 'vitest';
import { ObservationLogStore } from '../../src/store/observation-log-store.js';
import { DbManagerClient, EarlyStoppingClient } from '../../suggestion-service/client.js';
import { failure, experiment, serve, stopAll, trial } from './support.js';

afterEach(async () => {
  await stopAll();
});

describe('EarlyStopping with asha over loopback', () => {
  const es = (settings: Array<{ name: string; value: string }>) => {
    const e = experiment('random', { parameters: [{ name: 'lr', parameterType: 'double', feasibleSpace: { min: '0', max: '1' } }] });
    return { ...e, spec: { ...e.spec, earlyStopping: { algorithmName: 'asha', algorithmSettings: settings } } };
  };

  test('GetEarlyStoppingRules: the first rung\'s rule from the DB manager\'s logs, once η trials reached it', async () => {
    const dbStore = new ObservationLogStore(':memory:');
    const dbServer = await serve({ dbManager: { store: dbStore } });
    const esServer = await serve({ earlyStopping: {} });
    const db = new DbManagerClient(dbServer.address);
    // η 2, min_resource 2: r0 = 2, a trial's rung value the best of its first 2 losses:
    // a min(3, 2) = 2, b min(5, 4) = 4, c min(1, 9) = 1, d only one value -> not at the rung.
    const logs: Record<string, number[]> = { a: [3, 2, 0], b: [5, 4], c: [1, 9], d: [0] };
    for (const [name, values] of Object.entries(logs)) {
      await db.reportObservationLog(name, values.map((v, i) => ({ timeStamp: `2026-01-01T00:00:0${i}Z`, name: 'loss', value: String(v) })));
    }
    const client = new EarlyStoppingClient(esServer.address);
    const settings = [{ name: 'reduction_factor', value: '2' }, { name: 'min_resource', value: '2' }];
    const trials = [trial('a', 'Succeeded', '0.1'), trial('b', 'EarlyStopped', '0.2'), trial('c', 'Running', '0.3'), trial('d', 'Running', '0.4')];
    // m 3 (a, b, c): sorted 1 2 4, ⌊(3 + 1)/2⌋ = 2 -> the 2nd best, 2.
    expect(await client.getEarlyStoppingRules({ experiment: es(settings), trials, dbManagerAddress: dbServer.address })).toEqual([
      { name: 'loss', value: '2', comparison: 'greater', startStep: 2 },
    ]);
    // With only a at the rung (d has not reached it): m 1 < η 2, no rule.
    const early = [trial('a', 'Succeeded', '0.1'), trial('d', 'Running', '0.4')];
    expect(await client.getEarlyStoppingRules({ experiment: es(settings), trials: early, dbManagerAddress: dbServer.address })).toEqual([]);
    client.close();
    db.close();
    dbStore.close();
  });

  test('ValidateEarlyStoppingSettings accepts asha\'s settings and names a bad or unknown one', async () => {
    const server = await serve({ earlyStopping: {} });
    const client = new EarlyStoppingClient(server.address);
    await expect(client.validateEarlyStoppingSettingsWire({ earlyStopping: { algorithmName: 'asha', algorithmSettings: [{ name: 'reduction_factor', value: '4' }] } })).resolves.toEqual({});
    await expect(client.validateEarlyStoppingSettingsWire({ earlyStopping: { algorithmName: 'asha', algorithmSettings: [] } })).resolves.toEqual({});
    const bad = await failure(client.validateEarlyStoppingSettings({ algorithmName: 'asha', algorithmSettings: [{ name: 'min_resource', value: '0' }] }));
    expect([bad.code, bad.details]).toEqual([
      status.INVALID_ARGUMENT,
      'invalid settings for early stopping algorithm asha: spec.earlyStopping.algorithmSettings[0].value: failed to validate min_resource(0): expected an integer >= 1',
    ]);
    const unknown = await failure(client.validateEarlyStoppingSettings({ algorithmName: 'asha', algorithmSettings: [{ name: 'eta', value: '3' }] }));
    expect(unknown.code).toBe(status.INVALID_ARGUMENT);
    expect(unknown.details).toContain('unknown setting eta for algorithm asha; known settings: min_resource, reduction_factor, min_early_stopping_rate');
    client.close();
  });
});
