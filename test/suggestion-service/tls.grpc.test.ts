import { status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { HealthClient, SuggestionClient, type ClientOptions } from '../../suggestion-service/client.js';
import { experiment, failure, makeCertificates, serve, stopAll, type Certificates } from './support.js';

let certs: Certificates;
beforeAll(() => {
  certs = makeCertificates();
});
afterAll(() => certs.remove());
afterEach(stopAll);

/** One GetSuggestions call from a client with these options. */
async function ask(address: string, options: ClientOptions) {
  const client = new SuggestionClient(address, { ...options, timeoutMs: 5000 });
  try {
    return await client.getSuggestions({ experiment: experiment('random'), trials: [], count: 2 });
  } finally {
    client.close();
  }
}

describe('TLS', () => {
  test('a client that trusts the CA is served; a plaintext client and one trusting other roots are refused', async () => {
    const server = await serve({ suggestion: { algorithm: 'all' }, tls: { cert: certs.serverCert, key: certs.serverKey } });
    expect((await ask(server.address, { tls: { ca: certs.ca } })).assignments).toHaveLength(2);
    expect((await ask(server.address.replace('127.0.0.1', 'localhost'), { tls: { ca: certs.ca } })).assignments).toHaveLength(2);
    expect((await failure(ask(server.address, {}))).code).toBe(status.UNAVAILABLE);
    expect((await failure(ask(server.address, { tls: {} }))).code).toBe(status.UNAVAILABLE);
    expect((await failure(ask(server.address, { tls: { ca: certs.ca, serverName: 'katib-db-manager' } }))).code).toBe(status.UNAVAILABLE);
  });
});

describe('mutual TLS', () => {
  test('a client with a certificate from the client CA is served; without one, or with a stranger\'s, it is refused', async () => {
    const server = await serve({ suggestion: { algorithm: 'all' }, tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.ca } });
    expect((await ask(server.address, { tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } })).assignments).toHaveLength(2);
    expect((await failure(ask(server.address, { tls: { ca: certs.ca } }))).code).toBe(status.UNAVAILABLE);
    expect((await failure(ask(server.address, { tls: { ca: certs.ca, cert: certs.strangerCert, key: certs.strangerKey } }))).code).toBe(status.UNAVAILABLE);
    expect((await failure(ask(server.address, {}))).code).toBe(status.UNAVAILABLE);
    const health = new HealthClient(server.address, { tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } });
    expect(await health.check('manager.v1beta1.Suggestion')).toBe('SERVING');
    health.close();
  });
});
