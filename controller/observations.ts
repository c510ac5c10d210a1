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
  /** Reports for trials the stores hold as running that no loop has re-attached to yet (a controller restart). */
  private readonly early = new Map<string, MetricLog[]>();
  private readonly others: ObservationLogStore;

  constructor(
    dataDir: string,
    /** The observation-log view of a namespace's store, and the namespaces whose stores exist. */
    private readonly namespaceLogs: (namespace: string) => ObservationLogStore,
    private readonly namespaces: () => string[],
    /** Whether a trial is stored as Created or Running: its loop will re-attach to it. */
    private readonly awaited: (trialName: string) => boolean = () => false,
  ) {
    this.others = new ObservationLogStore(join(dataDir, 'observations.db'));
  }

  /** Routes reports of this running trial to `report` until the returned function is called. */
  accept(namespace: string, trialName: string, report: (logs: readonly MetricLog[]) => void): () => void {
    const entry = { namespace, report };
    this.live.set(trialName, entry);
    const early = this.early.get(trialName);
    this.early.delete(trialName);
    if (early) report(early);
    return () => {
      if (this.live.get(trialName) === entry) this.live.delete(trialName);
    };
  }

  report(trialName: string, logs: readonly MetricLog[]): number {
    const live = this.live.get(trialName);
    const awaited = !live && trialName !== '' && this.awaited(trialName);
    if (!live && !awaited) return this.others.report(trialName, logs);
    if (!trialName) throw new ScribaError('invalid-argument', 'trial_name: must be specified');
    // Katib's rules: rows without a timestamp are skipped, a bad one refuses the report.
    const rows = logs.filter((log, i) => {
      if (log.timeStamp === '') return false;
      if (!parseRfc3339(log.timeStamp)) {
        throw new ScribaError('invalid-argument', `observation_log.metric_logs[${i}].time_stamp: "${log.timeStamp}" is not an RFC 3339 timestamp`);
      }
      return true;
    });
    if (live) live.report(rows);
    else this.early.set(trialName, [...(this.early.get(trialName) ?? []), ...rows]);
    return rows.length;
  }

  get(trialName: string, query?: LogQuery): MetricLog[] {
    return this.storeOf(trialName).get(trialName, query);
  }

  delete(trialName: string): number {
    this.early.delete(trialName);
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
