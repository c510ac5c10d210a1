import { stringify } from 'yaml';
import { ScribaError } from '../errors.js';
import { bestTrial, objectiveOf, type ExperimentState } from '../loop/state.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { objectiveValue } from '../trial/observation.js';
import type { TrialRecord } from '../trial/types.js';
import type { Io } from './io.js';
import { age, formatNumber, table } from './output.js';
import { bestValue, experimentView, interruptedHint, type ExperimentView } from './views.js';
import { formatFailureCause } from '../loop/failures.js';

/** kubectl's `-o`: a table (default), a wider one, JSON, YAML, or `kind/name` lines. */
export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['json', 'yaml', 'wide', 'name'];

export interface GetFlags {
  db: string;
  output: OutputFormat;
}

/** kubectl's NotFound, naming the kind and the store. */
export function notFound(kind: 'experiments' | 'trials', name: string, store: string): ScribaError {
  return new ScribaError('not-found', `${kind} "${name}" not found in ${store}`);
}

/** Opens an existing store, never creating one; `scriba get` and friends only read. */
export function withStore<T>(db: string, use: (store: SqliteStore) => T): T {
  const store = new SqliteStore(db, { create: false });
  try {
    return use(store);
  } finally {
    store.close();
  }
}

/** The stored state of a named experiment, or kubectl's NotFound. */
export function loadExperiment(store: SqliteStore, name: string): ExperimentState {
  if (!store.hasExperiment(name)) throw notFound('experiments', name, store.path);
  return store.loadState(name);
}

/** `scriba get experiments [NAME]`: every experiment in the store, or the one named. */
export function getExperiments(name: string | undefined, flags: GetFlags, io: Io): number {
  return withStore(flags.db, (store) => {
    const states = (name === undefined ? store.experimentNames() : [name]).map((n) => loadExperiment(store, n));
    const views = states.map((state) => ({ state, view: experimentView(store, state) }));
    if (flags.output === 'json' || flags.output === 'yaml') {
      const data = name === undefined ? views.map((v) => v.view) : views[0]?.view;
      io.out(flags.output === 'json' ? JSON.stringify(data) : stringify(data).trimEnd());
      return 0;
    }
    if (flags.output === 'name') {
      for (const { view } of views) io.out(`experiment/${view.name}`);
      return 0;
    }
    if (views.length === 0) {
      io.err(`No experiments in ${store.path}.`);
      return 0;
    }
    io.out(experimentTable(views, flags.output === 'wide'));
    if (name !== undefined) for (const cause of views[0]?.view.failures ?? []) io.out(formatFailureCause(cause));
    for (const { view } of views) {
      const hint = interruptedHint(view);
      if (hint) io.err(hint);
    }
    return 0;
  });
}

/** The BEST column names its metric; experiments with different metrics name it in each cell. */
function experimentTable(rows: readonly { state: ExperimentState; view: ExperimentView }[], wide: boolean): string {
  const metrics = new Set(rows.map((r) => objectiveOf(r.state).objectiveMetricName));
  const [metric] = metrics;
  const bestHeader = metrics.size === 1 ? `BEST(${metric})` : 'BEST';
  const headers = ['NAME', 'STATUS', 'REASON', 'TRIALS', ...(wide ? ['RUNNING'] : []), 'SUCCEEDED', 'FAILED', ...(wide ? ['EARLYSTOPPED', 'ALGORITHM'] : []), bestHeader, ...(wide ? ['BEST-TRIAL'] : []), 'AGE'];
  return table(
    headers,
    rows.map(({ state, view }) => {
      const value = bestValue(state);
      const best = value === undefined ? '-' : metrics.size === 1 ? formatNumber(value) : `${objectiveOf(state).objectiveMetricName}=${formatNumber(value)}`;
      const t = view.trials;
      return [
        view.name,
        view.status,
        view.reason,
        String(t.total),
        ...(wide ? [String(t.running + t.pending)] : []),
        String(t.succeeded),
        String(t.failed + t.metricsUnavailable),
        ...(wide ? [String(t.earlyStopped), state.experiment.spec.algorithm?.algorithmName ?? '-'] : []),
        best,
        ...(wide ? [bestTrial(state)?.name ?? '-'] : []),
        age(view.createdAt),
      ];
    }),
  );
}

/** `scriba get trials EXPERIMENT`: one row per trial, with its objective and parameters. */
export function getTrials(name: string, flags: GetFlags, io: Io): number {
  return withStore(flags.db, (store) => {
    const state = loadExperiment(store, name);
    printTrials(state, state.trials, flags.output, io);
    return 0;
  });
}

/** `scriba get trial NAME`: a row, or (-o json|yaml) the whole trial with its observation log. */
export function getTrial(trialName: string, flags: GetFlags, io: Io): number {
  return withStore(flags.db, (store) => {
    const experiment = store.experimentOfTrial(trialName);
    if (!experiment) throw notFound('trials', trialName, store.path);
    const state = store.loadState(experiment);
    const trial = state.trials.find((t) => t.name === trialName) as TrialRecord;
    printTrials(state, [trial], flags.output, io, { experiment, ...trial, observationLog: store.observationLog(trialName) });
    return 0;
  });
}

/** Rows of trials; `one` is what -o json|yaml shows of a single trial (else the list). */
function printTrials(state: ExperimentState, trials: readonly TrialRecord[], output: OutputFormat, io: Io, one?: object): void {
  if (output === 'json' || output === 'yaml') {
    const data = one ?? trials;
    io.out(output === 'json' ? JSON.stringify(data) : stringify(data).trimEnd());
    return;
  }
  if (output === 'name') {
    for (const t of trials) io.out(`trial/${t.name}`);
    return;
  }
  const objective = objectiveOf(state);
  const params = (state.experiment.spec.parameters ?? []).map((p) => p.name);
  const extra = output === 'wide' ? (objective.additionalMetricNames ?? []) : [];
  const latest = (t: TrialRecord, metric: string) => t.observation?.metrics.find((m) => m.name === metric)?.latest;
  io.out(
    table(
      ['NAME', 'STATUS', objective.objectiveMetricName.toUpperCase(), ...extra.map((m) => m.toUpperCase()), ...params.map((p) => p.toUpperCase()), ...(output === 'wide' ? ['REASON'] : []), 'AGE'],
      trials.map((t) => {
        const assigned = new Map(t.parameterAssignments.map((a) => [a.name, a.value]));
        return [
          t.name,
          t.condition,
          formatNumber(objectiveValue(t, objective)),
          ...extra.map((m) => formatNumber(latest(t, m))),
          ...params.map((p) => formatNumber(assigned.get(p) ?? '')),
          ...(output === 'wide' ? [t.conditions.at(-1)?.reason ?? '-'] : []),
          age(t.creationTime),
        ];
      }),
    ),
  );
}
