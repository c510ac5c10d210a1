import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createServer, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * A private Kubernetes API server (kube-apiserver and etcd, no kubelet: nothing runs pods)
 * on free loopback ports, for one test file. The binaries come from
 * scripts/envtest-assets.sh, which CI runs and exports as KUBEBUILDER_ASSETS; the tests only
 * look for them. Without them the tests skip, except in CI, where they fail.
 *
 *   const skip = k8sSkipReason();
 *   const cluster = await startTestCluster();
 *   await applyManifest(cluster, [crd, namespace]);
 *   ... cluster.kubeConfig, request(cluster, 'GET', '/api/v1/namespaces') ...
 *   await cluster.stop();
 */
export interface TestCluster {
  /** https://127.0.0.1:PORT */
  server: string;
  /** A bearer token of a system:masters user. */
  token: string;
  /** The API server's serving certificate (SAN 127.0.0.1), the CA to trust. */
  caFile: string;
  /** A kubeconfig in `dir` whose current context uses `token` and `caFile`. */
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  /** The temp dir: etcd data, certificates, etcd.log and kube-apiserver.log. Removed by stop(). */
  dir: string;
  pids: { apiserver: number; etcd: number };
  stop(): Promise<void>;
}

const K8S_VERSION = '1.37.2';
const ETCD_VERSION = '3.6.16';
const BINARIES = ['kube-apiserver', 'etcd'] as const;
const STARTUP_MS = 90_000;
const STOP_MS = 15_000;

/** The cache dir of scripts/envtest-assets.sh. */
export function envtestCacheDir(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return process.env.SCRIBA_ENVTEST_DIR || join(cache, 'scriba', 'envtest', `k8s-${K8S_VERSION}-etcd-${ETCD_VERSION}`);
}

/** The directory holding kube-apiserver and etcd: KUBEBUILDER_ASSETS when set, else the script's cache dir when filled. */
export function envtestAssets(): string | undefined {
  const set = process.env.KUBEBUILDER_ASSETS;
  if (set) return set;
  const dir = envtestCacheDir();
  return BINARIES.every((name) => executable(join(dir, name))) ? dir : undefined;
}

/** Why the Kubernetes tests cannot run here, or undefined when they can. In CI it throws instead. */
export function k8sSkipReason(): string | undefined {
  if (envtestAssets()) return undefined;
  const reason = 'no kube-apiserver/etcd test binaries: run scripts/envtest-assets.sh (or set KUBEBUILDER_ASSETS)';
  if (process.env.CI) throw new Error(reason);
  return reason;
}

// Children and temp dirs of clusters not stopped: killed and removed if the test process exits first.
const live = new Set<ChildProcess>();
const dirs = new Set<string>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export async function startTestCluster(): Promise<TestCluster> {
  const assets = envtestAssets();
  if (!assets) throw new Error(k8sSkipReason());
  for (const name of BINARIES) {
    if (!executable(join(assets, name))) throw new Error(`${join(assets, name)} is missing or not executable (run scripts/envtest-assets.sh)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'scriba-k8s-'));
  dirs.add(dir);
  const [etcdPort, peerPort, apiPort] = (await freePorts(3)) as [number, number, number];
  const token = randomBytes(24).toString('hex');
  const etcdLog = join(dir, 'etcd.log');
  const apiLog = join(dir, 'kube-apiserver.log');
  const caFile = join(dir, 'certs', 'apiserver.crt');
  const server = `https://127.0.0.1:${apiPort}`;

  let etcd: ChildProcess | undefined;
  let apiserver: ChildProcess | undefined;
  const stopAll = async (): Promise<void> => {
    await terminate(apiserver);
    await terminate(etcd);
  };
  try {
    openssl(['genrsa', '-out', join(dir, 'sa.key'), '2048']);
    openssl(['rsa', '-in', join(dir, 'sa.key'), '-pubout', '-out', join(dir, 'sa.pub')]);
    writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin-uid,system:masters\n`, { mode: 0o600 });

    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    etcd = launch(join(assets, 'etcd'), [
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      '--unsafe-no-fsync', // a throwaway data dir: no need to wait for the disk
    ], etcdLog);
    apiserver = launch(join(assets, 'kube-apiserver'), [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      '--advertise-address=127.0.0.1',
      '--endpoint-reconciler-type=none',
      `--cert-dir=${join(dir, 'certs')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.0.0.0/24',
      '--allow-privileged=true',
      '--disable-admission-plugins=ServiceAccount',
    ], apiLog);

    const deadline = Date.now() + STARTUP_MS;
    for (;;) {
      for (const [name, child] of [['etcd', etcd], ['kube-apiserver', apiserver]] as const) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode}`);
      }
      if (existsSync(caFile) && statSync(caFile).size > 0) {
        const ready = await call(server, '/readyz', token, caFile).catch(() => undefined);
        if (ready?.status === 200 && ready.text === 'ok') break;
      }
      if (Date.now() > deadline) throw new Error(`/readyz did not answer ok within ${STARTUP_MS / 1000} s`);
      await sleep(100);
    }
  } catch (error) {
    await stopAll();
    const message = `the test cluster did not start: ${(error as Error).message}\n` +
      `--- kube-apiserver.log (tail)\n${tail(apiLog)}\n--- etcd.log (tail)\n${tail(etcdLog)}`;
    rmSync(dir, { recursive: true, force: true });
    dirs.delete(dir);
    throw new Error(message);
  }

  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'envtest', cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: 'admin', user: { token } }],
    contexts: [{ name: 'envtest', context: { cluster: 'envtest', user: 'admin', namespace: 'default' } }],
    'current-context': 'envtest',
  }, null, 2), { mode: 0o600 });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);

  let stopped: Promise<void> | undefined;
  return {
    server,
    token,
    caFile,
    kubeconfigPath,
    kubeConfig,
    dir,
    pids: { apiserver: apiserver.pid ?? -1, etcd: etcd.pid ?? -1 },
    stop() {
      stopped ??= stopAll().then(() => {
        rmSync(dir, { recursive: true, force: true });
        dirs.delete(dir);
      });
      return stopped;
    },
  };
}

export interface KubeResponse {
  status: number;
  /** The parsed JSON body; the text when it is not JSON. */
  body: any;
}

/** One call to the REST API as the cluster's admin. */
export async function request(cluster: TestCluster, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse> {
  const answer = await call(cluster.server, path, cluster.token, cluster.caFile, method, body === undefined ? undefined : { body: JSON.stringify(body), contentType });
  let parsed: unknown = answer.text;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    // not JSON: keep the text
  }
  return { status: answer.status, body: parsed };
}

/** Creates each object, replacing one that exists; waits for each CustomResourceDefinition to be Established. */
export async function applyManifest(cluster: TestCluster, objects: object[]): Promise<void> {
  for (const object of objects as Manifest[]) {
    const name = object.metadata?.name;
    if (!object.apiVersion || !object.kind || !name) throw new Error(`a manifest object needs apiVersion, kind and metadata.name: ${JSON.stringify(object)}`);
    const collection = await collectionPath(cluster, object);
    let answer = await request(cluster, 'POST', collection, object);
    if (answer.status === 409) {
      const current = await request(cluster, 'GET', `${collection}/${name}`);
      if (current.status !== 200) throw new Error(`GET ${collection}/${name}: ${current.status} ${statusMessage(current.body)}`);
      const replacement = { ...object, metadata: { ...object.metadata, resourceVersion: current.body.metadata.resourceVersion } };
      answer = await request(cluster, 'PUT', `${collection}/${name}`, replacement);
    }
    if (answer.status < 200 || answer.status > 299) throw new Error(`applying ${object.kind} ${name}: ${answer.status} ${statusMessage(answer.body)}`);
    if (object.kind === 'CustomResourceDefinition') await established(cluster, `${collection}/${name}`);
  }
}

interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [field: string]: unknown };
}

/** The collection to POST to, from the API server's discovery (plural name, namespaced or not). */
async function collectionPath(cluster: TestCluster, object: Manifest): Promise<string> {
  const apiVersion = object.apiVersion!;
  if (object.kind === 'CustomResourceDefinition' && apiVersion === 'apiextensions.k8s.io/v1') return '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  // A kind of a CRD just established can take a moment to show in discovery.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const list = await request(cluster, 'GET', base);
    const resources: { name: string; kind: string; namespaced: boolean }[] = list.status === 200 ? list.body.resources ?? [] : [];
    const resource = resources.find((r) => r.kind === object.kind && !r.name.includes('/'));
    if (resource) {
      const namespace = object.metadata?.namespace ?? (resource.namespaced ? 'default' : undefined);
      return namespace ? `${base}/namespaces/${namespace}/${resource.name}` : `${base}/${resource.name}`;
    }
    if (Date.now() > deadline) throw new Error(`the API server does not serve kind ${object.kind} in ${apiVersion} (GET ${base}: ${list.status})`);
    await sleep(100);
  }
}

async function established(cluster: TestCluster, path: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const crd = await request(cluster, 'GET', path);
    const conditions: { type: string; status: string }[] = crd.body?.status?.conditions ?? [];
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline) throw new Error(`${path} is not Established: ${JSON.stringify(conditions)}`);
    await sleep(100);
  }
}

function statusMessage(body: unknown): string {
  return typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : JSON.stringify(body);
}

function call(server: string, path: string, token: string, caFile: string, method = 'GET', send?: { body: string; contentType: string }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    if (send) {
      headers['Content-Type'] = send.contentType;
      headers['Content-Length'] = String(Buffer.byteLength(send.body));
    }
    const req = https.request(new URL(path, server), { method, headers, ca: readFileSync(caFile), timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(send?.body);
  });
}

function launch(binary: string, args: string[], log: string): ChildProcess {
  const fd = openSync(log, 'a');
  try {
    const child = spawn(binary, args, { stdio: ['ignore', fd, fd] });
    child.once('error', () => undefined); // a failed spawn leaves no pid, thrown below
    if (child.pid === undefined) throw new Error(`could not start ${binary}`);
    live.add(child);
    child.once('exit', () => live.delete(child));
    return child;
  } finally {
    closeSync(fd);
  }
}

/** SIGTERM, then SIGKILL after STOP_MS; resolves once the process is gone. */
async function terminate(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`openssl is not installed (apt-get install openssl): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function tail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line)).join('\n');
  } catch {
    return '(no log)';
  }
}

/** `count` distinct free loopback ports, held together while picked so that they differ. */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      ports.push(await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : 0);
        });
      }));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
