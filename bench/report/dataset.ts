/**
 * The inputs of a report, regrouped: methods (columns) labelled `<engine>:<method>` (§6 of
 * docs/benchmark-protocol.md),
 * functions (rows) in the order of §2, synthetic runs per (function, method) and latency
 * points per (function, method, n).
 */
import { LATENCY_SCHEMA, type LatencyFile, type SyntheticFile, type SyntheticRun } from '../protocol.js';
import { PROTOCOL_FUNCTIONS } from '../schema.js';
import { methodLabel } from './labels.js';

export type ResultFile = SyntheticFile | LatencyFile;

export interface Method {
  /** Identity: engine and sampler. */
  key: string;
  engine: string;
  sampler: string;
  /** Label in tables and plots, `<engine>:<method>` (labels.ts); the sampler id where two labels would coincide. */
  name: string;
  /** From the `meta.samplers` of the first file that has the method. */
  description?: string;
  /** Distinct seeds over the method's synthetic runs (S of §3); 0 for latency-only methods. */
  seeds: number;
  /** Position among the methods, first appearance first: fixes the plot colour. */
  index: number;
}

export interface LatencyPoint {
  method: Method;
  n: number;
  medianAskS: number;
  /** The input file's position: ratios compare points of one run only. */
  file: number;
}

export interface Dataset {
  methods: Method[];
  /** The §2 functions in protocol order, then others in order of appearance; only those with runs. */
  functions: string[];
  runs: Map<string, Map<Method, SyntheticRun[]>>;
  /** Latency points grouped by the function of their file (`meta.function`, §7.2). */
  latency: Map<string, LatencyPoint[]>;
  /** How the latency files made their histories (`meta.prefill`) and warmed up (`meta.warmup`), once each. */
  latencyNotes: string[];
}

/** Peer results merged into one file carry their own `engine`; otherwise the file's engine counts. */
export function engineOf(item: object, file: ResultFile): string {
  const own = (item as { engine?: unknown }).engine;
  return typeof own === 'string' && own.length > 0 ? own : file.meta.engine;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Regroups validated files; deterministic in the order of the files and of their items. */
export function collect(files: readonly ResultFile[]): Dataset {
  const byKey = new Map<string, Method>();
  const method = (engine: string, sampler: string, file: ResultFile): Method => {
    const key = JSON.stringify([engine, sampler]);
    let m = byKey.get(key);
    if (m === undefined) {
      const description = file.meta.samplers[sampler];
      m = { key, engine, sampler, name: methodLabel(engine, sampler), ...(description !== undefined && { description }), seeds: 0, index: byKey.size };
      byKey.set(key, m);
    }
    return m;
  };

  const runs = new Map<string, Map<Method, SyntheticRun[]>>();
  const latency = new Map<string, LatencyPoint[]>();
  const latencyNotes = new Set<string>();
  const seeds = new Map<Method, Set<number>>();
  for (const [index, file] of files.entries()) {
    if (file.schema === LATENCY_SCHEMA) {
      latencyNotes.add(`History: ${file.meta.prefill}.`);
      const warmup = (file.meta as { warmup?: unknown }).warmup;
      if (typeof warmup === 'string') latencyNotes.add(`${file.meta.engine}: ${warmup}.`);
      for (const e of file.entries) {
        push(latency, file.meta.function, { method: method(engineOf(e, file), e.sampler, file), n: e.n_trials, medianAskS: e.median_ask_s, file: index });
      }
      continue;
    }
    for (const run of file.runs) {
      const m = method(engineOf(run, file), run.sampler, file);
      if (!runs.has(run.function)) runs.set(run.function, new Map());
      push(runs.get(run.function) as Map<Method, SyntheticRun[]>, m, run);
      if (!seeds.has(m)) seeds.set(m, new Set());
      seeds.get(m)?.add(run.seed);
    }
  }

  // Two ids of one engine can map to one label (`scriba_tpe` and a bare `tpe`): those keep
  // `<engine>:<sampler id>`, which the key makes unique, so no two columns look alike.
  const methods = [...byKey.values()];
  const labels = methods.map((m) => m.name);
  for (const m of methods) {
    if (labels.filter((l) => l === m.name).length > 1) m.name = `${m.engine}:${m.sampler}`;
    m.seeds = seeds.get(m)?.size ?? 0;
  }

  const order = PROTOCOL_FUNCTIONS.map((f) => f.name);
  const functions = [
    ...order.filter((f) => runs.has(f)),
    ...[...runs.keys()].filter((f) => !order.includes(f)),
  ];
  return { methods, functions, runs, latency, latencyNotes: [...latencyNotes] };
}

/** The methods with synthetic runs, in column order. */
export function syntheticMethods(data: Dataset): Method[] {
  return data.methods.filter((m) => m.seeds > 0);
}

/** The runs of one cell; empty when the method did not run the function. */
export function cellRuns(data: Dataset, fn: string, m: Method): SyntheticRun[] {
  return data.runs.get(fn)?.get(m) ?? [];
}

/** A file name for a function's plot: the name itself for §2's names, anything odd replaced. */
export function plotFileName(fn: string): string {
  return `${fn.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_')}.svg`;
}
