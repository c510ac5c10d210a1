import { join } from 'node:path';
import { ScribaError } from '../src/errors.js';
import { ObservationLogStore, type LogQuery, type ObservationLogs } from '../src/store/observation-log-store.js';
import { parseRfc3339 } from '../src/store/rfc3339.js';
import type { MetricLog } from '../src/trial/types.js';

/**
 * The DBManager service's store in the controller: a report for a running trial goes to its
 * experiment's loop at once (early stopping sees it; the store records it), as the trial's
 * own collector's rows do; reads find the rows in the namespace's store of the trial;
 * rows of trials this controller does not run (Katib's own callers) are kept apart.
 */
export class ObservationRouter implements ObservationLogs {
  private readonly live = new Map<string, { namespace: string; report: (logs: readonly MetricLog[]) => void }>();
  private readonly others: ObservationLogStore;

  constructor(
    dataDir: string,
    /** The observation-log view of a namespace's store, and the namespaces whose stores exist. */
    private readonly namespaceLogs: (namespace: string) => ObservationLogStore,
    private readonly namespaces: () => string[],
  ) {
    this.others = new ObservationLogStore(join(dataDir, 'observations.db'));
  }

  /** Routes reports of this running trial to `report` until the returned function is called. */
  accept(namespace: string, trialName: string, report: (logs: readonly MetricLog[]) => void): () => void {
    const entry = { namespace, report };
    this.live.set(trialName, entry);
    return () => {
      if (this.live.get(trialName) === entry) this.live.delete(trialName);
    };
  }

  report(trialName: string, logs: readonly MetricLog[]): number {
    const live = this.live.get(trialName);
    if (!live) return this.others.report(trialName, logs);
    if (!trialName) throw new ScribaError('invalid-argument', 'trial_name: must be specified');
    // Katib's rules: rows without a timestamp are skipped, a bad one refuses the report.
    const rows = logs.filter((log, i) => {
      if (log.timeStamp === '') return false;
      if (!parseRfc3339(log.timeStamp)) {
        throw new ScribaError('invalid-argument', `observation_log.metric_logs[${i}].time_stamp: "${log.timeStamp}" is not an RFC 3339 timestamp`);
      }
      return true;
    });
    live.report(rows);
    return rows.length;
  }

  get(trialName: string, query?: LogQuery): MetricLog[] {
    return this.storeOf(trialName).get(trialName, query);
  }

  delete(trialName: string): number {
    return this.storeOf(trialName).delete(trialName);
  }

  close(): void {
    this.others.close();
  }

  private storeOf(trialName: string): ObservationLogStore {
    const live = this.live.get(trialName);
    if (live) return this.namespaceLogs(live.namespace);
    for (const ns of this.namespaces()) {
      const logs = this.namespaceLogs(ns);
      if (logs.get(trialName).length > 0) return logs;
    }
    return this.others;
  }
}
