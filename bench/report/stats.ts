/**
 * The summaries a report prints (bench-protocol §3 and §4), on top of the quantile and regret
 * helpers of `protocol.ts`: the evaluation index t = round(q·N), the median and IQR of L_t over
 * seeds, average ranks with ties, and the number formats of the tables.
 */
import { logRegret, median, quantile, type SyntheticRun } from '../protocol.js';

/** The budget fractions q of §3: L is reported at t = round(N/4), round(N/2) and N. */
export const FRACTIONS = [0.25, 0.5, 1] as const;

/** S of §3: seeds 0..9 per (function, method); a method run with fewer is marked `(S=k)`. */
export const PROTOCOL_SEEDS = 10;

export interface Summary {
  median: number;
  q1: number;
  q3: number;
  /** Number of runs summarised. */
  n: number;
}

/**
 * Python's round(): half to even. §3 writes t = round(q·N) and the peers' reports are made in
 * Python; for the protocol budgets (100, 200) q·N is an integer and both roundings agree.
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** t = round(q·N), at least one evaluation. */
export function evaluationsAt(q: number, budget: number): number {
  return Math.max(1, roundHalfEven(q * budget));
}

/** L_t of one run (§3), or undefined when a truncated run stopped before t (§7.1). */
export function logRegretAt(run: SyntheticRun, t: number): number | undefined {
  const r = run.regret[t - 1];
  return r === undefined ? undefined : logRegret(r);
}

/** Median and [Q1, Q3] with type-7 quantiles (§3); undefined for no values. */
export function summarise(values: readonly number[]): Summary | undefined {
  if (values.length === 0) return undefined;
  return { median: median(values), q1: quantile(values, 0.25), q3: quantile(values, 0.75), n: values.length };
}

/** L at t = round(q·N) of each run that reaches t. */
export function logRegretsAt(runs: readonly SyntheticRun[], q: number): number[] {
  return runs.map((run) => logRegretAt(run, evaluationsAt(q, run.budget))).filter((v): v is number => v !== undefined);
}

/** The cell of a quality table: L at t = round(q·N) over the runs that reach t. */
export function summariseAt(runs: readonly SyntheticRun[], q: number): Summary | undefined {
  return summarise(logRegretsAt(runs, q));
}

/** Median over seeds of the per-run median ask time (§4), in seconds. */
export function medianAskSeconds(runs: readonly SyntheticRun[]): number | undefined {
  const perRun = runs.filter((r) => r.ask_s.length > 0).map((r) => median(r.ask_s));
  return perRun.length === 0 ? undefined : median(perRun);
}

/** Ranks, 1 = smallest; tied values share the average of their positions (§3 mean rank). */
export function averageRanks(values: ReadonlyArray<number | undefined>): Array<number | undefined> {
  const present = values
    .map((v, i) => ({ v, i }))
    .filter((e): e is { v: number; i: number } => e.v !== undefined)
    .sort((a, b) => a.v - b.v);
  const ranks: Array<number | undefined> = values.map(() => undefined);
  for (let start = 0; start < present.length; ) {
    let end = start;
    while (end + 1 < present.length && present[end + 1]?.v === present[start]?.v) end++;
    // Positions start+1 .. end+1 (1-based) share their mean.
    for (let k = start; k <= end; k++) ranks[(present[k] as { i: number }).i] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

/** Two decimals with the sign always shown: `-4.66`, `+0.30`. */
export function formatSigned(v: number): string {
  const s = v.toFixed(2);
  if (/^-0\.00$/.test(s)) return '+0.00';
  return v >= 0 ? `+${s}` : s;
}

/** `median [Q1, Q3]`, e.g. `-4.66 [-5.04, -4.44]`. */
export function formatSummary(s: Summary): string {
  return `${formatSigned(s.median)} [${formatSigned(s.q1)}, ${formatSigned(s.q3)}]`;
}

/** Seconds as milliseconds with three significant digits: 0.0123 s -> `12.3`, 1.5 s -> `1500`. */
export function formatMs(seconds: number): string {
  const ms = seconds * 1000;
  const s = ms.toPrecision(3);
  if (!s.includes('e')) return s;
  // toPrecision switches to exponent notation past 3 integer digits; print those as integers.
  return Math.abs(ms) >= 1 ? String(Number(s)) : s;
}

export interface CurvePoint {
  t: number;
  median: number;
  q1: number;
  q3: number;
}

/** Median and IQR of L_t over the runs at every t = 1..(longest run) for a plot; runs that stopped drop out. */
export function logRegretCurve(runs: readonly SyntheticRun[]): CurvePoint[] {
  const length = Math.max(0, ...runs.map((r) => r.regret.length));
  const points: CurvePoint[] = [];
  for (let t = 1; t <= length; t++) {
    const s = summarise(runs.map((r) => logRegretAt(r, t)).filter((v): v is number => v !== undefined));
    if (s !== undefined) points.push({ t, median: s.median, q1: s.q1, q3: s.q3 });
  }
  return points;
}
