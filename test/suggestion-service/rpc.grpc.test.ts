import * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, test } from 'vitest';
import { getAlgorithm } from '../../algorithms/registry.js';
import { settingValue } from '../../algorithms/settings.js';
import type { Algorithm } from '../../algorithms/types.js';
import { ObservationLogStore } from '../../src/store/observation-log-store.js';
import type { TrialRecord } from '../../src/trial/types.js';
import { HealthClient, SuggestionClient } from '../../suggestion-service/client.js';
import { encodeExperiment } from '../../suggestion-service/experiment-codec.js';
import { experiment, failure, serve, stopAll, trial } from './support.js';

afterEach(stopAll);

/** An algorithm that names its trials, labels them and counts its calls in a setting Katib round-trips. */
const counter: Algorithm = {
  name: 'counter',
  validateSettings: () => [],
  async getSuggestions({ experiment: e, trials, count }) {
    const calls = Number(settingValue(e, 'calls') ?? '0') + 1;
    const range = Array.from({ length: count }, (_, i) => trials.length + i);
    return {
      assignments: range.map((k) => [{ name: 'lr', value: String(0.001 * (k + 1)) }]),
      trialNames: range.map((k) => `${e.name}-trial-${k}`),
      labels: range.map(() => ({ 'scriba.dev/call': String(calls) })),
      settingsUpdate: [{ name: 'calls', value: String(calls) }],
      earlyStoppingRules: [{ name: 'loss', value: '1.5', comparison: 'greater', startStep: 2 }],
    };
  },
};
const withCounter = (name: string): Algorithm => (name === 'counter' ? counter : getAlgorithm(name));

describe('Suggestion.GetSuggestions', () => {
  test('returns exactly current_request_number assignments; no state update for a stateless algorithm', async () => {
    const server = await serve({ suggestion: { algorithm: 'random' } });
    const client = new SuggestionClient(server.address);
    for (const count of [1, 3, 7]) {
      const reply = await client.getSuggestionsWire({ experiment: encodeExperiment(experiment('random')), trials: [], currentRequestNumber: count, totalRequestNumber: count });
      expect(reply.parameterAssignments).toHaveLength(count);
      expect(reply.parameterAssignments?.[0]?.trialName).toBe('');
      expect(reply.algorithm).toBeNull();
    }
    const none = await client.getSuggestionsWire({ experiment: encodeExperiment(experiment('random')), trials: [], currentRequestNumber: 0 });
    expect(none.parameterAssignments).toEqual([]);
    client.close();
  });

  test('trial names, labels, early-stopping rules and the state update travel to Katib, and the state comes back', async () => {
    const server = await serve({ suggestion: { algorithm: 'all', getAlgorithm: withCounter } });
    const client = new SuggestionClient(server.address);
    const e = experiment('counter');
    const first = await client.getSuggestionsWire({ experiment: encodeExperiment(e), trials: [], currentRequestNumber: 2, totalRequestNumber: 2 });
    expect(first.parameterAssignments).toEqual([
      { assignments: [{ name: 'lr', value: '0.001' }], trialName: 'grpc-test-trial-0', labels: { 'scriba.dev/call': '1' } },
      { assignments: [{ name: 'lr', value: '0.002' }], trialName: 'grpc-test-trial-1', labels: { 'scriba.dev/call': '1' } },
    ]);
    expect(first.algorithm).toEqual({ algorithmName: 'counter', algorithmSettings: [{ name: 'calls', value: '1' }] });
    expect(first.earlyStoppingRules).toEqual([{ name: 'loss', value: '1.5', comparison: 'GREATER', startStep: 2 }]);
    // Katib overlays the returned settings on the experiment's before the next call.
    const next = await client.getSuggestions({
      experiment: { ...e, spec: { ...e.spec, algorithm: { algorithmName: 'counter', algorithmSettings: [{ name: 'calls', value: '1' }] } } },
      trials: [trial('grpc-test-trial-0', 'Running', '0.001'), trial('grpc-test-trial-1', 'Running', '0.002')],
      count: 1,
    });
    expect(next).toEqual({
      assignments: [[{ name: 'lr', value: '0.003' }]],
      trialNames: ['grpc-test-trial-2'],
      labels: [{ 'scriba.dev/call': '2' }],
      settingsUpdate: [{ name: 'calls', value: '2' }],
      earlyStoppingRules: [{ name: 'loss', value: '1.5', comparison: 'greater', startStep: 2 }],
    });
    client.close();
  });

  test('a grid walked to its end is OUT_OF_RANGE, not a short reply Katib would reject', async () => {
    const server = await serve({ suggestion: { algorithm: 'grid' } });
    const client = new SuggestionClient(server.address);
    const e = experiment('grid', { parameters: [{ name: 'k', parameterType: 'int', feasibleSpace: { min: '1', max: '2' } }] });
    delete e.spec.maxTrialCount;
    const taken = { ...trial('a', 'Succeeded', '', 1), parameterAssignments: [{ name: 'k', value: '1' }] };
    expect((await client.getSuggestions({ experiment: e, trials: [taken], count: 1 })).assignments).toEqual([[{ name: 'k', value: '2' }]]);
    const error = await failure(client.getSuggestions({ experiment: e, trials: [taken], count: 2 }));
    expect(error.code).toBe(status.OUT_OF_RANGE);
    expect(error.details).toContain('exhausted');
    client.close();
  });

  test('an algorithm that breaks its contract is INTERNAL and reported, and the server carries on', async () => {
    const broken: Algorithm = { name: 'broken', validateSettings: () => [], getSuggestions: async () => ({ assignments: [] }) };
    const throwing: Algorithm = {
      name: 'throwing',
      validateSettings: () => [],
      getSuggestions: async () => {
        throw new TypeError('boom');
      },
    };
    const reported: string[] = [];
    const server = await serve({
      suggestion: { algorithm: 'all', getAlgorithm: (n) => (n === 'broken' ? broken : n === 'throwing' ? throwing : getAlgorithm(n)) },
      onInternalError: (method, details) => reported.push(`${method}: ${details}`),
    });
    const client = new SuggestionClient(server.address);
    const short = await failure(client.getSuggestions({ experiment: experiment('broken'), trials: [], count: 2 }));
    expect([short.code, short.details]).toEqual([status.INTERNAL, 'algorithm broken returned 0 assignments, expected 2']);
    const thrown = await failure(client.getSuggestions({ experiment: experiment('throwing'), trials: [], count: 1 }));
    expect([thrown.code, thrown.details]).toEqual([status.INTERNAL, 'algorithm throwing failed: boom']);
    expect(reported).toEqual(['GetSuggestions: algorithm broken returned 0 assignments, expected 2', 'GetSuggestions: algorithm throwing failed: boom']);
    expect((await client.getSuggestions({ experiment: experiment('random'), trials: [], count: 1 })).assignments).toHaveLength(1);
    client.close();
  });

  test('10,000 trials of 20 parameters (8.3 MB, over gRPC\'s default 4 MiB) are served', async () => {
    const parameters = Array.from({ length: 20 }, (_, i) => ({ name: `parameter_${i}`, parameterType: 'double' as const, feasibleSpace: { min: '0', max: '1' } }));
    const e = experiment('random', { parameters });
    const trials: TrialRecord[] = Array.from({ length: 10_000 }, (_, k) => ({
      name: `grpc-test-${String(k).padStart(8, '0')}`,
      parameterAssignments: parameters.map((p, j) => ({ name: p.name, value: String(((k * 7919 + j * 104729) % 1000003) / 1000003) })),
      condition: 'Succeeded',
      conditions: [],
      creationTime: '2026-01-01T00:00:00Z',
      startTime: '2026-01-01T00:00:00Z',
      completionTime: '2026-01-01T01:00:00Z',
      observation: { metrics: [{ name: 'loss', min: String(k / 10_000), max: String(k / 10_000), latest: String(k / 10_000) }] },
    }));
    const server = await serve({ suggestion: { algorithm: 'all' } });
    const client = new SuggestionClient(server.address);
    const reply = await client.getSuggestions({ experiment: e, trials, count: 3 });
    expect(reply.assignments).toHaveLength(3);
    client.close();
  });
});

describe('Suggestion.ValidateAlgorithmSettings', () => {
  test('valid settings get an empty reply; invalid ones INVALID_ARGUMENT with Katib\'s message', async () => {
    const server = await serve({ suggestion: { algorithm: 'all' } });
    const client = new SuggestionClient(server.address);
    await expect(client.validateAlgorithmSettingsWire({ experiment: encodeExperiment(experiment('tpe', { settings: [{ name: 'n_startup_trials', value: '5' }] })) })).resolves.toEqual({});
    const error = await failure(client.validateAlgorithmSettings(experiment('tpe', { settings: [{ name: 'gamma', value: '1.5' }] })));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toBe('invalid experiment for algorithm tpe: spec.algorithm.algorithmSettings[0].value: failed to validate gamma(1.5): expected a number > 0 and < 1');
    client.close();
  });
});

describe('grpc.health.v1.Health.Check', () => {
  test('SERVING for the server and for the names Katib probes; NOT_FOUND for others', async () => {
    const server = await serve({ suggestion: { algorithm: 'all' } });
    const health = new HealthClient(server.address);
    for (const name of ['', 'grpc.health.v1.Health', 'manager.v1beta1.Suggestion', 'api.v1.beta1.Suggestion']) {
      expect(await health.check(name), name).toBe('SERVING');
    }
    expect((await failure(health.check('api.v1.beta1.DBManager'))).code).toBe(status.NOT_FOUND);
    health.close();
  });

  test('each server answers for the services it hosts', async () => {
    const store = new ObservationLogStore(':memory:');
    const server = await serve({ earlyStopping: { store }, dbManager: { store } });
    const health = new HealthClient(server.address);
    for (const name of ['', 'api.v1.beta1.EarlyStopping', 'manager.v1beta1.EarlyStopping', 'api.v1.beta1.DBManager', 'manager.v1beta1.DBManager']) {
      expect(await health.check(name), name).toBe('SERVING');
    }
    expect((await failure(health.check('manager.v1beta1.Suggestion'))).code).toBe(status.NOT_FOUND);
    health.close();
    store.close();
  });
});

describe('grpc.health.v1.Health.Watch', () => {
  test('streams the status now, SERVICE_UNKNOWN for other names; a stopping server sends NOT_SERVING and ends the streams at once', async () => {
    const server = await serve({ suggestion: { algorithm: 'all' } });
    const health = new HealthClient(server.address);
    const seen: Record<string, string[]> = { server: [], other: [], cancelled: [] };
    const first = (key: string) =>
      new Promise<void>((resolve) => {
        const check = setInterval(() => (seen[key]?.length ? (clearInterval(check), resolve()) : undefined), 5);
      });
    const whole = health.watch('', (s) => seen.server?.push(s));
    const other = health.watch('api.v1.beta1.DBManager', (s) => seen.other?.push(s));
    const cancelled = health.watch('manager.v1beta1.Suggestion', (s) => seen.cancelled?.push(s));
    await Promise.all([first('server'), first('other'), first('cancelled')]);
    expect(seen).toEqual({ server: ['SERVING'], other: ['SERVICE_UNKNOWN'], cancelled: ['SERVING'] });
    cancelled.cancel();
    await cancelled.ended;

    // A grace period far beyond the test's timeout: the drain completes only if the open
    // streams do not hold it.
    await server.shutdown(600_000);
    await Promise.all([whole.ended, other.ended]);
    expect(seen).toEqual({ server: ['SERVING', 'NOT_SERVING'], other: ['SERVICE_UNKNOWN'], cancelled: ['SERVING'] });
    health.close();
  });

  test('a request that is not a valid message is INVALID_ARGUMENT', async () => {
    const server = await serve({ suggestion: { algorithm: 'all' } });
    const client = new grpc.Client(server.address, grpc.credentials.createInsecure());
    const stream = client.makeServerStreamRequest('/grpc.health.v1.Health/Watch', (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x0a, 0x85]));
    const error = await new Promise<grpc.ServiceError>((resolve) => stream.on('error', resolve));
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.details).toContain('/grpc.health.v1.Health/Watch: the request is not a valid message');
    client.close();
  });
});
