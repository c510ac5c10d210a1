import type Database from 'better-sqlite3';
import type { TrialRecord } from '../trial/types.js';

/** The tables of `scriba run`'s store; `migrate` brings a file written by an older version up to date. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS experiments (
  name         TEXT PRIMARY KEY,
  experiment   TEXT NOT NULL,           -- the defaulted Katib Experiment, JSON
  seed         INTEGER NOT NULL,
  conditions   TEXT NOT NULL,           -- status.conditions, JSON
  outcome      TEXT,                    -- the terminal condition once complete, JSON
  exhausted    INTEGER NOT NULL DEFAULT 0,
  suggestion   TEXT,                    -- what the algorithm returned: state settings, why it ended (JSON)
  owner_pid    INTEGER,                 -- the process running it now
  heartbeat_at TEXT,                    -- when that process last said it is alive
  source       TEXT,                    -- the file it was read from, if any
  created_at   TEXT NOT NULL
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

/** Creates missing tables and adds columns that later versions introduced. */
export function migrate(db: Database.Database): void {
  db.exec(SCHEMA);
  const columns = (db.pragma('table_info(experiments)') as { name: string }[]).map((c) => c.name);
  if (!columns.includes('heartbeat_at')) db.exec('ALTER TABLE experiments ADD COLUMN heartbeat_at TEXT');
  if (!columns.includes('suggestion')) db.exec('ALTER TABLE experiments ADD COLUMN suggestion TEXT');
}

export interface ExperimentRow {
  name: string;
  experiment: string;
  seed: number;
  conditions: string;
  outcome: string | null;
  exhausted: number;
  suggestion: string | null;
  owner_pid: number | null;
  heartbeat_at: string | null;
  source: string | null;
  created_at: string;
}

export interface TrialRow {
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

export function toTrial(row: TrialRow): TrialRecord {
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
