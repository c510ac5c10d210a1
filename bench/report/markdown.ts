/**
 * The markdown sections of a report: inputs, search quality at the budget fractions of
 * bench-protocol §3 with the mean rank and time per suggestion (§4); ask latency (§4.1) is in latency.ts.
 */
import { LATENCY_SCHEMA, type Machine } from '../protocol.js';
import { cellRuns, engineOf, syntheticMethods, type Dataset, type Method, type ResultFile } from './dataset.js';
import {
  averageRanks,
  evaluationsAt,
  formatMs,
  formatSummary,
  medianAskSeconds,
  PROTOCOL_SEEDS,
  summariseAt,
  type Summary,
} from './stats.js';

const EMPTY = '—';
export const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
export const rule = (n: number): string => row(['---', ...Array.from({ length: n - 1 }, () => '---:')]);

/** Text in a table cell: a `|` would end the cell, a newline the row. */
export function mdText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

/** A code span in a table cell (GFM keeps `\|` inside code spans in tables). */
export function mdCode(s: string): string {
  const text = s.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** A column header: the method's label (§6), `(S=k)` when it ran fewer than 10 seeds (§3). */
export function methodHeader(m: Method): string {
  const name = mdText(m.name);
  return m.seeds > 0 && m.seeds < PROTOCOL_SEEDS ? `${name} (S=${m.seeds})` : name;
}

const machineText = (m: Machine): string => `${m.cpu}, ${m.logical_cpus} logical CPUs, ${m.mem_gb} GB, ${m.os}`;

/** Where the report's § references point when the caller names no link. */
export const PROTOCOL_DOC = 'docs/benchmark-protocol.md';

/** A markdown link target: spaces and parentheses would end it. */
function linkTarget(path: string): string {
  return path.replace(/[ ()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The protocol as the report cites it: a link when the caller knows where the document is from the report. */
function protocolRef(link: string | undefined): string {
  return link === undefined ? `the benchmark protocol (${PROTOCOL_DOC} in Scriba's repository)` : `the [benchmark protocol](${linkTarget(link)})`;
}

/** Title, the command that made the report, and the engines, machines and commands of the inputs (§4, §7). */
export function headerSection(files: readonly ResultFile[], data: Dataset, title: string, command?: string, protocolLink?: string): string[] {
  const engines = [...new Set(data.methods.map((m) => m.engine))];
  const machines = [...new Set(files.map((f) => machineText(f.meta.machine)))];
  const lines = [`# ${title}`, ''];
  if (command !== undefined) lines.push(`Made with ${mdCode(command)}.`, '');
  lines.push(
    `Engines: ${engines.join(', ')}. Machine${machines.length === 1 ? '' : 's'}: ${machines.join('; ')}.`,
    `Metrics and methods as in ${protocolRef(protocolLink)} (§3, §4, §6); § numbers below refer to it.`,
    '',
    '## Inputs',
    '',
    row(['#', 'schema', 'engines', 'versions', 'machine', 'created', 'command']),
    row(['---', '---', '---', '---', '---', '---', '---']),
  );
  files.forEach((f, i) => {
    const items: object[] = f.schema === LATENCY_SCHEMA ? f.entries : f.runs;
    const fileEngines = [...new Set([f.meta.engine, ...items.map((item) => engineOf(item, f))])];
    const versions = Object.entries(f.meta.versions).map(([k, v]) => `${k} ${v}`).join(', ');
    const cells = [String(i + 1), f.schema, fileEngines.join(', '), versions, machineText(f.meta.machine), f.meta.created];
    lines.push(row([...cells.map(mdText), mdCode(f.meta.command)]));
  });
  // The sampler id is what the result files and `scriba bench odds --method/--against` use.
  lines.push('', '## Methods', '', row(['method', 'engine', 'sampler id', 'seeds', 'description']), row(['---', '---', '---', '---:', '---']));
  for (const m of data.methods) {
    lines.push(row([mdText(m.name), mdText(m.engine), mdCode(m.sampler), m.seeds > 0 ? String(m.seeds) : EMPTY, mdText(m.description ?? EMPTY)]));
  }
  return [...lines, ''];
}

function qualityCell(s: Summary | undefined, best: number, m: Method): string {
  if (s === undefined) return EMPTY;
  const text = s.median === best ? `**${formatSummary(s)}**` : formatSummary(s);
  // Fewer runs than the method's seeds: some stopped before t (truncated, §7.1) or were not run.
  return s.n < m.seeds ? `${text} (S=${s.n})` : text;
}

const FRACTION_LABEL: Record<number, string> = { 0.25: 'round(N/4)', 0.5: 'round(N/2)', 1: 'N' };

/**
 * One table of §3's metric at t = round(q·N): rows = functions, columns = methods, cells
 * `median [Q1, Q3]` of L_t over seeds, the best median of each row in bold; at q = 1 a last row
 * with the mean rank by median L_N (ties averaged).
 */
export function qualityTable(data: Dataset, q: number): string[] {
  const methods = syntheticMethods(data);
  const lines = [
    `## log10 regret at t = ${FRACTION_LABEL[q] ?? `round(${q}·N)`}`,
    '',
    `Median [Q1, Q3] over seeds of L = log10(r_t + 1e-12) (§3); best median per function in bold.`,
    '',
    row(['function', 't', ...methods.map(methodHeader)]),
    rule(methods.length + 2),
  ];
  const medians: Array<Array<number | undefined>> = [];
  for (const fn of data.functions) {
    const cells = methods.map((m) => summariseAt(cellRuns(data, fn, m), q));
    const best = Math.min(...cells.map((c) => c?.median ?? Infinity));
    const ts = [...new Set(methods.flatMap((m) => cellRuns(data, fn, m).map((r) => evaluationsAt(q, r.budget))))];
    lines.push(row([mdText(fn), ts.join('/'), ...cells.map((c, j) => qualityCell(c, best, methods[j] as Method))]));
    medians.push(cells.map((c) => c?.median));
  }
  if (q === 1 && data.functions.length > 0) lines.push(meanRankRow(methods, medians));
  return [...lines, ''];
}

/** §3 mean rank: per function rank the methods by median L_N; a method's mean is over the functions it has. */
function meanRankRow(methods: readonly Method[], medians: ReadonlyArray<ReadonlyArray<number | undefined>>): string {
  const perMethod = methods.map(() => [] as number[]);
  for (const rowMedians of medians) {
    averageRanks(rowMedians).forEach((r, j) => {
      if (r !== undefined) perMethod[j]?.push(r);
    });
  }
  const means = perMethod.map((ranks) => (ranks.length === 0 ? undefined : ranks.reduce((a, b) => a + b, 0) / ranks.length));
  const best = Math.min(...means.map((m) => m ?? Infinity));
  const cells = means.map((mean, j) => {
    if (mean === undefined) return EMPTY;
    const text = mean === best ? `**${mean.toFixed(2)}**` : mean.toFixed(2);
    const n = perMethod[j]?.length ?? 0;
    return n < medians.length ? `${text} (${n} of ${medians.length})` : text;
  });
  return row(['mean rank', '', ...cells]);
}

/** §4: median over seeds of each run's median ask_s, in milliseconds. */
export function timingTable(data: Dataset): string[] {
  const methods = syntheticMethods(data);
  const lines = [
    '## Time per suggestion (ms)',
    '',
    'Median over seeds of the per-run median `ask_s` (§4); timings compare only within one machine.',
    '',
    row(['function', ...methods.map(methodHeader)]),
    rule(methods.length + 1),
  ];
  for (const fn of data.functions) {
    const cells = methods.map((m) => medianAskSeconds(cellRuns(data, fn, m)));
    lines.push(row([mdText(fn), ...cells.map((s) => (s === undefined ? EMPTY : formatMs(s)))]));
  }
  return [...lines, ''];
}
