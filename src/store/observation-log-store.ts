import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { createFault, faultsNamed, sqliteFault } from './faults.js';
import { ScribaError } from '../errors.js';
import type { MetricLog } from '../trial/types.js';
import { compareInstants, formatRfc3339, parseRfc3339, type Instant } from './rfc3339.js';

/**
 * Katib's DB-manager tables, in the same SQLite file as `scriba run`'s store but apart from
 * its tables: Katib reports logs for trials this file does not otherwise know. Reads and
 * deletes also reach the logs `scriba run` keeps for its own trials in the same file.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS katib_observation_logs (
  trial_name  TEXT NOT NULL,
  time_s      INTEGER NOT NULL,         -- seconds since the epoch, UTC
  time_us     INTEGER NOT NULL,         -- microseconds within the second
  metric_name TEXT NOT NULL,
  value       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS katib_logs_by_trial ON katib_observation_logs(trial_name, time_s, time_us);
-- Conditions set through the EarlyStopping service's SetTrialStatus.
CREATE TABLE IF NOT EXISTS katib_trial_conditions (
  trial_name  TEXT PRIMARY KEY,
  condition   TEXT NOT NULL,
  time        TEXT NOT NULL
);
`;

export interface LogQuery {
  /** Only this metric; all metrics when undefined or "". */
  metricName?: string;
  /** Inclusive RFC 3339 bounds; unbounded when undefined or "". */
  startTime?: string;
  endTime?: string;
}

interface LogRow {
  time_s: number;
  time_us: number;
  metric_name: string;
  value: string;
}

/** What Katib's DBManager service needs of a store: the three calls of its wire API. */
export type ObservationLogs = Pick<ObservationLogStore, 'report' | 'get' | 'delete'>;

/**
 * Observation logs with Katib's DB-manager semantics (katib-spec §1.3): rows of (trial,
 * time at microsecond resolution, metric, value); Report skips rows without a timestamp
 * and refuses the whole report if any other timestamp is not RFC 3339; Get filters by
 * metric and an inclusive time range and orders by time; Delete removes a trial's rows.
 */
export class ObservationLogStore {
  private readonly db: Database.Database;
  private readonly statements;

  /** Opens (or creates) the file; ":memory:" keeps everything in memory. */
  constructor(readonly path: string) {
    if (path !== ':memory:') {
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (error) {
        throw createFault(path, error) ?? error;
      }
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
    } catch (error) {
      try {
        db?.close();
      } catch {
        // the first error is the one to report
      }
      throw sqliteFault(path, error) ?? new ScribaError('store', `cannot open store ${path}: ${(error as Error).message}`);
    }
    this.db = db;
    this.statements = {
      insert: this.db.prepare('INSERT INTO katib_observation_logs (trial_name, time_s, time_us, metric_name, value) VALUES (?, ?, ?, ?, ?)'),
      remove: this.db.prepare('DELETE FROM katib_observation_logs WHERE trial_name = ?'),
      setCondition: this.db.prepare(
        'INSERT INTO katib_trial_conditions (trial_name, condition, time) VALUES (?, ?, ?) ON CONFLICT(trial_name) DO UPDATE SET condition = excluded.condition, time = excluded.time',
      ),
      condition: this.db.prepare('SELECT condition, time FROM katib_trial_conditions WHERE trial_name = ?'),
    };
  }

  close(): void {
    this.db.close();
  }

  /** Katib's ReportObservationLog: appends the rows in one transaction; returns how many were stored. */
  report(trialName: string, logs: readonly MetricLog[]): number {
    requireTrial(trialName);
    const rows: Array<[Instant, MetricLog]> = [];
    logs.forEach((log, i) => {
      if (log.timeStamp === '') return;
      const t = parseRfc3339(log.timeStamp);
      if (!t) {
        throw new ScribaError('invalid-argument', `observation_log.metric_logs[${i}].time_stamp: "${log.timeStamp}" is not an RFC 3339 timestamp`);
      }
      rows.push([t, log]);
    });
    this.db.transaction(() => {
      for (const [t, log] of rows) this.statements.insert.run(trialName, t.seconds, t.micros, log.name, log.value);
    })();
    return rows.length;
  }

  /** Katib's GetObservationLog: the trial's rows in time order (rows with equal times in the order reported). */
  get(trialName: string, query: LogQuery = {}): MetricLog[] {
    requireTrial(trialName);
    const clauses = ['trial_name = ?'];
    const args: Array<string | number> = [trialName];
    if (query.metricName) {
      clauses.push('metric_name = ?');
      args.push(query.metricName);
    }
    const bound = (text: string | undefined, field: string): Instant | undefined => {
      if (!text) return undefined;
      const t = parseRfc3339(text);
      if (!t) throw new ScribaError('invalid-argument', `${field}: "${text}" is not an RFC 3339 timestamp`);
      return t;
    };
    const start = bound(query.startTime, 'start_time');
    const end = bound(query.endTime, 'end_time');
    if (start) {
      clauses.push('(time_s > ? OR (time_s = ? AND time_us >= ?))');
      args.push(start.seconds, start.seconds, start.micros);
    }
    if (end) {
      clauses.push('(time_s < ? OR (time_s = ? AND time_us <= ?))');
      args.push(end.seconds, end.seconds, end.micros);
    }
    const rows = this.db
      .prepare(`SELECT time_s, time_us, metric_name, value FROM katib_observation_logs WHERE ${clauses.join(' AND ')} ORDER BY time_s, time_us, rowid`)
      .all(...args) as LogRow[];
    const reported = rows.map((r): [Instant, MetricLog] => [{ seconds: r.time_s, micros: r.time_us }, { timeStamp: '', name: r.metric_name, value: r.value }]);
    const inRange = (t: Instant) => (!start || compareInstants(t, start) >= 0) && (!end || compareInstants(t, end) <= 0);
    const own = this.runLogs(trialName).filter(([t, log]) => (!query.metricName || log.name === query.metricName) && inRange(t));
    // scriba run's rows first where times are equal; each source in the order written (a stable sort).
    return [...own, ...reported]
      .sort(([a], [b]) => compareInstants(a, b))
      .map(([t, log]) => ({ timeStamp: formatRfc3339(t), name: log.name, value: log.value }));
  }

  /** The logs `scriba run` recorded for its trial of this name in the same file, with parseable times. */
  private runLogs(trialName: string): Array<[Instant, MetricLog]> {
    if (!this.hasRunLogs()) return [];
    const rows = this.db.prepare('SELECT time_stamp, metric_name, value FROM observation_logs WHERE trial_name = ? ORDER BY rowid').all(trialName) as Array<{
      time_stamp: string;
      metric_name: string;
      value: string;
    }>;
    return rows.flatMap((r): Array<[Instant, MetricLog]> => {
      const t = parseRfc3339(r.time_stamp);
      return t ? [[t, { timeStamp: r.time_stamp, name: r.metric_name, value: r.value }]] : [];
    });
  }

  /** Whether `scriba run`'s tables are in this file (they may appear after it was opened). */
  private hasRunLogs(): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'observation_logs'").get() !== undefined;
  }

  /** Katib's DeleteObservationLog: removes every row of the trial, `scriba run`'s included; returns how many. */
  delete(trialName: string): number {
    requireTrial(trialName);
    const own = this.hasRunLogs() ? this.db.prepare('DELETE FROM observation_logs WHERE trial_name = ?').run(trialName).changes : 0;
    return own + this.statements.remove.run(trialName).changes;
  }

  /** Records a condition set from outside (SetTrialStatus: EarlyStopped). */
  setCondition(trialName: string, condition: string, time = new Date().toISOString()): void {
    requireTrial(trialName);
    this.statements.setCondition.run(trialName, condition, time);
  }

  /** The condition recorded by `setCondition`, if any. */
  condition(trialName: string): { condition: string; time: string } | undefined {
    return this.statements.condition.get(trialName) as { condition: string; time: string } | undefined;
  }
}

function requireTrial(trialName: string): void {
  if (!trialName) throw new ScribaError('invalid-argument', 'trial_name: must be specified');
}

// SQLite's errors of every method name the file, as the run store's do.
faultsNamed(ObservationLogStore);
