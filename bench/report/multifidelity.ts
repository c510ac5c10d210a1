/**
 * The report of a §7.3 multi-fidelity file (bench-protocol §5): per budget E ∈ {810, 2430,
 * 4050, 8100} the median [Q1, Q3] over seeds of the incumbent asymptote regret per method,
 * trial counts and best_any_regret at 8100, one-sided Mann–Whitney tests of each Scriba
 * method against its Optuna counterpart, and an SVG of median incumbent regret (log10)
 * against cumulative epochs. Pure: the same file gives the same bytes.
 *
 *   const { markdown, svgs } = multifidelityReport(file, { command });
 */
import { OPTUNA_COUNTERPART } from '../multifidelity-scriba.js';
import { bestAnyAt, CHECKPOINTS, incumbentAt, type MultifidelityFile, type MultifidelityRun } from '../multifidelity.js';
import { median } from '../protocol.js';
import { mannWhitneyLess } from './mann-whitney.js';
import { mdCode, mdText } from './markdown.js';
import { summarise, type CurvePoint, type Summary } from './stats.js';
import { plotSvg } from './svg.js';
import type { Method } from './dataset.js';

const EMPTY = '—';
const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

export interface MfMethod {
  /** `scriba:scriba_tpe_asha`, `optuna:tpe_sha`. */
  label: string;
  engine: string;
  sampler: string;
  pruner: string;
  runs: MultifidelityRun[];
}

/** A run's method id: Scriba names its methods whole; a peer's is `<sampler>_<pruner>` (§5). */
export function methodId(run: MultifidelityRun, engine: string): string {
  return engine === 'scriba' ? run.sampler : `${run.sampler}_${run.pruner}`;
}

/** Methods in order of first appearance. */
export function mfMethods(file: MultifidelityFile): MfMethod[] {
  const byLabel = new Map<string, MfMethod>();
  for (const run of file.runs) {
    const engine = run.engine ?? file.meta.engine;
    const label = `${engine}:${methodId(run, engine)}`;
    const m = byLabel.get(label) ?? { label, engine, sampler: run.sampler, pruner: run.pruner, runs: [] };
    m.runs.push(run);
    byLabel.set(label, m);
  }
  return [...byLabel.values()];
}

/** Regret with three significant digits; +∞ before the first complete trial. */
export function formatRegret(v: number): string {
  if (v === Infinity) return '∞';
  if (v === 0) return '0';
  return v < 1e-3 ? v.toExponential(2) : v.toPrecision(3);
}

const summaryText = (s: Summary): string => `${formatRegret(s.median)} [${formatRegret(s.q1)}, ${formatRegret(s.q3)}]`;

/** Incumbent regret at E over the method's seeds. */
export function summaryAt(m: MfMethod, epochs: number): Summary | undefined {
  return summarise(m.runs.map((r) => incumbentAt(r.history, epochs)));
}

/** The Optuna method a Scriba method is compared with. */
function counterpart(m: MfMethod, methods: readonly MfMethod[]): MfMethod | undefined {
  const c = OPTUNA_COUNTERPART[m.sampler];
  return c && methods.find((o) => o.engine === 'optuna' && o.sampler === c.sampler && o.pruner === c.pruner);
}

function describe(file: MultifidelityFile, m: MfMethod): string {
  const samplers = file.meta.samplers;
  const pruners = file.meta.pruners;
  if (m.engine === 'scriba') return samplers[m.sampler] ?? EMPTY;
  const s = samplers[`${m.engine}:${m.sampler}`] ?? samplers[m.sampler] ?? m.sampler;
  const p = pruners[`${m.engine}:${m.pruner}`] ?? pruners[m.pruner] ?? m.pruner;
  return `${s}; pruner ${p}`;
}

/** Median incumbent regret (log10) over seeds every 81 epochs, for the plot; points without a finite median are left out. */
export function regretCurve(m: MfMethod, budget: number, step = 81): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (let e = step; e <= budget; e += step) {
    const s = summarise(m.runs.map((r) => Math.log10(incumbentAt(r.history, e))));
    // A seed without a complete trial yet is +∞: its band edge is drawn at the top (log10 regret 0.1 > any A(x) - A*).
    if (s && Number.isFinite(s.median)) points.push({ t: e, median: s.median, q1: s.q1, q3: Math.min(s.q3, 0.1) });
  }
  return points;
}

export interface MultifidelityReport {
  markdown: string;
  svgs: Record<string, string>;
}

/** Plots by kind of early stopping: Scriba's rule with Optuna's matching pruner. */
const GROUPS: Readonly<Record<string, string>> = {
  none: 'no early stopping',
  median: 'median stopping',
  sha: 'successive halving (ASHA)',
  hyperband: 'Hyperband',
};

function groupOf(pruner: string): string {
  return pruner === 'medianstop' ? 'median' : pruner === 'asha' ? 'sha' : pruner;
}

/** The report of one validated multi-fidelity file; its SVGs are `<plotPrefix>-<group>.svg`. */
export function multifidelityReport(file: MultifidelityFile, options: { command?: string; plotPrefix?: string } = {}): MultifidelityReport {
  const methods = mfMethods(file);
  const budget = Math.max(...file.runs.map((r) => r.budget_epochs));
  // A shorter run than §5's is reported at the budgets it reaches and at its own.
  const checkpoints = [...new Set([...CHECKPOINTS.filter((e) => e <= budget), budget])];
  const plotPrefix = options.plotPrefix ?? 'multifidelity';
  const lines = ['# Multi-fidelity benchmark', ''];
  const m = file.meta;
  lines.push(`Results made with ${mdCode(m.command)}${options.command && options.command !== m.command ? `; report made with ${mdCode(options.command)}` : ''}.`, '');
  lines.push(
    `Objective ${mdText(m.objective)}, max ${m.max_epochs} epochs, A* = ${m.a_star}; budget ${budget} epochs per run; protocol §5. ` +
      `Machine: ${mdText(`${m.machine.cpu}, ${m.machine.logical_cpus} logical CPUs, ${m.machine.mem_gb} GB, ${m.machine.os}`)}. ` +
      `Versions: ${mdText(Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(', '))}` +
      (isPeer(m.peers) ? `; ${mdText(Object.entries(m.peers.optuna.versions).map(([k, v]) => `${k} ${v}`).join(', '))}` : '') + '.',
    '',
  );
  if (typeof m.wall_s === 'number') lines.push(`Run time: ${(m.wall_s / 60).toFixed(1)} min (Scriba here, Optuna in a child process at the same time).`, '');
  if (m.failed && typeof m.failed === 'object') {
    for (const [name, why] of Object.entries(m.failed as Record<string, string>)) lines.push(`Not measured: ${mdCode(name)} — ${mdText(why)}`, '');
  }

  lines.push('## Methods', '', row(['method', 'seeds', 'description']), row(['---', '---:', '---']));
  for (const x of methods) lines.push(row([mdText(x.label), String(new Set(x.runs.map((r) => r.seed)).size), mdText(describe(file, x))]));
  lines.push('');

  lines.push(
    '## Incumbent asymptote regret',
    '',
    'Median [Q1, Q3] over seeds of A(x_inc) − A* after the last trial ending at cumulative epochs ≤ E (∞ before the first complete trial); ' +
      'best median per column in bold. Trials, complete trials and best_any_regret (median over seeds) at the end of the run.',
    '',
    row(['method', ...checkpoints.map((e) => `E = ${e}`), 'n_trials', 'n_complete', `best_any_regret at ${budget}`]),
    row(['---', ...checkpoints.map(() => '---:'), '---:', '---:', '---:']),
  );
  const best = checkpoints.map((e) => Math.min(...methods.map((x) => summaryAt(x, e)?.median ?? Infinity)));
  for (const x of methods) {
    const cells = checkpoints.map((e, i) => {
      const s = summaryAt(x, e);
      if (!s) return EMPTY;
      return s.median === best[i] && Number.isFinite(s.median) ? `**${summaryText(s)}**` : summaryText(s);
    });
    lines.push(row([
      mdText(x.label),
      ...cells,
      String(median(x.runs.map((r) => r.n_trials))),
      String(median(x.runs.map((r) => r.n_complete))),
      formatRegret(median(x.runs.map((r) => bestAnyAt(r.history, budget)))),
    ]));
  }
  lines.push('');

  const pairs = methods.flatMap((x) => {
    const o = x.engine === 'scriba' ? counterpart(x, methods) : undefined;
    return o ? [[x, o] as const] : [];
  });
  if (pairs.length > 0) {
    lines.push(
      '## Scriba against Optuna',
      '',
      'Per budget: Scriba median / Optuna median, and p of the one-sided Mann–Whitney test of "Scriba\'s incumbent regret is smaller" over seeds ' +
        '(exact without ties, otherwise normal with tie correction; ∞ counts as the largest value), and the verdict at the 5% level: ' +
        '**better** (p < 0.05), worse (the opposite one-sided test, "Optuna\'s is smaller", has p < 0.05) or no worse (neither).',
      '',
      row(['Scriba', 'Optuna', ...checkpoints.map((e) => `E = ${e}`)]),
      row(['---', '---', ...checkpoints.map(() => '---:')]),
    );
    for (const [x, o] of pairs) {
      const cells = checkpoints.map((e) => {
        const a = x.runs.map((r) => incumbentAt(r.history, e));
        const b = o.runs.map((r) => incumbentAt(r.history, e));
        const p = mannWhitneyLess(a, b).p;
        return `${formatRegret(median(a))} / ${formatRegret(median(b))}, p = ${p.toFixed(3)}, ${verdict(p, mannWhitneyLess(b, a).p)}`;
      });
      lines.push(row([mdText(x.label), mdText(o.label), ...cells]));
    }
    lines.push('');
  }

  lines.push('## Plots', '', 'Median log10 incumbent regret over seeds against cumulative epochs (every 81 epochs); band [Q1, Q3]; one plot per kind of early stopping.', '');
  const svgs: Record<string, string> = {};
  for (const [group, title] of Object.entries(GROUPS)) {
    const members = methods.map((x, index) => ({ x, index })).filter(({ x }) => groupOf(x.pruner) === group);
    const series = members.map(({ x, index }) => ({ method: plotMethod(x, index), points: regretCurve(x, budget) })).filter((s) => s.points.length > 0);
    if (series.length === 0) continue;
    const name = `${plotPrefix}-${group}.svg`;
    svgs[name] = plotSvg(title, series, { x: 'cumulative epochs', y: 'log10 incumbent regret' });
    lines.push(`![${title}](${name})`, '');
  }
  return { markdown: `${lines.join('\n').replace(/\n+$/, '')}\n`, svgs };
}

/** The 5% verdict of a pair of one-sided tests: p of "ours is smaller" and of "theirs is smaller". */
export function verdict(pBetter: number, pWorse: number): string {
  if (pBetter < 0.05) return '**better**';
  return pWorse < 0.05 ? 'worse' : 'no worse';
}

function plotMethod(x: MfMethod, index: number): Method {
  return { key: x.label, engine: x.engine, sampler: x.sampler, name: x.label, seeds: new Set(x.runs.map((r) => r.seed)).size, index };
}

function isPeer(peers: unknown): peers is { optuna: { versions: Record<string, string> } } {
  const optuna = (peers as { optuna?: { available?: boolean; versions?: unknown } } | undefined)?.optuna;
  return optuna?.available === true && typeof optuna.versions === 'object' && optuna.versions !== null;
}
