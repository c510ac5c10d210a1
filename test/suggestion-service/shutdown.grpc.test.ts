import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, test } from 'vitest';
import type { Algorithm } from '../../algorithms/types.js';
import { SuggestionClient } from '../../suggestion-service/client.js';
import { createHealthService } from '../../suggestion-service/health.js';
import { experiment, failure, serve, stopAll } from './support.js';

afterEach(stopAll);

describe('shutdown', () => {
  const slow = (ms: number): Algorithm => ({
    name: 'slow',
    validateSettings: () => [],
    getSuggestions: ({ count }) => new Promise((resolve) => setTimeout(() => resolve({ assignments: Array.from({ length: count }, () => [{ name: 'lr', value: '0.01' }]) }), ms)),
  });

  test('calls in flight finish within the grace period; new calls are refused; health says NOT_SERVING meanwhile', async () => {
    const server = await serve({ suggestion: { algorithm: 'slow', getAlgorithm: () => slow(400) } });
    const client = new SuggestionClient(server.address, { timeoutMs: 5000 });
    const inFlight = client.getSuggestions({ experiment: experiment('slow'), trials: [], count: 2 });
    await new Promise((r) => setTimeout(r, 100));
    const stopped = server.shutdown(5000);
    expect((await inFlight).assignments).toHaveLength(2);
    await stopped;
    expect((await failure(client.getSuggestions({ experiment: experiment('slow'), trials: [], count: 1 }))).code).toBe(status.UNAVAILABLE);
    client.close();
  });

  test('past the grace period, calls still running are cancelled and shutdown completes', async () => {
    const server = await serve({ suggestion: { algorithm: 'slow', getAlgorithm: () => slow(3000) } });
    const client = new SuggestionClient(server.address, { timeoutMs: 10_000 });
    const inFlight = failure(client.getSuggestions({ experiment: experiment('slow'), trials: [], count: 1 }));
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await server.shutdown(200);
    expect(Date.now() - started).toBeLessThan(2000);
    expect([status.CANCELLED, status.UNAVAILABLE]).toContain((await inFlight).code);
    client.close();
  });

  test('the health service turns NOT_SERVING when stopped', async () => {
    const health = createHealthService(['suggestion']);
    expect(await health.check({ service: 'manager.v1beta1.Suggestion' })).toEqual({ status: 'SERVING' });
    health.stop();
    expect(await health.check({ service: '' })).toEqual({ status: 'NOT_SERVING' });
  });
});
