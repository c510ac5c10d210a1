import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { ScribaError } from '../src/errors.js';
import { packageVersion } from '../src/version.js';

/** `scriba install`'s flags; strings are accepted where the CLI passes them through. */
export interface InstallOptions {
  /** Namespace of the controller and its Services (default kubeflow). */
  namespace?: string;
  /** Controller image (default ghcr.io/scriba-dev/scriba:VERSION). */
  image?: string;
  /** Deployment replicas (default 1); only the leader acts. */
  replicas?: number | string;
  /** Size of the store's PersistentVolumeClaim (default 1Gi). */
  storage?: string;
  /** Only the three CustomResourceDefinitions. */
  crdsOnly?: boolean;
}

type Manifest = Record<string, unknown>;

export const DEFAULT_NAMESPACE = 'kubeflow';
export const DEFAULT_STORAGE = '1Gi';
/** Name of the ServiceAccount, ClusterRole, ClusterRoleBinding and Deployment. */
export const CONTROLLER_NAME = 'scriba-controller';
/** The PersistentVolumeClaim of the controller's SQLite store. */
export const DATA_CLAIM = 'scriba-data';
/** Where the claim is mounted in the controller's pod (its --data-dir). */
export const DATA_DIR = '/var/lib/scriba';
/** gRPC: Katib's DBManager (katib-db-manager Service) and Suggestion (scriba-suggestion Service). */
export const API_PORT = 6789;
/** HTTP /healthz and /readyz (ready = this replica holds the lease). */
export const PROBE_PORT = 8080;
/** The image's `node` user. */
const RUN_AS = 1000;

export function defaultImage(): string {
  return `ghcr.io/scriba-dev/scriba:${packageVersion()}`;
}

/** The folder holding Scriba's package.json: the checkout, or the installed package. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string };
      if (pkg.name === 'scriba') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new ScribaError('internal', `no package.json of scriba above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export function crdsPath(): string {
  return join(packageRoot(), 'controller', 'manifests', 'crds.yaml');
}

/** The CustomResourceDefinitions of controller/manifests/crds.yaml, as objects. */
export function crdDocuments(): Manifest[] {
  const path = crdsPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScribaError('internal', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new ScribaError('internal', `${path}: ${doc.errors[0]?.message ?? 'not YAML'}`);
    return doc.toJS() as Manifest;
  });
}

interface Settings {
  namespace: string;
  image: string;
  replicas: number;
  storage: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A Kubernetes quantity: a decimal number with a binary (Ki..Ei) or decimal (m, k..E) suffix, or an exponent. */
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

function invalid(message: string): ScribaError {
  return new ScribaError('invalid-argument', message);
}

function settings(o: InstallOptions): Settings {
  const namespace = o.namespace ?? DEFAULT_NAMESPACE;
  if (!DNS_LABEL.test(namespace) || namespace.length > 63) {
    throw invalid(`--namespace expects a DNS-1123 label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit), got "${namespace}"`);
  }
  const image = o.image ?? defaultImage();
  if (image.trim() === '' || /\s/.test(image)) throw invalid(`--image expects an image reference such as ${defaultImage()}, got "${image}"`);
  const replicas = o.replicas ?? 1;
  const count = typeof replicas === 'number' ? replicas : /^\d+$/.test(replicas) ? Number(replicas) : NaN;
  if (!Number.isSafeInteger(count) || count < 1) throw invalid(`--replicas expects an integer >= 1, got "${replicas}"`);
  const storage = o.storage ?? DEFAULT_STORAGE;
  if (!QUANTITY.test(storage) || !(Number.parseFloat(storage) > 0)) {
    throw invalid(`--storage expects a Kubernetes quantity such as 1Gi or 500Mi, got "${storage}"`);
  }
  return { namespace, image, replicas: count, storage };
}

function labels(): Record<string, string> {
  return { 'app.kubernetes.io/name': 'scriba', 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/version': packageVersion() };
}

/** What the Services and the Deployment select: no version, so an upgrade keeps them matching. */
function selector(): Record<string, string> {
  return { 'app.kubernetes.io/name': 'scriba', 'app.kubernetes.io/component': 'controller' };
}

function metadata(name: string, namespace?: string): Manifest {
  return { name, ...(namespace !== undefined ? { namespace } : {}), labels: labels() };
}

const ALL_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** What the controller reads and writes, nothing more. */
function rules(): Manifest[] {
  const katib = ['experiments', 'trials', 'suggestions'];
  return [
    { apiGroups: ['kubeflow.org'], resources: katib.flatMap((r) => [r, `${r}/status`, `${r}/finalizers`]), verbs: ALL_VERBS },
    { apiGroups: ['batch'], resources: ['jobs'], verbs: ALL_VERBS },
    { apiGroups: ['kubeflow.org'], resources: ['tfjobs', 'pytorchjobs', 'mpijobs', 'xgboostjobs'], verbs: ALL_VERBS },
    { apiGroups: ['trainer.kubeflow.org'], resources: ['trainjobs'], verbs: ALL_VERBS },
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
  ];
}

function deployment(s: Settings): Manifest {
  const probe = (path: string, extra: Manifest): Manifest => ({ httpGet: { path, port: 'probes' }, ...extra });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(CONTROLLER_NAME, s.namespace),
    spec: {
      replicas: s.replicas,
      // One store on a ReadWriteOnce volume: the old pod lets go of it before the new one starts.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selector() },
      template: {
        metadata: { labels: labels() },
        spec: {
          serviceAccountName: CONTROLLER_NAME,
          securityContext: { runAsNonRoot: true, runAsUser: RUN_AS, runAsGroup: RUN_AS, fsGroup: RUN_AS, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'controller',
            image: s.image,
            imagePullPolicy: 'IfNotPresent',
            args: ['controller', '--all-namespaces', '--data-dir', DATA_DIR, '--host', '0.0.0.0', '--port', String(API_PORT), '--probe-port', String(PROBE_PORT)],
            env: [
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            ],
            ports: [
              { name: 'grpc', containerPort: API_PORT, protocol: 'TCP' },
              { name: 'probes', containerPort: PROBE_PORT, protocol: 'TCP' },
            ],
            // Ready only while this replica leads, so the Services reach the leader alone.
            readinessProbe: probe('/readyz', { periodSeconds: 5, failureThreshold: 2 }),
            livenessProbe: probe('/healthz', { initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 }),
            resources: { requests: { cpu: '100m', memory: '256Mi' } },
            securityContext: {
              runAsNonRoot: true,
              readOnlyRootFilesystem: true,
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [
              { name: 'data', mountPath: DATA_DIR },
              { name: 'tmp', mountPath: '/tmp' },
            ],
          }],
          volumes: [
            { name: 'data', persistentVolumeClaim: { claimName: DATA_CLAIM } },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
}

function service(name: string, namespace: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(name, namespace),
    spec: {
      type: 'ClusterIP',
      selector: selector(),
      ports: [{ name: 'api', port: API_PORT, targetPort: 'grpc', protocol: 'TCP' }],
    },
  };
}

/** Every object `scriba install` prints, in the order kubectl should apply them. */
export function installObjects(o: InstallOptions = {}): Manifest[] {
  const s = settings(o);
  const crds = crdDocuments();
  if (o.crdsOnly) return crds;
  const ns = s.namespace;
  return [
    ...crds,
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        // Katib admits Experiments only in namespaces carrying this label.
        labels: { ...labels(), 'katib.kubeflow.org/metrics-collector-injection': 'enabled' },
      },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(CONTROLLER_NAME, ns) },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: metadata(CONTROLLER_NAME), rules: rules() },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: metadata(CONTROLLER_NAME),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CONTROLLER_NAME },
      subjects: [{ kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace: ns }],
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: metadata(DATA_CLAIM, ns),
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: s.storage } } },
    },
    deployment(s),
    // Katib's SDK reports metrics to katib-db-manager.<namespace>:6789.
    service('katib-db-manager', ns),
    service('scriba-suggestion', ns),
  ];
}

/** The manifests as one multi-document YAML, for `kubectl apply -f -`. */
export function installManifests(o: InstallOptions = {}): string {
  return installObjects(o)
    .map((object) => `---\n${stringify(object, { lineWidth: 0 })}`)
    .join('');
}
