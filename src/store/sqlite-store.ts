import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ScribaError } from '../errors.js';
import type { Experiment } from '../experiment/types.js';
import { trialIndex, type ExperimentCondition, type ExperimentState, type StateRecorder } from '../loop/state.js';
import type { TerminalCondition } from '../loop/status.js';
import type { MetricLog, TrialRecord } from '../trial/types.js';

export const DEFAULT_DB_PATH = '.scriba/scriba.db';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS experiments (
  name        TEXT PRIMARY KEY,
  experiment  TEXT NOT NULL,            -- the defaulted Katib Experiment, JSON
  seed        INTEGER NOT NULL,
  conditions  TEXT NOT NULL,            -- status.conditions, JSON
  outcome     TEXT,                     -- the terminal condition once complete, JSON
  exhausted   INTEGER NOT NULL DEFAULT 0,
  owner_pid   INTEGER,                  -- the process running it now
  source      TEXT,                     -- the file it was read from, if any
  created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS trials (
  name            TEXT PRIMARY KEY,
  experiment      TEXT NOT NULL REFERENCES experiments(name) ON DELETE CASCADE,
  seq             INTEGER NOT NULL,     -- creation order within the experiment
  assignments     TEXT NOT NULL,
  labels          TEXT,
  condition       TEXT NOT NULL,
  conditions      TEXT NOT NULL,
  observation     TEXT,
  creation_time   TEXT NOT NULL,
  start_time      TEXT,
  completion_time TEXT
);
CREATE INDEX IF NOT EXISTS trials_by_experiment ON trials(experiment, seq);
-- Katib's DB manager rows: (trial, timestamp, metric, value).
CREATE TABLE IF NOT EXISTS observation_logs (
  trial_name  TEXT NOT NULL REFERENCES trials(name) ON DELETE CASCADE,
  time_stamp  TEXT NOT NULL,
  metric_name TEXT NOT NULL,
  value       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_by_trial ON observation_logs(trial_name);
`;

interface ExperimentRow {
  name: string;
  experiment: string;
  seed: number;
  conditions: string;
  outcome: string | null;
  exhausted: number;
  owner_pid: number | null;
  source: string | null;
  created_at: string;
}

interface TrialRow {
  name: string;
  seq: number;
  assignments: string;
  labels: string | null;
  condition: string;
  conditions: string;
  observation: string | null;
  creation_time: string;
  start_time: string | null;
  completion_time: string | null;
}

/**
 * The embedded store: one SQLite file (WAL) holding experiments, trials with their
 * condition history and observation logs. As a StateRecorder it commits each change
 * synchronously, before the loop acts on it, so a killed process loses nothing it acted on.
 */
export class SqliteStore implements StateRecorder {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new Database(path);
    } catch (error) {
      throw new ScribaError('invalid-argument', `cannot open the store ${path}: ${(error as Error).message}`);
    }
    this.db.pragma('journal_mode = WAL');
    // NORMAL is durable across a killed process (the WAL is in the OS cache); only a power cut can lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.statements = {
      insertExperiment: this.db.prepare(
        `INSERT INTO experiments (name, experiment, seed, conditions, outcome, exhausted, owner_pid, source, created_at)
         VALUES (@name, @experiment, @seed, @conditions, @outcome, @exhausted, @owner_pid, @source, @created_at)`,
      ),
      updateExperiment: this.db.prepare(
        `UPDATE experiments SET experiment = @experiment, conditions = @conditions, outcome = @outcome, exhausted = @exhausted WHERE name = @name`,
      ),
      upsertTrial: this.db.prepare(
        `INSERT INTO trials (name, experiment, seq, assignments, labels, condition, conditions, observation, creation_time, start_time, completion_time)
         VALUES (@name, @experiment, @seq, @assignments, @labels, @condition, @conditions, @observation, @creation_time, @start_time, @completion_time)
         ON CONFLICT(name) DO UPDATE SET condition = excluded.condition, conditions = excluded.conditions, observation = excluded.observation,
           start_time = excluded.start_time, completion_time = excluded.completion_time`,
      ),
      insertLog: this.db.prepare(`INSERT INTO observation_logs (trial_name, time_stamp, metric_name, value) VALUES (?, ?, ?, ?)`),
      clearLogs: this.db.prepare(`DELETE FROM observation_logs WHERE trial_name = ?`),
      setOwner: this.db.prepare(`UPDATE experiments SET owner_pid = ? WHERE name = ?`),
    };
  }

  close(): void {
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
    const row = this.db.prepare('SELECT owner_pid FROM experiments WHERE name = ?').get(name) as { owner_pid: number | null } | undefined;
    const pid = row?.owner_pid;
    if (!pid || pid === process.pid) return undefined;
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
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

  claim(name: string): void {
    this.statements.setOwner.run(process.pid, name);
  }

  release(name: string): void {
    this.statements.setOwner.run(null, name);
  }

  /** The experiment as it was last recorded, with this store as its recorder. */
  loadState(name: string): ExperimentState {
    const row = this.db.prepare('SELECT * FROM experiments WHERE name = ?').get(name) as ExperimentRow | undefined;
    if (!row) {
      const known = this.experimentNames();
      throw new ScribaError('not-found', `no experiment named ${name} in ${this.path}${known.length ? `; it holds: ${known.join(', ')}` : ''}`);
    }
    const trialRows = this.db.prepare('SELECT * FROM trials WHERE experiment = ? ORDER BY seq').all(name) as TrialRow[];
    const logs = new Map<string, MetricLog[]>();
    const logRows = this.db.prepare(
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

  /** The experiment a trial belongs to. */
  experimentOfTrial(trialName: string): string | undefined {
    const row = this.db.prepare('SELECT experiment FROM trials WHERE name = ?').get(trialName) as { experiment: string } | undefined;
    return row?.experiment;
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
    };
  }
}

function toTrial(row: TrialRow): TrialRecord {
  const trial: TrialRecord = {
    name: row.name,
    parameterAssignments: JSON.parse(row.assignments) as TrialRecord['parameterAssignments'],
    condition: row.condition as TrialRecord['condition'],
    conditions: JSON.parse(row.conditions) as TrialRecord['conditions'],
    creationTime: row.creation_time,
  };
  if (row.labels) trial.labels = JSON.parse(row.labels) as Record<string, string>;
  if (row.observation) trial.observation = JSON.parse(row.observation) as TrialRecord['observation'] & object;
  if (row.start_time) trial.startTime = row.start_time;
  if (row.completion_time) trial.completionTime = row.completion_time;
  return trial;
}
