import { isConflict, isNotFound, type KubeClient, type KubeObject } from '../trials/kubernetes/client.js';

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  identity: string;
  /** How long a holder's lease lasts without renewal (client-go's default 15 s). */
  leaseDurationMs?: number;
  /** How often the holder renews, and a candidate tries (default 2 s). */
  retryPeriodMs?: number;
  /** A holder that could not renew for this long stops leading (default 10 s). */
  renewDeadlineMs?: number;
  log?: (line: string) => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does:
 * a candidate takes the Lease when it is free or when its holder has not renewed it for a
 * lease duration, measured on this process's clock from when this process last saw it
 * change (clocks of different machines are never compared); every write carries the
 * resourceVersion read, so of two candidates only one succeeds. The leader renews every
 * retry period and steps down once it has failed to renew for the renew deadline, which is
 * shorter than the lease duration: it has stopped acting before anyone else may start.
 */
export class LeaderElection {
  private observed: { record: string; at: number } | undefined;
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private lastRenew = 0;

  constructor(private readonly o: LeaderElectionOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  private get durationMs(): number {
    return this.o.leaseDurationMs ?? 15_000;
  }

  /** Tries until it leads; then `onStoppedLeading` is called if leadership is ever lost. */
  run(callbacks: { onStartedLeading(): void; onStoppedLeading(): void }): void {
    const tick = async (): Promise<void> => {
      if (this.stopped) return;
      let ok = false;
      try {
        ok = await this.tryAcquireOrRenew();
      } catch (error) {
        this.o.log?.(`scriba controller: lease ${this.o.namespace}/${this.o.name}: ${(error as Error).message}`);
      }
      if (this.stopped) return;
      const now = Date.now();
      if (ok) {
        this.lastRenew = now;
        if (!this.leading) {
          this.leading = true;
          this.o.log?.(`scriba controller: ${this.o.identity} leads (lease ${this.o.namespace}/${this.o.name})`);
          callbacks.onStartedLeading();
        }
      } else if (this.leading && now - this.lastRenew >= (this.o.renewDeadlineMs ?? 10_000)) {
        this.leading = false;
        this.o.log?.(`scriba controller: ${this.o.identity} lost the lease ${this.o.namespace}/${this.o.name}`);
        callbacks.onStoppedLeading();
        return;
      }
      this.timer = setTimeout(() => void tick(), this.o.retryPeriodMs ?? 2_000);
    };
    void tick();
  }

  /** Stops trying; a leader gives the Lease up so that another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.o.client.get(this.path());
      const spec = (lease.spec ?? {}) as LeaseSpec;
      if (spec.holderIdentity !== this.o.identity) return;
      await this.o.client.request('PUT', this.path(), {
        ...lease,
        spec: { ...spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(new Date()) },
      });
    } catch {
      // the lease then expires on its own
    }
  }

  private path(name?: string): string {
    const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.o.namespace)}/leases`;
    return name === undefined ? `${base}/${encodeURIComponent(this.o.name)}` : base;
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const seconds = Math.ceil(this.durationMs / 1000);
    let lease: KubeObject | undefined;
    try {
      lease = await this.o.client.get(this.path());
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (!lease) {
      const spec: LeaseSpec = { holderIdentity: this.o.identity, leaseDurationSeconds: seconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
      try {
        await this.o.client.create(this.path(''), { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.o.name, namespace: this.o.namespace }, spec });
        return true;
      } catch (error) {
        if (isConflict(error)) return false; // another candidate created it first
        throw error;
      }
    }
    const spec = (lease.spec ?? {}) as LeaseSpec;
    const record = JSON.stringify(spec);
    if (this.observed?.record !== record) this.observed = { record, at: Date.now() };
    const holder = spec.holderIdentity ?? '';
    const held = holder !== '' && holder !== this.o.identity;
    const expiresAt = this.observed.at + (spec.leaseDurationSeconds ?? seconds) * 1000;
    if (held && Date.now() < expiresAt) return false;
    const next: LeaseSpec =
      holder === this.o.identity
        ? { ...spec, leaseDurationSeconds: seconds, renewTime: microTime(now) }
        : { holderIdentity: this.o.identity, leaseDurationSeconds: seconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
    try {
      // PUT with the resourceVersion read: a concurrent change makes this a 409.
      const updated = await this.o.client.request('PUT', this.path(), { ...lease, spec: next });
      this.observed = { record: JSON.stringify(updated.spec ?? {}), at: Date.now() };
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }
}

/** A MicroTime as the API server writes it: RFC 3339 with six fractional digits. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
