/**
 * Head-to-head verdicts: each Scriba algorithm against its peer's counterpart (Optuna's
 * sampler of the same family, bench/peer.ts) and `scriba:auto` against the best single Scriba
 * algorithm of each row, on L_t of §3 over each method's seeds.
 *
 * "better": a one-sided Mann–Whitney test finds ours lower at the 5% level; "worse": the test
 * finds ours higher at 5% *and* our median is more than 0.1 above the other's; otherwise
 * "no worse". Verdicts from fewer than 30 seeds a side are marked as indicative only.
 */
import { OPTUNA_SAMPLERS } from '../peer.js';
import { median } from '../protocol.js';
import { cellRuns, syntheticMethods, type Dataset, type Method } from './dataset.js';
import { mannWhitneyLess } from './mann-whitney.js';
import { row } from './markdown.js';
import { FRACTIONS, logRegretsAt, summariseAt } from './stats.js';

/** Seeds a side for a verdict that decides anything. */
export const DECIDING_SEEDS = 30;
const LEVEL = 0.05;
const MARGIN = 0.1;

export type Verdict = 'better' | 'no worse' | 'worse';

export interface Comparison {
  ours: number;
  theirs: number;
  /** P(U ≥ u) that ours is lower (better). */
  pBetter: number;
  /** P(U ≥ u) that ours is higher (worse). */
  pWorse: number;
  verdict: Verdict;
  seeds: number;
}

/** The verdict on two samples of a lower-is-better figure. */
export function compare(ours: readonly number[], theirs: readonly number[]): Comparison {
  const pBetter = mannWhitneyLess(ours, theirs).p;
  const pWorse = mannWhitneyLess(theirs, ours).p;
  const [a, b] = [median(ours), median(theirs)];
  const verdict: Verdict = pBetter < LEVEL ? 'better' : pWorse < LEVEL && a > b + MARGIN ? 'worse' : 'no worse';
  return { ours: a, theirs: b, pBetter, pWorse, verdict, seeds: Math.min(ours.length, theirs.length) };
}


export interface Pairing {
  ours: Method;
  /** A fixed method, or per function the method to beat (undefined: none on that row). */
  against: Method | ((fn: string) => Method | undefined);
  title: string;
}

/** Scriba methods with a peer counterpart in the data, and `auto` against the best other Scriba method per row. */
export function pairings(data: Dataset): Pairing[] {
  const methods = syntheticMethods(data);
  const scriba = methods.filter((m) => m.engine === 'scriba');
  const out: Pairing[] = [];
  for (const m of scriba) {
    const algorithm = m.name.slice('scriba:'.length);
    const peerSampler = OPTUNA_SAMPLERS[algorithm];
    const peer = methods.find((p) => p.engine === 'optuna' && p.sampler === peerSampler);
    if (peer !== undefined) out.push({ ours: m, against: peer, title: `${m.name} against ${peer.name}` });
  }
  const auto = scriba.find((m) => m.name === 'scriba:auto');
  const singles = scriba.filter((m) => m !== auto);
  if (auto !== undefined && singles.length > 0) {
    const best = (fn: string): Method | undefined => {
      let choice: Method | undefined;
      let value = Infinity;
      for (const m of singles) {
        const s = summariseAt(cellRuns(data, fn, m), 1);
        if (s !== undefined && s.median < value) [choice, value] = [m, s.median];
      }
      return choice;
    };
    out.push({ ours: auto, against: best, title: `${auto.name} against the best single Scriba algorithm of each row` });
  }
  return out;
}

const signed = (x: number): string => (x >= 0 ? '+' : '') + x.toFixed(2);
const pText = (p: number): string => (p < 0.001 ? '<0.001' : p.toFixed(3));
const verdictText = (c: Comparison): string => (c.verdict === 'better' ? '**better**' : c.verdict);

/** The comparisons of one pairing: per function, per budget fraction. */
export function comparisons(data: Dataset, pairing: Pairing): Array<{ fn: string; against: Method; byFraction: Array<Comparison | undefined> }> {
  const out = [];
  for (const fn of data.functions) {
    const against = typeof pairing.against === 'function' ? pairing.against(fn) : pairing.against;
    if (against === undefined) continue;
    const byFraction = FRACTIONS.map((q) => {
      const [a, b] = [logRegretsAt(cellRuns(data, fn, pairing.ours), q), logRegretsAt(cellRuns(data, fn, against), q)];
      return a.length > 0 && b.length > 0 ? compare(a, b) : undefined;
    });
    if (byFraction.some((c) => c !== undefined)) out.push({ fn, against, byFraction });
  }
  return out;
}

/** One markdown table per pairing: medians and p-values at N, verdicts at N/4, N/2 and N. */
export function headToHeadSection(data: Dataset): string[] {
  const lines: string[] = [];
  for (const pairing of pairings(data)) {
    const rows = comparisons(data, pairing);
    if (rows.length === 0) continue;
    const perRow = typeof pairing.against === 'function';
    lines.push(
      `## ${pairing.title}`,
      '',
      'One-sided Mann–Whitney tests on L over the seeds (§3): **better** when ours is lower at the 5% level; ' +
        'worse when ours is higher at 5% and its median more than 0.1 above; otherwise no worse. ' +
        `Verdicts on fewer than ${DECIDING_SEEDS} seeds a side are marked (indicative).`,
      '',
      row(['function', ...(perRow ? ['against'] : []), 'median L_N ours', 'theirs', 'p (ours better)', 'p (ours worse)', 'at N', 'at N/2', 'at N/4']),
      row(['---', ...(perRow ? ['---'] : []), '---:', '---:', '---:', '---:', '---', '---', '---']),
    );
    const tally: Record<Verdict, number> = { better: 0, 'no worse': 0, worse: 0 };
    let indicative = false;
    for (const { fn, against, byFraction } of rows) {
      const [quarter, half, full] = byFraction;
      const cell = (c: Comparison | undefined): string => {
        if (c === undefined) return '—';
        if (c.seeds < DECIDING_SEEDS) indicative = true;
        return c.seeds < DECIDING_SEEDS ? `${verdictText(c)} (indicative)` : verdictText(c);
      };
      if (full !== undefined) tally[full.verdict]++;
      lines.push(
        row([
          fn,
          ...(perRow ? [against.name] : []),
          full === undefined ? '—' : signed(full.ours),
          full === undefined ? '—' : signed(full.theirs),
          full === undefined ? '—' : pText(full.pBetter),
          full === undefined ? '—' : pText(full.pWorse),
          cell(full),
          cell(half),
          cell(quarter),
        ]),
      );
    }
    lines.push('', `At N: better on ${tally.better}, no worse on ${tally['no worse']}, worse on ${tally.worse} of ${rows.length} functions${indicative ? ' (some verdicts indicative: fewer than 30 seeds)' : ''}.`, '');
  }
  return lines;
}
