import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, test } from 'vitest';
import type { Algorithm } from '../../algorithms/types.js';
import { SuggestionClient } from '../../suggestion-service/client.js';
import { createHealthService } from '../../suggestion-service/health.js';
import { experiment, failure, serve, stopAll } from './support.js';

afterEach(stopAll);

describe('shutdown', () => {
  /** An algorithm whose calls end only when the test says so; `arrived` resolves once a call reaches it. */
  const held = () => {
    let arrive: () => void = () => {};
    const arrived = new Promise<void>((r) => (arrive = r));
    const releases: Array<() => void> = [];
    const algorithm: Algorithm = {
      name: 'slow',
      validateSettings: () => [],
      getSuggestions: ({ count }) =>
        new Promise((resolve) => {
          releases.push(() => resolve({ assignments: Array.from({ length: count }, () => [{ name: 'lr', value: '0.01' }]) }));
          arrive();
        }),
    };
    return { algorithm, arrived, release: () => releases.forEach((r) => r()) };
  };

  test('calls in flight finish within the grace period; new calls are refused', async () => {
    const slow = held();
    const server = await serve({ suggestion: { algorithm: 'slow', getAlgorithm: () => slow.algorithm } });
    const client = new SuggestionClient(server.address, { timeoutMs: 60_000 });
    const inFlight = client.getSuggestions({ experiment: experiment('slow'), trials: [], count: 2 });
    await slow.arrived;
    const stopped = server.shutdown(60_000);
    slow.release();
    expect((await inFlight).assignments).toHaveLength(2);
    await stopped;
    expect((await failure(client.getSuggestions({ experiment: experiment('slow'), trials: [], count: 1 }))).code).toBe(status.UNAVAILABLE);
    client.close();
  });

  test('past the grace period, calls still running are cancelled and shutdown completes', async () => {
    // The call is never released: shutdown can only complete by cancelling it.
    const slow = held();
    const server = await serve({ suggestion: { algorithm: 'slow', getAlgorithm: () => slow.algorithm } });
    const client = new SuggestionClient(server.address, { timeoutMs: 60_000 });
    const inFlight = failure(client.getSuggestions({ experiment: experiment('slow'), trials: [], count: 1 }));
    await slow.arrived;
    await server.shutdown(200);
    expect([status.CANCELLED, status.UNAVAILABLE]).toContain((await inFlight).code);
    client.close();
    slow.release();
  });

  test('the health service turns NOT_SERVING when stopped', async () => {
    const health = createHealthService(['suggestion']);
    expect(await health.check({ service: 'manager.v1beta1.Suggestion' })).toEqual({ status: 'SERVING' });
    health.stop();
    expect(await health.check({ service: '' })).toEqual({ status: 'NOT_SERVING' });
  });
});
