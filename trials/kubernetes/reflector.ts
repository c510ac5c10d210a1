import { Watch } from '@kubernetes/client-node';
import type { KubeClient, KubeObject } from './client.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ReflectorOptions {
  client: KubeClient;
  /** A collection path, e.g. /apis/kubeflow.org/v1beta1/experiments or one namespace's. */
  path: string;
  labelSelector?: string;
  /** Every change, and every cached object again at each resync (as MODIFIED). */
  onEvent(type: WatchEventType, object: KubeObject): void;
  /** Re-delivers the whole cache this often, so a missed reaction is retried. Default 5 min. */
  resyncMs?: number;
  log?: (line: string) => void;
}

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/**
 * Keeps a cache of a collection in step with the API server, as client-go's reflector does:
 * list, then watch from the list's resourceVersion with bookmarks (which move the
 * resourceVersion on without an object changing); a watch that ends is resumed from the last
 * resourceVersion; an expired one (410 Gone) lists again, reporting what changed meanwhile;
 * errors back off exponentially (0.5 s to 30 s, with jitter); a periodic resync re-delivers
 * every cached object.
 */
export class Reflector {
  readonly cache = new Map<string, KubeObject>();
  private resourceVersion = '';
  private abort: AbortController | undefined;
  private stopped = false;
  private backoffMs = MIN_BACKOFF_MS;
  private resync: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private synced!: Promise<void>;
  private markSynced!: () => void;

  constructor(private readonly o: ReflectorOptions) {
    this.synced = new Promise((resolve) => (this.markSynced = resolve));
  }

  /** Starts; resolves once the first list is in the cache. */
  start(): Promise<void> {
    void this.relist();
    const every = this.o.resyncMs ?? 300_000;
    this.resync = setInterval(() => {
      for (const object of this.cache.values()) this.o.onEvent('MODIFIED', object);
    }, every);
    this.resync.unref();
    return this.synced;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.resync);
    clearTimeout(this.retry);
    this.abort?.abort();
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    try {
      const list = await this.o.client.list(this.o.path, this.o.labelSelector ? { labelSelector: this.o.labelSelector } : {});
      const seen = new Set<string>();
      for (const object of list.items) {
        const key = keyOf(object);
        seen.add(key);
        const old = this.cache.get(key);
        this.cache.set(key, object);
        if (old?.metadata.resourceVersion !== object.metadata.resourceVersion) this.o.onEvent(old ? 'MODIFIED' : 'ADDED', object);
      }
      for (const [key, object] of this.cache) {
        if (seen.has(key)) continue;
        this.cache.delete(key);
        this.o.onEvent('DELETED', object);
      }
      this.resourceVersion = list.metadata.resourceVersion ?? '';
      this.markSynced();
      this.backoffMs = MIN_BACKOFF_MS;
      await this.watch();
    } catch (error) {
      this.later(() => this.relist(), `list ${this.o.path}: ${(error as Error).message}`);
    }
  }

  private async watch(): Promise<void> {
    if (this.stopped) return;
    let expired = false;
    const watch = new Watch(this.o.client.config);
    const query: Record<string, string | number | boolean> = {
      allowWatchBookmarks: true,
      resourceVersion: this.resourceVersion,
      // The server ends the watch after this; it is resumed from the last resourceVersion.
      timeoutSeconds: 240 + Math.floor(Math.random() * 120),
    };
    if (this.o.labelSelector) query.labelSelector = this.o.labelSelector;
    const onEvent = (type: string, object: KubeObject & { code?: number }): void => {
      if (type === 'ERROR') {
        // 410 Gone: the resourceVersion is too old to resume from.
        if (object.code === 410) expired = true;
        return;
      }
      if (object?.metadata?.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
      if (type === 'BOOKMARK') return;
      const key = keyOf(object);
      if (type === 'DELETED') this.cache.delete(key);
      else this.cache.set(key, object);
      this.backoffMs = MIN_BACKOFF_MS;
      this.o.onEvent(type as WatchEventType, object);
    };
    const done = (error: unknown): void => {
      this.abort = undefined;
      if (this.stopped) return;
      if (expired || (error as { statusCode?: number } | null)?.statusCode === 410) {
        void this.relist();
      } else if (error) {
        this.later(() => this.watch(), `watch ${this.o.path}: ${(error as Error).message ?? String(error)}`);
      } else {
        void this.watch();
      }
    };
    this.abort = await watch.watch(this.o.path, query, onEvent, done);
    if (this.stopped) this.abort.abort();
  }

  private later(f: () => Promise<void>, why: string): void {
    if (this.stopped) return;
    const wait = this.backoffMs * (0.5 + Math.random());
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.o.log?.(`scriba controller: ${why}; retrying in ${(wait / 1000).toFixed(1)} s`);
    this.retry = setTimeout(() => void f(), wait);
    this.retry.unref();
  }
}

export function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}
