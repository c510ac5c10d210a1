import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceError } from '@grpc/grpc-js';
import { expect } from 'vitest';
import type { AlgorithmExperiment } from '../../algorithms/types.js';
import type { AlgorithmSetting, ParameterSpec } from '../../src/experiment/types.js';
import { createRng } from '../../src/rng.js';
import type { TrialRecord } from '../../src/trial/types.js';
import { startServer, type ScribaServer, type ServerOptions } from '../../suggestion-service/server.js';

/** Servers started by a test, shut down by `stopAll` in afterEach. */
const running: ScribaServer[] = [];

/** A server on a free loopback port. */
export async function serve(options: Omit<ServerOptions, 'port' | 'host'>): Promise<ScribaServer> {
  const server = await startServer({ ...options, host: '127.0.0.1', port: 0 });
  running.push(server);
  return server;
}

export async function stopAll(): Promise<void> {
  await Promise.all(running.splice(0).map((s) => s.shutdown(1000)));
}

/** The rejection of a call, as grpc-js's ServiceError. */
export async function failure(call: Promise<unknown>): Promise<ServiceError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the call should have failed').toBeInstanceOf(Error);
  return error as ServiceError;
}

export const SPACE: ParameterSpec[] = [
  { name: 'lr', parameterType: 'double', feasibleSpace: { min: '0.001', max: '0.1', distribution: 'logUniform' } },
  { name: 'units', parameterType: 'int', feasibleSpace: { min: '8', max: '64', step: '8' } },
  { name: 'dropout', parameterType: 'double', feasibleSpace: { min: '0', max: '0.5', step: '0.1' } },
  { name: 'batch', parameterType: 'discrete', feasibleSpace: { list: ['16', '32', '64'] } },
  { name: 'optimizer', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam', 'rmsprop'] } },
];

export function experiment(algorithmName: string, o: { settings?: AlgorithmSetting[]; parameters?: ParameterSpec[]; name?: string; parallel?: number; max?: number } = {}): AlgorithmExperiment {
  return {
    name: o.name ?? 'grpc-test',
    spec: {
      parameters: o.parameters ?? SPACE,
      objective: { type: 'minimize', objectiveMetricName: 'loss', additionalMetricNames: ['accuracy'] },
      algorithm: { algorithmName, algorithmSettings: o.settings ?? [] },
      parallelTrialCount: o.parallel ?? 3,
      maxTrialCount: o.max ?? 12,
    },
  };
}

/** A deterministic objective of an assignment: numbers as they are, list entries by position. */
export function objectiveOf(assignments: ReadonlyArray<{ name: string; value: string }>): number {
  return assignments.reduce((sum, a, i) => {
    const x = Number(a.value);
    return sum + (Number.isFinite(x) ? Math.abs(Math.log1p(Math.abs(x)) - 0.1 * i) : a.value.length / 10);
  }, 0);
}

/** Katib's trial-name suffix alphabet (katib-spec §3.3). */
const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

export function trialName(experimentName: string, seed: number, index: number): string {
  const rng = createRng(seed, 'test-trial-name', index);
  return `${experimentName}-${Array.from({ length: 8 }, () => NAME_CHARS[rng.int(NAME_CHARS.length)]).join('')}`;
}

export interface Certificates {
  dir: string;
  ca: Buffer;
  serverCert: Buffer;
  serverKey: Buffer;
  clientCert: Buffer;
  clientKey: Buffer;
  /** A client certificate signed by another CA: mutual TLS must refuse it. */
  strangerCert: Buffer;
  strangerKey: Buffer;
  remove(): void;
}

/**
 * A CA, a server certificate for 127.0.0.1/localhost and client certificates, made with
 * the openssl command line in a temporary folder (EC P-256 keys, valid one day).
 */
export function makeCertificates(): Certificates {
  const dir = mkdtempSync(join(tmpdir(), 'scriba-tls-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const key = (name: string) => ssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
  const ca = (name: string) => {
    key(name);
    ssl('req', '-x509', '-new', '-key', `${name}.key`, '-days', '1', '-subj', `/CN=${name}`, '-out', `${name}.crt`);
  };
  const leaf = (name: string, signer: string, ext: string) => {
    key(name);
    ssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), ext);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${signer}.crt`, '-CAkey', `${signer}.key`, '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.crt`);
  };
  ca('ca');
  ca('other-ca');
  leaf('server', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'ca', 'extendedKeyUsage=clientAuth\n');
  leaf('stranger', 'other-ca', 'extendedKeyUsage=clientAuth\n');
  const read = (f: string) => readFileSync(join(dir, f));
  return {
    dir,
    ca: read('ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    strangerCert: read('stranger.crt'),
    strangerKey: read('stranger.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A trial of a one-parameter (`lr`) experiment, with its loss when given. */
export function trial(name: string, condition: TrialRecord['condition'], lr: string, loss?: number, startTime = '2026-01-01T00:00:00Z'): TrialRecord {
  return {
    name,
    parameterAssignments: [{ name: 'lr', value: lr }],
    condition,
    conditions: [],
    creationTime: startTime,
    startTime,
    ...(loss === undefined ? {} : { observation: { metrics: [{ name: 'loss', min: String(loss), max: String(loss), latest: String(loss) }] } }),
  };
}
