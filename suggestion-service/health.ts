import * as grpc from '@grpc/grpc-js';
import { SERVICE_NAMES } from './proto.js';
import { echo, nameIssue } from './limits.js';
import { StatusError } from './status.js';
import type { WireHealthCheckRequest, WireHealthCheckResponse, WireServingStatus } from './wire.js';

export type ServedService = 'suggestion' | 'earlyStopping' | 'dbManager';

/** The names Katib's Python services report (its controller probes `manager.v1beta1.Suggestion`). */
const KATIB_ALIASES: Readonly<Record<ServedService, string>> = {
  suggestion: 'manager.v1beta1.Suggestion',
  earlyStopping: 'manager.v1beta1.EarlyStopping',
  dbManager: 'manager.v1beta1.DBManager',
};

export interface HealthService {
  check(request: WireHealthCheckRequest): Promise<WireHealthCheckResponse>;
  /**
   * Watch: sends the status now (SERVICE_UNKNOWN for a name this server does not answer
   * for, the stream staying open as the protocol asks), then each change; `stop()` sends
   * NOT_SERVING and ends every stream. Returns what to call when the client cancels.
   */
  watch(service: string, send: (status: WireServingStatus) => void, end: () => void): () => void;
  /** Every name answered; NOT_SERVING from `stop()` on (a draining server). */
  readonly names: readonly string[];
  stop(): void;
}

/**
 * grpc.health.v1 Check: SERVING for "" (the server), `grpc.health.v1.Health`, and each
 * served service under its API name and Katib's `manager.v1beta1.*` name; NOT_FOUND for
 * any other name, as the health protocol asks. Watch streams the same statuses.
 */
export function createHealthService(served: readonly ServedService[]): HealthService {
  const names = ['', SERVICE_NAMES.health, ...served.flatMap((s) => [SERVICE_NAMES[s], KATIB_ALIASES[s]])];
  let serving = true;
  const watchers = new Set<{ known: boolean; send: (status: WireServingStatus) => void; end: () => void }>();
  return {
    names,
    async check(request) {
      const service = request.service ?? '';
      const tooLong = nameIssue('service', service);
      if (tooLong) throw new StatusError(grpc.status.INVALID_ARGUMENT, `${tooLong.path}: ${tooLong.message}`);
      if (!names.includes(service)) throw new StatusError(grpc.status.NOT_FOUND, `unknown service ${echo(service)}; this server answers for ${names.filter(Boolean).join(', ')}`);
      return { status: serving ? 'SERVING' : 'NOT_SERVING' };
    },
    watch(service, send, end) {
      const known = names.includes(service);
      send(!known ? 'SERVICE_UNKNOWN' : serving ? 'SERVING' : 'NOT_SERVING');
      if (!serving) {
        end();
        return () => {};
      }
      const watcher = { known, send, end };
      watchers.add(watcher);
      return () => watchers.delete(watcher);
    },
    stop() {
      serving = false;
      // A draining server waits for open calls: end the streams, or they would hold it to the grace period.
      for (const w of watchers) {
        if (w.known) w.send('NOT_SERVING');
        w.end();
      }
      watchers.clear();
    },
  };
}
