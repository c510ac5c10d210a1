import type { ObservationLogs } from '../src/store/observation-log-store.js';
import { ScribaError } from '../src/errors.js';
import { nameIssue } from './limits.js';
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
export function createDbManagerService(store: ObservationLogs): DbManagerService {
  const trialName = (name: string | undefined, method: string): string => {
    const tooLong = nameIssue('trial_name', name);
    if (tooLong) throw ScribaError.fromIssues([tooLong], `${method} request past the limits`);
    return name ?? '';
  };
  return {
    async reportObservationLog(request) {
      store.report(trialName(request.trialName, 'ReportObservationLog'), decodeObservationLog(request.observationLog));
      return {};
    },
    async getObservationLog(request) {
      const logs = store.get(trialName(request.trialName, 'GetObservationLog'), {
        metricName: request.metricName ?? '',
        startTime: request.startTime ?? '',
        endTime: request.endTime ?? '',
      });
      return { observationLog: encodeObservationLog(logs) };
    },
    async deleteObservationLog(request) {
      store.delete(trialName(request.trialName, 'DeleteObservationLog'));
      return {};
    },
  };
}
