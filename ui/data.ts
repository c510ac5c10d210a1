import { statSync } from 'node:fs';
import { stringify } from 'yaml';
import { bestValue, experimentView, type ExperimentView } from '../src/cli/views.js';
import { notFound } from '../src/cli/get.js';
import { readFrom, trialOutputFile } from '../src/cli/logs.js';
import { objectiveOf, type ExperimentState } from '../src/loop/state.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { objectiveValue } from '../src/trial/observation.js';
import type { TrialRecord } from '../src/trial/types.js';
import { plotExperiment, type PlotCurve, type PlotExperiment } from './model.js';

/**
 * What the dashboard reads, over one open store: the same store functions and views that
 * `scriba get` uses, with each experiment's state cached until another process commits
 * (SQLite's data_version), so a page of 10,000 trials is sorted from memory, not re-read.
 */

export interface ExperimentRow {
  name: string;
  status: string;
  reason: string;
  message: string;
  algorithm: string;
  metric: string;
  goal: 'minimize' | 'maximize';
  trials: ExperimentView['trials'];
  maxTrialCount?: number;
  best?: { trial: string; value: number };
  createdAt?: string;
}

export interface TrialRow {
  name: string;
  index: number;
  condition: string;
  reason: string;
  value?: number;
  params: Record<string, string>;
  metrics: Record<string, string>;
  creationTime: string;
  completionTime?: string;
}

export interface TrialQuery {
  offset?: number;
  limit?: number;
  /** `index` (default), `name`, `condition`, `value`, or `param:NAME`. */
  sort?: string;
  order?: 'asc' | 'desc';
  /** Only trials in these conditions. */
  conditions?: readonly string[];
  /** Only trials whose name or a parameter value contains this text. */
  text?: string;
}

export interface TrialPage {
  total: number;
  offset: number;
  rows: TrialRow[];
}

export const MAX_PAGE = 500;

interface Cached {
  version: number;
  state: ExperimentState;
  view: ExperimentView;
  rows: TrialRow[];
  plot: PlotExperiment;
  curves: Map<string, PlotCurve[]>;
}

export class UiData {
  readonly store: SqliteStore;
  private readonly cache = new Map<string, Cached>();

  constructor(db: string) {
    this.store = new SqliteStore(db, { create: false });
  }

  close(): void {
    this.store.close();
  }

  /** Changes whenever another process commits to the store. */
  version(): number {
    return this.store.changeCounter();
  }

  experiments(): ExperimentRow[] {
    return this.store.experimentNames().map((name) => this.experimentRow(name));
  }

  experimentRow(name: string): ExperimentRow {
    const c = this.load(name);
    const objective = objectiveOf(c.state);
    const best = c.view.bestTrial;
    const value = bestValue(c.state);
    const max = c.state.experiment.spec.maxTrialCount;
    return {
      name,
      status: c.view.status,
      reason: c.view.reason,
      message: c.view.message,
      algorithm: c.state.experiment.spec.algorithm?.algorithmName ?? '',
      metric: objective.objectiveMetricName,
      goal: objective.type,
      trials: c.view.trials,
      ...(max !== undefined ? { maxTrialCount: max } : {}),
      ...(best && value !== undefined ? { best: { trial: best.name, value } } : {}),
      ...(c.view.createdAt ? { createdAt: c.view.createdAt } : {}),
    };
  }

  /** The experiment page's data: its row, parameters, best trial and its Experiment as YAML. */
  experiment(name: string): { row: ExperimentRow; plot: Omit<PlotExperiment, 'trials'>; bestTrial?: TrialRow; yaml: string; failures: ExperimentView['failures'] } {
    const c = this.load(name);
    const { trials: _omit, ...plot } = c.plot;
    const best = c.plot.bestTrial ? c.rows.find((r) => r.name === c.plot.bestTrial) : undefined;
    return { row: this.experimentRow(name), plot, ...(best ? { bestTrial: best } : {}), yaml: stringify(c.state.experiment), failures: c.view.failures };
  }

  plot(name: string): PlotExperiment {
    return this.load(name).plot;
  }

  /** Every trial's curve of `metric` (the objective metric by default). */
  curves(name: string, metric?: string): PlotCurve[] {
    const c = this.load(name);
    const m = metric ?? c.plot.metric;
    const known = c.curves.get(m);
    if (known) return known;
    const series = this.store.metricSeries(name, m);
    const curves = c.state.trials.flatMap((t) => {
      const values = series.get(t.name);
      return values ? [{ trial: t.name, condition: t.condition, values }] : [];
    });
    c.curves.set(m, curves);
    return curves;
  }

  trials(name: string, q: TrialQuery = {}): TrialPage {
    const c = this.load(name);
    let rows = c.rows;
    if (q.conditions && q.conditions.length > 0) {
      const wanted = new Set(q.conditions);
      rows = rows.filter((r) => wanted.has(r.condition));
    }
    const text = q.text?.trim().toLowerCase();
    if (text) rows = rows.filter((r) => r.name.toLowerCase().includes(text) || Object.values(r.params).some((v) => v.toLowerCase().includes(text)));
    const sorted = sortRows(rows, q.sort ?? 'index', q.order ?? 'asc');
    const offset = Math.max(0, Math.floor(q.offset ?? 0));
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(q.limit ?? 50)));
    return { total: sorted.length, offset, rows: sorted.slice(offset, offset + limit) };
  }

  /** One trial: its row, conditions, observation log and YAML; undefined when the store has none of that name. */
  trial(trialName: string): { experiment: string; row: TrialRow; record: TrialRecord; log: ReturnType<SqliteStore['observationLog']>; yaml: string } | undefined {
    const experiment = this.store.experimentOfTrial(trialName);
    if (!experiment) return undefined;
    const c = this.load(experiment);
    const record = c.state.trials.find((t) => t.name === trialName);
    const row = c.rows.find((r) => r.name === trialName);
    if (!record || !row) return undefined;
    return { experiment, row, record, log: this.store.observationLog(trialName), yaml: stringify({ experiment, ...record }) };
  }

  /** What the trial's process printed (its last `maxBytes`), or undefined when it printed nothing yet. */
  trialOutput(trialName: string, maxBytes = 1 << 20): { text: string; truncated: boolean } | undefined {
    const experiment = this.store.experimentOfTrial(trialName);
    if (!experiment) throw notFound('trials', trialName, this.store.path);
    const file = trialOutputFile(this.store.path, experiment, trialName);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return undefined;
    }
    const start = Math.max(0, size - maxBytes);
    const bytes = readFrom(file, start);
    return bytes && { text: bytes.toString('utf8'), truncated: start > 0 };
  }

  /** Forgets what was read (after this process changed the store itself). */
  invalidate(): void {
    this.cache.clear();
  }

  private load(name: string): Cached {
    const version = this.version();
    const known = this.cache.get(name);
    if (known && known.version === version) return known;
    if (!this.store.hasExperiment(name)) throw notFound('experiments', name, this.store.path);
    const state = this.store.loadState(name, { logs: false });
    const objective = objectiveOf(state);
    const rows = state.trials.map((t, index): TrialRow => {
      const value = objectiveValue(t, objective);
      return {
        name: t.name,
        index,
        condition: t.condition,
        reason: t.conditions.at(-1)?.reason ?? '',
        ...(value !== undefined ? { value } : {}),
        params: Object.fromEntries(t.parameterAssignments.map((a) => [a.name, a.value])),
        metrics: Object.fromEntries((t.observation?.metrics ?? []).map((m) => [m.name, m.latest])),
        creationTime: t.creationTime,
        ...(t.completionTime ? { completionTime: t.completionTime } : {}),
      };
    });
    const cached: Cached = { version, state, view: experimentView(this.store, state), rows, plot: plotExperiment(state), curves: new Map() };
    this.cache.set(name, cached);
    return cached;
  }
}

/** Rows sorted by a key; trials without a value (or parameter) go last in either order; ties keep creation order. */
export function sortRows(rows: readonly TrialRow[], sort: string, order: 'asc' | 'desc'): TrialRow[] {
  const sign = order === 'desc' ? -1 : 1;
  const key = (r: TrialRow): number | string | undefined => {
    if (sort === 'name') return r.name;
    if (sort === 'condition') return r.condition;
    if (sort === 'value') return r.value;
    if (sort.startsWith('param:')) {
      const v = r.params[sort.slice('param:'.length)];
      if (v === undefined) return undefined;
      const x = Number(v);
      return v.trim() !== '' && Number.isFinite(x) ? x : v;
    }
    return r.index;
  };
  const keyed = rows.map((r) => ({ r, k: key(r) }));
  keyed.sort((a, b) => {
    if (a.k === undefined || b.k === undefined) return a.k === b.k ? a.r.index - b.r.index : a.k === undefined ? 1 : -1;
    if (typeof a.k === 'number' && typeof b.k === 'number') return (a.k - b.k) * sign || a.r.index - b.r.index;
    const c = String(a.k).localeCompare(String(b.k));
    return c * sign || a.r.index - b.r.index;
  });
  return keyed.map((x) => x.r);
}
