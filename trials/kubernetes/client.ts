import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { ScribaError } from '../../src/errors.js';

/** A Kubernetes object as JSON; only what the controller reads is typed. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    ownerReferences?: OwnerReference[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeList {
  metadata: { resourceVersion?: string; continue?: string };
  items: KubeObject[];
}

/** An answer of the API server other than 2xx, with its Status message. */
export class KubeError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export const isNotFound = (error: unknown): boolean => error instanceof KubeError && error.status === 404;
export const isConflict = (error: unknown): boolean => error instanceof KubeError && error.status === 409;

export type PatchType = 'merge' | 'json';
const PATCH_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};

/**
 * The REST calls the controller makes, over one keep-alive connection pool, authenticated as
 * the KubeConfig says (token, client certificate, exec plugin). Watches go through the
 * client library's Watch (see watch.ts).
 */
export class KubeClient {
  private readonly agent: http.Agent;
  readonly server: string;

  constructor(readonly config: KubeConfig) {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new ScribaError('invalid-argument', 'kubeconfig: no current cluster (set current-context)');
    this.server = cluster.server.replace(/\/$/, '');
    const secure = this.server.startsWith('https:');
    this.agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 16 }) : new http.Agent({ keepAlive: true, maxSockets: 16 });
  }

  async request<T = KubeObject>(method: string, path: string, body?: unknown, patch?: PatchType): Promise<T> {
    const url = new URL(this.server + path);
    const options: https.RequestOptions = { method, headers: {} };
    await this.config.applyToHTTPSOptions(options);
    // applyToHTTPSOptions makes a fresh agent per call; its TLS settings go on the pooled one.
    const tls = options.agent instanceof https.Agent ? options.agent.options : {};
    const headers: Record<string, string> = { Accept: 'application/json', ...(options.headers as Record<string, string>) };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) {
      headers['Content-Type'] = patch ? PATCH_TYPES[patch] : 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const send = url.protocol === 'https:' ? https.request : http.request;
    return new Promise<T>((resolve, reject) => {
      const req = send(
        url,
        { method, headers, agent: this.agent, ca: tls.ca, cert: tls.cert, key: tls.key, ...(tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              if (path.endsWith('/log')) return resolve(text as T);
              try {
                resolve((text ? JSON.parse(text) : {}) as T);
              } catch {
                reject(new KubeError(status, `${method} ${path}: the answer is not JSON`));
              }
              return;
            }
            let message = text.slice(0, 500);
            let reason: string | undefined;
            try {
              const s = JSON.parse(text) as { message?: string; reason?: string };
              message = s.message ?? message;
              reason = s.reason;
            } catch {
              // not a Status object
            }
            reject(new KubeError(status, `${method} ${path}: ${status} ${message}`, reason));
          });
        },
      );
      req.on('error', (error) => reject(new KubeError(0, `${method} ${path}: ${error.message}`)));
      req.setTimeout(60_000, () => req.destroy(new Error('no answer in 60 s')));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  get<T = KubeObject>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** The object, or undefined when it does not exist. */
  async find(path: string): Promise<KubeObject | undefined> {
    try {
      return await this.get(path);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  create(collection: string, body: unknown): Promise<KubeObject> {
    return this.request('POST', collection, body);
  }

  patch(path: string, body: unknown, type: PatchType = 'merge'): Promise<KubeObject> {
    return this.request('PATCH', path, body, type);
  }

  /** Deletes the object; one already gone is not an error. Background propagation, as kubectl does. */
  async delete(path: string): Promise<void> {
    try {
      await this.request('DELETE', path, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** Every item of a collection, page by page. */
  async list(collection: string, query: Record<string, string> = {}): Promise<KubeList> {
    const items: KubeObject[] = [];
    let next: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const params = new URLSearchParams({ ...query, limit: '500', ...(next ? { continue: next } : {}) });
      const page = await this.get<KubeList>(`${collection}?${params}`);
      items.push(...page.items);
      next = page.metadata.continue || undefined;
      resourceVersion = page.metadata.resourceVersion;
    } while (next);
    return { metadata: resourceVersion ? { resourceVersion } : {}, items };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The kubeconfig: a file when given, else in-cluster or $KUBECONFIG / ~/.kube/config (client library rules). */
export function loadKubeConfig(file?: string): KubeConfig {
  const config = new KubeConfig();
  try {
    if (file) config.loadFromFile(file);
    else config.loadFromDefault();
  } catch (error) {
    throw new ScribaError('invalid-argument', `${file ? `--kubeconfig ${file}` : 'kubeconfig'}: cannot read it: ${(error as Error).message}`);
  }
  if (!config.getCurrentCluster()) {
    throw new ScribaError('invalid-argument', `${file ? `--kubeconfig ${file}` : 'kubeconfig'}: no current cluster; give --kubeconfig FILE or run in a pod`);
  }
  return config;
}

/** The namespace of the current context ("default" when it names none). */
export function contextNamespace(config: KubeConfig): string {
  return config.getContextObject(config.getCurrentContext())?.namespace ?? 'default';
}

export const GROUP = 'kubeflow.org';
export const VERSION = 'v1beta1';

/** Collection or object paths of Katib's resources. */
export function katibPath(plural: 'experiments' | 'trials' | 'suggestions', namespace?: string, name?: string): string {
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `/apis/${GROUP}/${VERSION}${ns}/${plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

/** The path of a namespaced resource of any group: core ("v1") or `group/version`. */
export function resourcePath(apiVersion: string, plural: string, namespace?: string, name?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

export function ownerReference(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? `${GROUP}/${VERSION}`,
    kind: owner.kind ?? '',
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * The resource (plural) of a kind, from the API server's discovery document of its group
 * version, so a Job, a PyTorchJob or a TrainJob is created where the server serves it.
 */
export class Discovery {
  private readonly cache = new Map<string, Promise<Map<string, string>>>();

  constructor(private readonly client: KubeClient) {}

  async plural(apiVersion: string, kind: string): Promise<string> {
    let resources = this.cache.get(apiVersion);
    if (!resources) {
      resources = this.client
        .get<{ resources: Array<{ name: string; kind: string }> }>(apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`)
        .then((list) => new Map(list.resources.filter((r) => !r.name.includes('/')).map((r) => [r.kind, r.name])));
      // A failed lookup (the CRD is not installed yet) is asked again next time.
      resources.catch(() => this.cache.delete(apiVersion));
      this.cache.set(apiVersion, resources);
    }
    let plural: string | undefined;
    try {
      plural = (await resources).get(kind);
    } catch (error) {
      if (isNotFound(error)) throw new ScribaError('failed-precondition', `the cluster serves no ${apiVersion} (is the CRD of ${kind} installed?)`);
      throw error;
    }
    if (!plural) {
      this.cache.delete(apiVersion);
      throw new ScribaError('failed-precondition', `the cluster serves no kind ${kind} in ${apiVersion} (is its CRD installed?)`);
    }
    return plural;
  }
}
