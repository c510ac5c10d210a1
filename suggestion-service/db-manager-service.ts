import type { ObservationLogStore } from '../src/store/observation-log-store.js';
import { decodeObservationLog, encodeObservationLog } from './reply-codec.js';
import type {
  WireDeleteObservationLogRequest,
  WireEmpty,
  WireGetObservationLogReply,
  WireGetObservationLogRequest,
  WireReportObservationLogRequest,
} from './wire.js';

export interface DbManagerService {
  reportObservationLog(request: WireReportObservationLogRequest): Promise<WireEmpty>;
  getObservationLog(request: WireGetObservationLogRequest): Promise<WireGetObservationLogReply>;
  deleteObservationLog(request: WireDeleteObservationLogRequest): Promise<WireEmpty>;
}

/** Katib's DBManager service over the observation-log store (katib-spec §1.3). */
export function createDbManagerService(store: ObservationLogStore): DbManagerService {
  return {
    async reportObservationLog(request) {
      store.report(request.trialName ?? '', decodeObservationLog(request.observationLog));
      return {};
    },
    async getObservationLog(request) {
      const logs = store.get(request.trialName ?? '', {
        metricName: request.metricName ?? '',
        startTime: request.startTime ?? '',
        endTime: request.endTime ?? '',
      });
      return { observationLog: encodeObservationLog(logs) };
    },
    async deleteObservationLog(request) {
      store.delete(request.trialName ?? '');
      return {};
    },
  };
}
