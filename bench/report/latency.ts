/**
 * The §4.1 sections of a report: per function, the median ask latency against the size of
 * the history, then the ratios that compare two methods within one run: an algorithm after
 * its own run against after an added history, and Optuna's counterpart against Scriba.
 */
import { OPTUNA_SAMPLERS } from '../peer.js';
import { median } from '../protocol.js';
import type { Dataset, LatencyPoint, Method } from './dataset.js';
import { mdText, row, rule } from './markdown.js';
import { formatMs } from './stats.js';

const EMPTY = '—';

/** `--prefill run` latency entries (bench/latency.ts) end their sampler id with this. */
const RUN_SUFFIX = '_run';

/** A Scriba method's Katib algorithm name and whether its history was its own run. */
function scribaAlgorithm(m: Method): { algorithm: string; run: boolean } | undefined {
  if (m.engine !== 'scriba') return undefined;
  const own = m.sampler.startsWith('scriba_') ? m.sampler.slice('scriba_'.length) : m.sampler;
  const run = own.endsWith(RUN_SUFFIX) && own.length > RUN_SUFFIX.length;
  return { algorithm: (run ? own.slice(0, -RUN_SUFFIX.length) : own).replace(/_/g, '-'), run };
}

/** Methods in order of first appearance, except that an own-run column follows its algorithm's added-history one. */
function sideBySide(methods: readonly Method[]): Method[] {
  const sorted = [...methods].sort((a, b) => a.index - b.index);
  const runOf = (m: Method): Method | undefined => {
    const own = scribaAlgorithm(m);
    return own && !own.run ? sorted.find((r) => scribaAlgorithm(r)?.run && scribaAlgorithm(r)?.algorithm === own.algorithm) : undefined;
  };
  const paired = new Set(sorted.map(runOf).filter((r): r is Method => r !== undefined));
  return sorted.flatMap((m) => {
    if (paired.has(m)) return [];
    const run = runOf(m);
    return run ? [m, run] : [m];
  });
}

/** One column of ratios: numerator ÷ denominator, both measured in the same file. */
interface RatioColumn {
  label: string;
  over: Method;
  under: Method;
}

function ratioColumns(methods: readonly Method[]): RatioColumn[] {
  const columns: RatioColumn[] = [];
  const scriba = methods.flatMap((m) => {
    const own = scribaAlgorithm(m);
    return own ? [{ method: m, ...own }] : [];
  });
  for (const add of scriba.filter((s) => !s.run)) {
    const run = scriba.find((s) => s.run && s.algorithm === add.algorithm);
    if (run) columns.push({ label: `${add.algorithm}: run ÷ add`, over: run.method, under: add.method });
  }
  for (const s of scriba) {
    const peer = methods.find((m) => m.engine === 'optuna' && m.sampler === OPTUNA_SAMPLERS[s.algorithm]);
    if (peer) columns.push({ label: `${peer.name} ÷ ${s.method.name}`, over: peer, under: s.method });
  }
  return columns;
}

/** Median over the files holding both of (over's median ÷ under's median) at n; undefined where no file holds both. */
function ratioAt(points: readonly LatencyPoint[], column: RatioColumn, n: number): number | undefined {
  const at = (m: Method, file: number): number[] => points.filter((p) => p.method === m && p.n === n && p.file === file).map((p) => p.medianAskS);
  const files = [...new Set(points.filter((p) => p.n === n).map((p) => p.file))];
  const ratios = files.flatMap((f) => {
    const [over, under] = [at(column.over, f), at(column.under, f)];
    return over.length > 0 && under.length > 0 ? [median(over) / median(under)] : [];
  });
  return ratios.length === 0 ? undefined : median(ratios);
}

/** §4.1: per function of the latency files, rows = n_trials, columns = methods, cells median_ask_s in ms; then the ratios. */
export function latencyTables(data: Dataset): string[] {
  const lines: string[] = [];
  for (const [fn, points] of data.latency) {
    const methods = sideBySide([...new Set(points.map((p) => p.method))]);
    const sizes = [...new Set(points.map((p) => p.n))].sort((a, b) => a - b);
    const own = methods.some((m) => scribaAlgorithm(m)?.run);
    lines.push(
      `## Ask latency on ${mdText(fn)} (ms)`,
      '',
      `Median of the timed asks after n completed trials (§4.1)${own ? '; columns marked (prefill run) ask after the algorithm\'s own run of n trials, the others after n trials added up front' : ''}; with several result files, the median over them.`,
      '',
      ...data.latencyNotes.flatMap((note) => [mdText(note), '']),
      row(['n_trials', ...methods.map((m) => mdText(m.name))]),
      rule(methods.length + 1),
    );
    for (const n of sizes) {
      const cells = methods.map((m) => {
        const values = points.filter((p) => p.method === m && p.n === n).map((p) => p.medianAskS);
        return values.length === 0 ? EMPTY : formatMs(median(values));
      });
      lines.push(row([String(n), ...cells]));
    }
    lines.push('', ...ratioTable(fn, points, methods, sizes));
  }
  return lines;
}

function ratioTable(fn: string, points: readonly LatencyPoint[], methods: readonly Method[], sizes: readonly number[]): string[] {
  const columns = ratioColumns(methods);
  if (columns.length === 0) return [];
  const files = new Set(points.map((p) => p.file)).size;
  const lines = [
    `## Ask latency ratios on ${mdText(fn)}`,
    '',
    `Each ratio divides two medians measured in the same run (result file), then takes the median over the ${files === 1 ? 'one run' : `${files} runs`}. ` +
      '`run ÷ add`: the ask after the algorithm\'s own run against the ask after an added history (above 1: slower after its own run); ' +
      '`optuna:… ÷ scriba:…`: how many times faster Scriba answers than its Optuna counterpart, whose history is always added (§4.1).',
    '',
    row(['n_trials', ...columns.map((c) => mdText(c.label))]),
    rule(columns.length + 1),
  ];
  for (const n of sizes) {
    lines.push(row([String(n), ...columns.map((c) => {
      const r = ratioAt(points, c, n);
      return r === undefined ? EMPTY : `${r.toPrecision(3)}×`;
    })]));
  }
  return [...lines, ''];
}
