import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { trialDirectory } from '../../trials/process-runner.js';
import { ScribaError } from '../errors.js';
import { bestTrial, objectiveOf } from '../loop/state.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { objectiveValue } from '../trial/observation.js';
import type { Io } from './main.js';
import { age, summarize, table } from './output.js';

export interface GetFlags {
  db: string;
  json: boolean;
}

/** `scriba get experiments`: one row per experiment in the store. */
export function getExperiments(flags: GetFlags, io: Io): number {
  return withStore(flags.db, (store) => {
    const rows = store.experimentNames().map((name) => {
      const state = store.loadState(name);
      return { state, summary: summarize(state), created: store.createdAt(name) };
    });
    if (flags.json) {
      io.out(JSON.stringify(rows.map((r) => r.summary)));
      return 0;
    }
    if (rows.length === 0) {
      io.out(`No experiments in ${store.path}.`);
      return 0;
    }
    io.out(
      table(
        ['NAME', 'STATUS', 'REASON', 'TRIALS', 'SUCCEEDED', 'FAILED', 'BEST', 'AGE'],
        rows.map(({ state, summary, created }) => {
          const best = bestTrial(state);
          const value = best ? objectiveValue(best, objectiveOf(state)) : undefined;
          const t = summary.trials;
          return [summary.name, summary.status, summary.reason, String(t.total), String(t.succeeded), String(t.failed + t.metricsUnavailable), value === undefined ? '-' : String(value), age(created)];
        }),
      ),
    );
    return 0;
  });
}

/** `scriba get trials NAME`: one row per trial, with its parameters and objective. */
export function getTrials(name: string, flags: GetFlags, io: Io): number {
  return withStore(flags.db, (store) => {
    const state = store.loadState(name);
    if (flags.json) {
      io.out(JSON.stringify(state.trials));
      return 0;
    }
    const objective = objectiveOf(state);
    const params = (state.experiment.spec.parameters ?? []).map((p) => p.name);
    io.out(
      table(
        ['NAME', 'STATUS', objective.objectiveMetricName.toUpperCase(), ...params.map((p) => p.toUpperCase()), 'AGE'],
        state.trials.map((t) => {
          const value = objectiveValue(t, objective);
          const assigned = new Map(t.parameterAssignments.map((a) => [a.name, a.value]));
          return [t.name, t.condition, value === undefined ? '-' : String(value), ...params.map((p) => assigned.get(p) ?? ''), age(t.creationTime)];
        }),
      ),
    );
    return 0;
  });
}

/** `scriba get trial NAME`: the whole trial, as YAML (or JSON), with its observation log. */
export function getTrial(trialName: string, flags: GetFlags, io: Io): number {
  return withStore(flags.db, (store) => {
    const experiment = store.experimentOfTrial(trialName);
    if (!experiment) throw new ScribaError('not-found', `no trial named ${trialName} in ${store.path}`);
    const trial = store.loadState(experiment).trials.find((t) => t.name === trialName);
    const view = { experiment, ...trial, observationLog: store.observationLog(trialName) };
    io.out(flags.json ? JSON.stringify(view) : stringify(view).trimEnd());
    return 0;
  });
}

/** `scriba logs TRIAL`: what the trial's process wrote (stdout and stderr). */
export async function trialLogs(trialName: string, flags: GetFlags, io: Io): Promise<number> {
  const experiment = withStore(flags.db, (store) => store.experimentOfTrial(trialName));
  if (!experiment) throw new ScribaError('not-found', `no trial named ${trialName} in ${flags.db}`);
  const file = join(trialDirectory(join(dirname(resolve(flags.db)), 'trials'), experiment, trialName), 'output.log');
  try {
    io.raw(await readFile(file, 'utf8'));
  } catch {
    throw new ScribaError('not-found', `trial ${trialName} has no output yet (${file})`);
  }
  return 0;
}

function withStore<T>(db: string, use: (store: SqliteStore) => T): T {
  if (!existsSync(db)) throw new ScribaError('not-found', `no store at ${db}: run an experiment first, or pass --db`);
  const store = new SqliteStore(db);
  try {
    return use(store);
  } finally {
    store.close();
  }
}
