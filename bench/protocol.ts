/**
 * The result files of the benchmark protocol (bench-protocol v1, §7), as types. Every
 * engine, Scriba and its peers alike, writes these shapes, so one report reads them all.
 */

export const SYNTHETIC_SCHEMA = 'hpo-bench/synthetic/v1';
export const LATENCY_SCHEMA = 'hpo-bench/latency/v1';

export interface Machine {
  cpu: string;
  logical_cpus: number;
  mem_gb: number;
  os: string;
}

export interface Meta {
  engine: string;
  versions: Record<string, string>;
  machine: Machine;
  created: string;
  command: string;
  samplers: Record<string, string>;
  [extra: string]: unknown;
}

/** One run of one sampler on one function with one seed (§7.1). */
export interface SyntheticRun {
  function: string;
  dim: number;
  f_star: number;
  sampler: string;
  seed: number;
  budget: number;
  /** Observed f values in evaluation order. */
  y: number[];
  /** Best-so-far simple regret r_t = max(min_{i<=t} y_i - f*, 0), t = 1..N. */
  regret: number[];
  ask_s: number[];
  tell_s: number[];
  best_x?: number[];
  /** The best point of a mixed space (bench/functions/mixed.ts), whose values are not all numbers. */
  best_params?: Record<string, number | string>;
  wall_s?: number;
  truncated?: boolean;
}

export interface SyntheticFile {
  schema: typeof SYNTHETIC_SCHEMA;
  meta: Meta & { timing?: string };
  runs: SyntheticRun[];
}

/** Ask latency with n completed trials in the history (§4.1, §7.2). */
export interface LatencyEntry {
  sampler: string;
  n_trials: number;
  ask_s: number[];
  median_ask_s: number;
  prefill_s?: number;
}

export interface LatencyFile {
  schema: typeof LATENCY_SCHEMA;
  meta: Meta & { function: string; asks_per_point: number; prefill: string };
  entries: LatencyEntry[];
}

/** Budget N of §3: 100 evaluations for d <= 3, 200 above. */
export function protocolBudget(dim: number): number {
  return dim <= 3 ? 100 : 200;
}

/** The regret curve of §3: r_t = max(min_{i<=t} y_i - f*, 0). */
export function regretCurve(y: readonly number[], fStar: number): number[] {
  let best = Infinity;
  return y.map((v) => {
    if (v < best) best = v;
    return Math.max(best - fStar, 0);
  });
}

/** §3's reported metric: log10(r + 1e-12). */
export function logRegret(r: number): number {
  return Math.log10(r + 1e-12);
}

/** Quantile with linear interpolation between order statistics (numpy's default, "type 7"). */
export function quantile(values: readonly number[], p: number): number {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const h = (v.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return (v[lo] as number) + (h - lo) * ((v[hi] as number) - (v[lo] as number));
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
