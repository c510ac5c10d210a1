/**
 * A benchmark report from result files of the benchmark protocol (docs/benchmark-protocol.md;
 * §7.1 synthetic, §7.2 latency):
 * markdown tables of §3's metric at t = N/4, N/2 and N with the mean rank, time per suggestion
 * (§4), ask latency (§4.1), and one SVG plot per function. `buildReport` is pure (no I/O, no
 * clock); `writeReport` reads and validates the files and writes the folder.
 *
 *   const { markdown, svgs } = buildReport([file], { title: 'Scriba vs Optuna' });
 *   // markdown: '# Scriba vs Optuna ...'; svgs: { 'branin.svg': '<?xml ...' }
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { errorMessage, ScribaError } from '../../src/errors.js';
import type { ValidationIssue } from '../../src/experiment/types.js';
import { LATENCY_SCHEMA, SYNTHETIC_SCHEMA } from '../protocol.js';
import { validateLatency, validateSynthetic } from '../schema.js';
import { cellRuns, collect, plotFileName, syntheticMethods, type ResultFile } from './dataset.js';
import { headToHeadSection } from './head-to-head.js';
import { latencyTables } from './latency.js';
import { headerSection, PROTOCOL_DOC, qualityTable, timingTable } from './markdown.js';
import { FRACTIONS, logRegretCurve } from './stats.js';
import { plotSvg } from './svg.js';

export interface ReportOptions {
  /** First heading; "Benchmark report" by default. */
  title?: string;
  /** The command that made the report, shown under the title. */
  command?: string;
  /** Link from the report to the protocol document; without it the report names the document unlinked. */
  protocolLink?: string;
}

export interface Report {
  markdown: string;
  /** File name (`<function>.svg`) -> SVG text. */
  svgs: Record<string, string>;
}

/** The report of already validated files (see `validateSynthetic` / `validateLatency`). */
export function buildReport(files: ReadonlyArray<ResultFile>, options: ReportOptions = {}): Report {
  const data = collect(files);
  const lines = headerSection(files, data, options.title ?? 'Benchmark report', options.command, options.protocolLink);

  if (data.functions.length > 0) {
    for (const q of FRACTIONS) lines.push(...qualityTable(data, q));
    lines.push(...headToHeadSection(data));
    lines.push(...timingTable(data));
  }
  lines.push(...latencyTables(data));

  const svgs: Record<string, string> = {};
  if (data.functions.length > 0) {
    lines.push('## Plots', '', 'Median log10 regret over seeds against evaluations; the band is [Q1, Q3] (§3).', '');
  }
  for (const fn of data.functions) {
    const series = syntheticMethods(data)
      .map((method) => ({ method, points: logRegretCurve(cellRuns(data, fn, method)) }))
      .filter((s) => s.points.length > 0);
    const file = plotFileName(fn);
    svgs[file] = plotSvg(fn, series);
    lines.push(`![${fn.replace(/[[\]]/g, '\\$&')}](${file})`, '');
  }

  return { markdown: `${lines.join('\n').replace(/\n+$/, '')}\n`, svgs };
}

/** Reads and validates result files (gzipped when the name ends in .gz); every problem of every file is listed, keyed by the file's path. */
export async function readResultFiles(paths: readonly string[]): Promise<ResultFile[]> {
  const files: ResultFile[] = [];
  const issues: ValidationIssue[] = [];
  for (const path of paths) {
    let json: unknown;
    try {
      const bytes = await readFile(path);
      // Committed results are often gzipped (`bench run --out FILE.json.gz`).
      json = JSON.parse((path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
    } catch (error) {
      issues.push({ path, message: `cannot read a JSON file: ${errorMessage(error)}` });
      continue;
    }
    const schema = typeof json === 'object' && json !== null ? (json as { schema?: unknown }).schema : undefined;
    if (schema !== SYNTHETIC_SCHEMA && schema !== LATENCY_SCHEMA) {
      // §7.3 multi-fidelity files and anything else are not part of this report.
      const got = JSON.stringify(schema) ?? 'nothing';
      issues.push({ path, message: `schema: expected "${SYNTHETIC_SCHEMA}" or "${LATENCY_SCHEMA}", got ${got}` });
      continue;
    }
    const problems = schema === SYNTHETIC_SCHEMA ? validateSynthetic(json) : validateLatency(json);
    issues.push(...problems.map((message) => ({ path, message })));
    if (problems.length === 0) files.push(json as ResultFile);
  }
  if (issues.length > 0) throw ScribaError.fromIssues(issues, 'invalid benchmark result files');
  return files;
}

/** The protocol document of the sources or of the installed package (bench/report -> root is 2 or 3 levels up). */
export function protocolDocPath(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    dir = dirname(dir);
    const candidate = join(dir, PROTOCOL_DOC);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The link from a report folder to the protocol document, with `/` separators as markdown wants. */
export function protocolLinkFrom(outDir: string, doc = protocolDocPath()): string | undefined {
  return doc === undefined ? undefined : relative(resolve(outDir), doc).split(sep).join('/');
}

/**
 * Writes `outDir/README.md` and `outDir/<function>.svg` for the given result files; returns
 * the paths written. Invalid inputs throw a ScribaError ('invalid-argument') listing every problem.
 *
 *   await writeReport(['results/synthetic.json', 'results/latency.json'], 'results/report', { command });
 */
export async function writeReport(inputPaths: readonly string[], outDir: string, options: ReportOptions = {}): Promise<string[]> {
  const files = await readResultFiles(inputPaths);
  const protocolLink = options.protocolLink ?? protocolLinkFrom(outDir);
  const { markdown, svgs } = buildReport(files, { ...options, ...(protocolLink !== undefined && { protocolLink }) });
  await mkdir(outDir, { recursive: true });
  const written = [join(outDir, 'README.md')];
  await writeFile(written[0] as string, markdown);
  for (const [name, svg] of Object.entries(svgs)) {
    const path = join(outDir, name);
    await writeFile(path, svg);
    written.push(path);
  }
  return written;
}
