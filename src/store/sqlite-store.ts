import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ScribaError } from '../errors.js';
import type { Experiment } from '../experiment/types.js';
import { trialIndex, type ExperimentCondition, type ExperimentState, type StateRecorder, type SuggestionStatus } from '../loop/state.js';
import type { TerminalCondition } from '../loop/status.js';
import type { MetricLog, TrialRecord } from '../trial/types.js';
import { createFault, faultsNamed, sqliteFault } from './faults.js';
import { migrate, toTrial, type ExperimentRow, type TrialRow } from './schema.js';

export const DEFAULT_DB_PATH = '.scriba/scriba.db';

/** How often a running experiment's owner records that it is alive. */
export const HEARTBEAT_MS = 10_000;
/** A heartbeat older than this means the owner hangs, or its pid now names another process. */
export const STALE_AFTER_MS = 120_000;

export interface StoreOptions {
  /** Create the file (and its folder) when missing. Default true; readers pass false. */
  create?: boolean;
}

/** Who runs an experiment, as the store knows it. */
export interface Owner {
  pid?: number;
  heartbeatAt?: string;
  /** The owner process exists and its heartbeat is fresh (or it predates heartbeats). */
  alive: boolean;
}

/**
 * The embedded store: one SQLite file (WAL) holding experiments, trials with their
 * condition history and observation logs. As a StateRecorder it commits each change
 * synchronously, before the loop acts on it, so a killed process loses nothing it acted on.
 */
export class SqliteStore implements StateRecorder {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly heartbeats = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly path: string,
    options: StoreOptions = {},
  ) {
    const create = options.create ?? true;
    if (!create && path !== ':memory:' && !existsSync(path)) {
      throw new ScribaError('not-found', `no store at ${path}: run an experiment first, or pass --db`);
    }
    if (create && path !== ':memory:') {
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (error) {
        throw createFault(path, error) ?? error;
      }
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { fileMustExist: !create });
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across a killed process (the WAL is in the OS cache); only a power cut can lose the last commits.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db);
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
      insertExperiment: this.db.prepare(
        `INSERT INTO experiments (name, experiment, seed, conditions, outcome, exhausted, suggestion, owner_pid, heartbeat_at, source, created_at)
         VALUES (@name, @experiment, @seed, @conditions, @outcome, @exhausted, @suggestion, @owner_pid, @heartbeat_at, @source, @created_at)`,
      ),
      updateExperiment: this.db.prepare(
        `UPDATE experiments SET experiment = @experiment, conditions = @conditions, outcome = @outcome, exhausted = @exhausted, suggestion = @suggestion WHERE name = @name`,
      ),
      upsertTrial: this.db.prepare(
        `INSERT INTO trials (name, experiment, seq, assignments, labels, condition, conditions, observation, creation_time, start_time, completion_time)
         VALUES (@name, @experiment, @seq, @assignments, @labels, @condition, @conditions, @observation, @creation_time, @start_time, @completion_time)
         ON CONFLICT(name) DO UPDATE SET condition = excluded.condition, conditions = excluded.conditions, observation = excluded.observation,
           start_time = excluded.start_time, completion_time = excluded.completion_time`,
      ),
      insertLog: this.db.prepare(`INSERT INTO observation_logs (trial_name, time_stamp, metric_name, value) VALUES (?, ?, ?, ?)`),
      clearLogs: this.db.prepare(`DELETE FROM observation_logs WHERE trial_name = ?`),
      setOwner: this.db.prepare(`UPDATE experiments SET owner_pid = ?, heartbeat_at = ? WHERE name = ?`),
      beat: this.db.prepare(`UPDATE experiments SET heartbeat_at = ? WHERE name = ? AND owner_pid = ?`),
      disown: this.db.prepare(`UPDATE experiments SET owner_pid = NULL, heartbeat_at = NULL WHERE name = ? AND owner_pid = ?`),
    };
  }

  close(): void {
    for (const timer of this.heartbeats.values()) clearInterval(timer);
    this.heartbeats.clear();
    this.db.close();
  }

  /** Records a new experiment; its name must be free. `source` is the file it came from. */
  createExperiment(state: ExperimentState, source?: string): void {
    const name = state.experiment.metadata.name;
    if (this.hasExperiment(name)) throw new ScribaError('failed-precondition', `experiment ${name} already exists in ${this.path}`);
    this.statements.insertExperiment.run({
      ...this.experimentFields(state),
      seed: state.seed,
      owner_pid: process.pid,
      heartbeat_at: new Date().toISOString(),
      source: source ?? null,
      created_at: state.conditions[0]?.lastTransitionTime ?? new Date().toISOString(),
    });
  }

  hasExperiment(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM experiments WHERE name = ?').get(name) !== undefined;
  }

  experimentNames(): string[] {
    return (this.db.prepare('SELECT name FROM experiments ORDER BY created_at, name').all() as { name: string }[]).map((r) => r.name);
  }

  /** The pid recorded as running the experiment, if that process is still alive and is not this one. */
  liveOwner(name: string): number | undefined {
    const owner = this.owner(name);
    return owner.alive && owner.pid !== process.pid ? owner.pid : undefined;
  }

  /**
   * Who runs the experiment: the recorded pid and heartbeat, and whether that process is
   * still there. A stale heartbeat counts as gone: the pid may have been reused.
   */
  owner(name: string, now = Date.now()): Owner {
    const row = this.db.prepare('SELECT owner_pid, heartbeat_at FROM experiments WHERE name = ?').get(name) as
      | Pick<ExperimentRow, 'owner_pid' | 'heartbeat_at'>
      | undefined;
    const pid = row?.owner_pid ?? undefined;
    const heartbeatAt = row?.heartbeat_at ?? undefined;
    const fresh = heartbeatAt === undefined || now - Date.parse(heartbeatAt) <= STALE_AFTER_MS;
    return { ...(pid ? { pid } : {}), ...(heartbeatAt ? { heartbeatAt } : {}), alive: pid !== undefined && fresh && processExists(pid) };
  }

  /** The file the experiment was read from, if it came from one. */
  source(name: string): string | undefined {
    const row = this.db.prepare('SELECT source FROM experiments WHERE name = ?').get(name) as { source: string | null } | undefined;
    return row?.source ?? undefined;
  }

  /** When the experiment was created. */
  createdAt(name: string): string | undefined {
    const row = this.db.prepare('SELECT created_at FROM experiments WHERE name = ?').get(name) as { created_at: string } | undefined;
    return row?.created_at;
  }

  /**
   * Records this process as the experiment's owner and keeps its heartbeat until `release` or
   * `close`; refused while another live process owns it. Checking and recording are one
   * IMMEDIATE transaction, so of two processes claiming at once exactly one wins.
   */
  claim(name: string, o: { takeOver?: boolean } = {}): void {
    this.atomically(() => {
      // takeOver: the caller holds a lock of its own that excludes the owner (the controller's Lease).
      const owner = o.takeOver ? undefined : this.liveOwner(name);
      if (owner !== undefined) throw new ScribaError('failed-precondition', `experiment ${name} is being run by process ${owner}`);
      this.statements.setOwner.run(process.pid, new Date().toISOString(), name);
    });
    clearInterval(this.heartbeats.get(name));
    const timer = setInterval(() => {
      try {
        this.statements.beat.run(new Date().toISOString(), name, process.pid);
      } catch {
        // busy or closed: the next beat tries again, and a missed one only ages the heartbeat
      }
    }, HEARTBEAT_MS);
    timer.unref();
    this.heartbeats.set(name, timer);
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction: it holds the store's write lock from its first
   * statement, so what it reads cannot change before it writes. Rolled back if `fn` throws.
   */
  atomically<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn).immediate();
  }

  /** Gives up this process's claim; a claim of another process is left as it is. */
  release(name: string): void {
    clearInterval(this.heartbeats.get(name));
    this.heartbeats.delete(name);
    this.statements.disown.run(name, process.pid);
  }

  /**
   * Removes the experiment, its trials and their observation logs (Katib's DB-manager rows
   * of those trials included); returns the names of the trials removed.
   */
  deleteExperiment(name: string): string[] {
    const trials = (this.db.prepare('SELECT name FROM trials WHERE experiment = ?').all(name) as { name: string }[]).map((r) => r.name);
    const katibLogs = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'katib_observation_logs'").get() !== undefined;
    this.db.transaction(() => {
      if (katibLogs) {
        const remove = this.db.prepare('DELETE FROM katib_observation_logs WHERE trial_name = ?');
        for (const trial of trials) remove.run(trial);
      }
      // trials and observation_logs go with it (ON DELETE CASCADE)
      this.db.prepare('DELETE FROM experiments WHERE name = ?').run(name);
    })();
    return trials;
  }

  /** The experiment as it was last recorded, with this store as its recorder. */
  /** The experiment's state; `{ logs: false }` leaves the observation logs out (a reader that only shows trials). */
  loadState(name: string, options: { logs?: boolean } = {}): ExperimentState {
    const row = this.db.prepare('SELECT * FROM experiments WHERE name = ?').get(name) as ExperimentRow | undefined;
    if (!row) {
      const known = this.experimentNames();
      throw new ScribaError('not-found', `no experiment named ${name} in ${this.path}${known.length ? `; it holds: ${known.join(', ')}` : ''}`);
    }
    const trialRows = this.db.prepare('SELECT * FROM trials WHERE experiment = ? ORDER BY seq').all(name) as TrialRow[];
    const logs = new Map<string, MetricLog[]>();
    const logRows = options.logs === false ? [] : this.db.prepare(
      `SELECT l.trial_name, l.time_stamp, l.metric_name, l.value FROM observation_logs l JOIN trials t ON t.name = l.trial_name
       WHERE t.experiment = ? ORDER BY l.rowid`,
    ).all(name) as { trial_name: string; time_stamp: string; metric_name: string; value: string }[];
    for (const t of trialRows) logs.set(t.name, []);
    for (const l of logRows) logs.get(l.trial_name)?.push({ timeStamp: l.time_stamp, name: l.metric_name, value: l.value });
    const state: ExperimentState = {
      experiment: JSON.parse(row.experiment) as Experiment,
      seed: row.seed,
      trials: trialRows.map(toTrial),
      logs,
      conditions: JSON.parse(row.conditions) as ExperimentCondition[],
      exhausted: row.exhausted === 1,
      recorder: this,
    };
    if (row.outcome) state.outcome = JSON.parse(row.outcome) as TerminalCondition;
    if (row.suggestion) state.suggestion = JSON.parse(row.suggestion) as SuggestionStatus;
    return state;
  }

  /** Observation-log rows of one trial, optionally of one metric, in the order reported. */
  observationLog(trialName: string, metricName?: string): MetricLog[] {
    const rows = (
      metricName === undefined
        ? this.db.prepare('SELECT time_stamp, metric_name, value FROM observation_logs WHERE trial_name = ? ORDER BY rowid').all(trialName)
        : this.db
            .prepare('SELECT time_stamp, metric_name, value FROM observation_logs WHERE trial_name = ? AND metric_name = ? ORDER BY rowid')
            .all(trialName, metricName)
    ) as { time_stamp: string; metric_name: string; value: string }[];
    return rows.map((r) => ({ timeStamp: r.time_stamp, name: r.metric_name, value: r.value }));
  }

  /**
   * Every trial's reported values of one metric, in the order reported, as numbers (text
   * that is not a number left out); read row by row, for experiments with millions of rows.
   */
  metricSeries(experiment: string, metricName: string): Map<string, number[]> {
    const out = new Map<string, number[]>();
    // One row per trial, its values joined (by the unit separator, U+001F) in reporting order: far fewer objects than a row per value.
    const rows = this.db
      .prepare(
        `SELECT l.trial_name, group_concat(l.value, char(31) ORDER BY l.rowid) FROM observation_logs l JOIN trials t ON t.name = l.trial_name
         WHERE t.experiment = ? AND l.metric_name = ? GROUP BY l.trial_name`,
      )
      .raw()
      .iterate(experiment, metricName) as IterableIterator<[string, string]>;
    for (const [trial, joined] of rows) {
      const values: number[] = [];
      for (const text of joined.split('\u001f')) {
        const x = Number(text);
        if (text.trim() !== '' && Number.isFinite(x)) values.push(x);
      }
      if (values.length > 0) out.set(trial, values);
    }
    return out;
  }

  /** A number that changes whenever any connection commits to the store (SQLite's data_version). */
  changeCounter(): number {
    return Number(this.db.pragma('data_version', { simple: true }));
  }

  /** The experiment a trial belongs to. */
  experimentOfTrial(trialName: string): string | undefined {
    const row = this.db.prepare('SELECT experiment FROM trials WHERE name = ?').get(trialName) as { experiment: string } | undefined;
    return row?.experiment;
  }

  /** A trial's latest condition, read alone (a follower polls it). */
  trialCondition(trialName: string): TrialRecord['condition'] | undefined {
    const row = this.db.prepare('SELECT condition FROM trials WHERE name = ?').get(trialName) as { condition: TrialRecord['condition'] } | undefined;
    return row?.condition;
  }

  // --- StateRecorder ---

  experimentChanged(state: ExperimentState): void {
    if (!this.hasExperiment(state.experiment.metadata.name)) return; // recorded by createExperiment
    this.statements.updateExperiment.run(this.experimentFields(state));
  }

  trialChanged(state: ExperimentState, trial: TrialRecord): void {
    this.statements.upsertTrial.run({
      name: trial.name,
      experiment: state.experiment.metadata.name,
      seq: trialIndex(state, trial),
      assignments: JSON.stringify(trial.parameterAssignments),
      labels: trial.labels ? JSON.stringify(trial.labels) : null,
      condition: trial.condition,
      conditions: JSON.stringify(trial.conditions),
      observation: trial.observation ? JSON.stringify(trial.observation) : null,
      creation_time: trial.creationTime,
      start_time: trial.startTime ?? null,
      completion_time: trial.completionTime ?? null,
    });
  }

  logsAppended(_state: ExperimentState, trialName: string, logs: readonly MetricLog[]): void {
    this.db.transaction(() => {
      for (const l of logs) this.statements.insertLog.run(trialName, l.timeStamp, l.name, l.value);
    })();
  }

  logsCleared(_state: ExperimentState, trialName: string): void {
    this.statements.clearLogs.run(trialName);
  }

  private experimentFields(state: ExperimentState) {
    return {
      name: state.experiment.metadata.name,
      experiment: JSON.stringify(state.experiment),
      conditions: JSON.stringify(state.conditions),
      outcome: state.outcome ? JSON.stringify(state.outcome) : null,
      exhausted: state.exhausted ? 1 : 0,
      suggestion: state.suggestion ? JSON.stringify(state.suggestion) : null,
    };
  }
}

// Every SQLite error of a store's method becomes a store fault naming its file
// (damaged, not a database, read-only, locked, full, ...): callers see one clear message.
faultsNamed(SqliteStore);

/** Whether a process of this pid exists (perhaps under another user). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
