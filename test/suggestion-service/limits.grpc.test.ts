import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObservationLogStore } from '../../src/store/observation-log-store.js';
import { DbManagerClient, HealthClient, SuggestionClient } from '../../suggestion-service/client.js';
import { encodeExperiment } from '../../suggestion-service/experiment-codec.js';
import { echo, echoList, LIMITS } from '../../suggestion-service/limits.js';
import type { ScribaServer } from '../../suggestion-service/server.js';
import type { WireExperiment, WireParameterSpec } from '../../suggestion-service/wire.js';
import { experiment, failure, serve, stopAll } from './support.js';

let server: ScribaServer;
// One client, one connection: every probe is followed by calls on the same connection.
let suggestion: SuggestionClient;
let health: HealthClient;

beforeAll(async () => {
  server = await serve({ suggestion: { algorithm: 'all' } });
  suggestion = new SuggestionClient(server.address, { timeoutMs: 30_000 });
  health = new HealthClient(server.address, { timeoutMs: 30_000 });
});
afterAll(async () => {
  suggestion.close();
  health.close();
  await stopAll();
});

const base = encodeExperiment(experiment('random')) as Required<WireExperiment> & { spec: NonNullable<WireExperiment['spec']> };

function withAlgorithm(algorithmName: string, settings: Array<{ name: string; value: string }> = []): WireExperiment {
  return { ...base, spec: { ...base.spec, algorithm: { algorithmName, algorithmSettings: settings } } };
}
function withParameters(algorithmName: string, parameters: WireParameterSpec[]): WireExperiment {
  return { ...base, spec: { ...base.spec, algorithm: { algorithmName, algorithmSettings: [] }, parameterSpecs: { parameters } } };
}
const doubles = (n: number): WireParameterSpec[] => Array.from({ length: n }, (_, i) => ({ name: `x${i}`, parameterType: 'DOUBLE', feasibleSpace: { min: '0', max: '1' } }));

/** The connection still answers: a health check and a normal GetSuggestions. */
async function stillServes(): Promise<void> {
  expect(await health.check('manager.v1beta1.Suggestion')).toBe('SERVING');
  expect((await suggestion.getSuggestions({ experiment: experiment('random'), trials: [], count: 2 })).assignments).toHaveLength(2);
}

describe('echo', () => {
  test('cuts long input and says how long it was', () => {
    expect(echo('abc')).toBe('abc');
    expect(echo('x'.repeat(150))).toBe(`${'x'.repeat(100)}… (150 characters)`);
    expect(echoList(['a', 'b'])).toBe('a, b');
    expect(echoList(Array.from({ length: 12 }, (_, i) => `s${i}`))).toBe('s0, s1, s2, s3, s4 and 7 more');
  });
});

describe('requests past the limits: INVALID_ARGUMENT naming the field and the limit, small details, the connection still serves', () => {
  test('a 1 MB algorithm name', async () => {
    const name = 'a'.repeat(1024 * 1024);
    for (const call of [() => suggestion.getSuggestionsWire({ experiment: withAlgorithm(name), trials: [], currentRequestNumber: 1 }), () => suggestion.validateAlgorithmSettingsWire({ experiment: withAlgorithm(name) })]) {
      const error = await failure(call());
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.details).toContain(`spec.algorithm.algorithmName: is ${name.length} characters long; the limit is ${LIMITS.nameChars}`);
      expect(error.details.length).toBeLessThan(1000);
    }
    await stillServes();
  });

  test('10,000 unknown settings', async () => {
    const settings = Array.from({ length: 10_000 }, (_, i) => ({ name: `unknown_${i}`, value: String(i) }));
    for (const call of [() => suggestion.getSuggestionsWire({ experiment: withAlgorithm('tpe', settings), trials: [], currentRequestNumber: 1 }), () => suggestion.validateAlgorithmSettingsWire({ experiment: withAlgorithm('tpe', settings) })]) {
      const error = await failure(call());
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.details).toContain(`spec.algorithm.algorithmSettings: has 10000 settings; the limit is ${LIMITS.settings}`);
      expect(error.details.length).toBeLessThan(1000);
    }
    await stillServes();
  });

  test('as many unknown settings as allowed: the issues listed are cut, with how many more', async () => {
    const settings = Array.from({ length: LIMITS.settings }, (_, i) => ({ name: `unknown_${i}`, value: String(i) }));
    const error = await failure(suggestion.validateAlgorithmSettingsWire({ experiment: withAlgorithm('tpe', settings) }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain('unknown setting unknown_0 for algorithm tpe');
    expect(error.details).toMatch(/; and \d+ more$/);
    expect(error.details.length).toBeLessThan(5000);
    await stillServes();
  });

  test('a 100 KB health service name', async () => {
    const name = 'h'.repeat(100 * 1024);
    const error = await failure(health.check(name));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain(`service: is ${name.length} characters long; the limit is ${LIMITS.nameChars}`);
    expect(error.details.length).toBeLessThan(1000);
    const unknown = await failure(health.check('u'.repeat(200)));
    expect([unknown.code, unknown.details]).toEqual([status.NOT_FOUND, expect.stringContaining(`${'u'.repeat(100)}… (200 characters)`)]);
    await stillServes();
  });

  test('10,000 parameters (cmaes)', async () => {
    const error = await failure(suggestion.getSuggestionsWire({ experiment: withParameters('cmaes', doubles(10_000)), trials: [], currentRequestNumber: 1 }));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, expect.stringContaining('spec.parameters: 10,000 parameters exceed the limit of 1,000 parameters')]);
    await stillServes();
  });

  test.each([
    { case: 'a feasible list too long', experiment: withParameters('random', [{ name: 'c', parameterType: 'CATEGORICAL', feasibleSpace: { list: Array.from({ length: LIMITS.feasibleListEntries + 1 }, (_, i) => `v${i}`) } }]), details: 'spec.parameters[0].feasibleSpace.list: a list of 10,001 values exceeds the limit of 10,000 values' },
    { case: 'a feasible bound too long', experiment: withParameters('random', [{ name: 'x', parameterType: 'DOUBLE', feasibleSpace: { min: '0', max: '1'.repeat(LIMITS.feasibleValueChars + 1) } }]), details: `spec.parameters[0].feasibleSpace.max: is ${LIMITS.feasibleValueChars + 1} characters long; the limit is ${LIMITS.feasibleValueChars}` },
    { case: 'a parameter name too long', experiment: withParameters('random', [{ name: 'p'.repeat(300), parameterType: 'DOUBLE', feasibleSpace: { min: '0', max: '1' } }]), details: `spec.parameters[0].name: is 300 characters long; the limit is ${LIMITS.nameChars}` },
    { case: 'a setting value too long', experiment: withAlgorithm('random', [{ name: 'random_state', value: '1'.repeat(LIMITS.settingValueChars + 1) }]), details: `spec.algorithm.algorithmSettings[0].value: is ${LIMITS.settingValueChars + 1} characters long; the limit is ${LIMITS.settingValueChars}` },
    { case: 'an experiment name too long', experiment: { ...base, name: 'e'.repeat(1000) }, details: `experiment.name: is 1000 characters long; the limit is ${LIMITS.nameChars}` },
  ])('$case', async (row) => {
    const error = await failure(suggestion.getSuggestionsWire({ experiment: row.experiment, trials: [], currentRequestNumber: 1 }));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, expect.stringContaining(row.details)]);
    expect(error.details.length).toBeLessThan(1000);
  });

  test('total_request_number past the limit', async () => {
    const error = await failure(suggestion.getSuggestionsWire({ experiment: base, trials: [], currentRequestNumber: 1, totalRequestNumber: LIMITS.totalRequestNumber + 1 }));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, expect.stringContaining(`total_request_number: expected an integer from 0 to ${LIMITS.totalRequestNumber}`)]);
  });

  test('a trial name too long', async () => {
    const trials = [{ name: 't'.repeat(1000), spec: { parameterAssignments: { assignments: [] } }, status: { condition: 'SUCCEEDED' as const } }];
    const error = await failure(suggestion.getSuggestionsWire({ experiment: base, trials, currentRequestNumber: 1 }));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, expect.stringContaining(`trials[0].name: is 1000 characters long; the limit is ${LIMITS.nameChars}`)]);
    await stillServes();
  });
});

describe('DBManager: a trial name past the limit', () => {
  test('INVALID_ARGUMENT, and the store keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scriba-limits-'));
    const store = new ObservationLogStore(join(dir, 'k.db'));
    const db = await serve({ dbManager: { store } });
    const client = new DbManagerClient(db.address);
    try {
      const long = 't'.repeat(100_000);
      for (const call of [() => client.reportObservationLog(long, [{ timeStamp: '2026-01-01T00:00:00Z', name: 'loss', value: '1' }]), () => client.getObservationLog(long)]) {
        const error = await failure(call());
        expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, expect.stringContaining(`trial_name: is 100000 characters long; the limit is ${LIMITS.nameChars}`)]);
        expect(error.details.length).toBeLessThan(1000);
      }
      await client.reportObservationLog('t1', [{ timeStamp: '2026-01-01T00:00:00Z', name: 'loss', value: '1' }]);
      expect(await client.getObservationLog('t1')).toHaveLength(1);
    } finally {
      client.close();
      await stopAll();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
