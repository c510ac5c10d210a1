import * as grpc from '@grpc/grpc-js';
import { SERVICE_NAMES } from './proto.js';
import { StatusError } from './status.js';
import type { WireHealthCheckRequest, WireHealthCheckResponse } from './wire.js';

export type ServedService = 'suggestion' | 'earlyStopping' | 'dbManager';

/** The names Katib's Python services report (its controller probes `manager.v1beta1.Suggestion`). */
const KATIB_ALIASES: Readonly<Record<ServedService, string>> = {
  suggestion: 'manager.v1beta1.Suggestion',
  earlyStopping: 'manager.v1beta1.EarlyStopping',
  dbManager: 'manager.v1beta1.DBManager',
};

export interface HealthService {
  check(request: WireHealthCheckRequest): Promise<WireHealthCheckResponse>;
  /** Every name answered; NOT_SERVING from `stop()` on (a draining server). */
  readonly names: readonly string[];
  stop(): void;
}

/**
 * grpc.health.v1 Check: SERVING for "" (the server), `grpc.health.v1.Health`, and each
 * served service under its API name and Katib's `manager.v1beta1.*` name; NOT_FOUND for
 * any other name, as the health protocol asks.
 */
export function createHealthService(served: readonly ServedService[]): HealthService {
  const names = ['', SERVICE_NAMES.health, ...served.flatMap((s) => [SERVICE_NAMES[s], KATIB_ALIASES[s]])];
  let serving = true;
  return {
    names,
    async check(request) {
      const service = request.service ?? '';
      if (!names.includes(service)) throw new StatusError(grpc.status.NOT_FOUND, `unknown service ${service}; this server answers for ${names.filter(Boolean).join(', ')}`);
      return { status: serving ? 'SERVING' : 'NOT_SERVING' };
    },
    stop() {
      serving = false;
    },
  };
}
