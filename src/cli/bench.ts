import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { MULTIFIDELITY_BUDGET, type MultifidelityFile } from '../../bench/multifidelity.js';
import { multifidelityBench } from '../../bench/multifidelity-bench.js';
import { SCRIBA_METHODS } from '../../bench/multifidelity-scriba.js';
import { multifidelityReport } from '../../bench/report/multifidelity.js';
import { validateMultifidelity } from '../../bench/schema-multifidelity.js';
import { functionNames } from '../../bench/functions/index.js';
import { mixedFunctionNames } from '../../bench/functions/mixed.js';
import { latencyPrefill, latencySampler, latencyWarmup, measureLatency, PREFILLS, warmUp, type Prefill } from '../../bench/latency.js';
import { baseMeta } from '../../bench/meta.js';
import { OPTUNA_SAMPLERS, optunaSamplerModules, optunaUnavailable, runOptuna } from '../../bench/peer.js';
import { LATENCY_SCHEMA, SYNTHETIC_SCHEMA, type LatencyFile, type SyntheticFile, type SyntheticRun } from '../../bench/protocol.js';
import { readResultFiles, writeReport } from '../../bench/report/index.js';
import { figureOdds, oddsMarkdown } from '../../bench/odds.js';
import { refusal, runSynthetic, samplerDescription, samplerName, syntheticTasks } from '../../bench/synthetic.js';
import { algorithmNames } from '../../algorithms/registry.js';
import { errorMessage, ScribaError } from '../errors.js';
import type { Io } from './io.js';

/** Flag values as given (strings), defaults filled in; the names are the flags'. */
export interface BenchValues {
  algorithms: string;
  functions: string;
  seeds: string;
  'seed-start': string;
  budget?: string;
  parallel: string;
  peer?: string;
  sizes: string;
  asks: string;
  warmup: string;
  prefill: string;
  out?: string;
  shard?: string;
  settings?: string;
  method?: string;
  against?: string;
  margin: string;
  within: string;
  better: string;
  draws: string;
  methods: string;
  report?: string;
  from?: string;
}

export type BenchCommand = 'run' | 'latency' | 'multifidelity' | 'report' | 'odds';

/** `scriba bench ...`: the benchmark protocol (bench-protocol v1). `command` is recorded in the results. */
export async function bench(what: BenchCommand, v: BenchValues, positionals: readonly string[], command: string, io: Io): Promise<number> {
  if (v.peer !== undefined && v.peer !== 'optuna') throw new ScribaError('invalid-argument', `--peer: the only peer is optuna, got "${v.peer}"`);
  if (what === 'multifidelity') return multifidelity(v, command, io);
  if (!v.out) throw new ScribaError('invalid-argument', `scriba bench ${what}: --out is required`);
  if (v.peer !== undefined && v.peer !== 'optuna') throw new ScribaError('invalid-argument', `--peer: the only peer is optuna, got "${v.peer}"`);
  switch (what) {
    case 'run': {
      const algorithms = list(v.algorithms, 'algorithms', algorithmNames());
      const functions = benchFunctions(v.functions);
      const seedStart = count(v['seed-start'], '--seed-start', 0);
      const seeds = Array.from({ length: count(v.seeds, '--seeds', 1) }, (_, i) => seedStart + i);
      const budget = v.budget === undefined ? undefined : count(v.budget, '--budget', 1);
      const settings = v.settings === undefined ? undefined : parseSettings(v.settings);
      // A space an algorithm refuses (cmaes needs two numbers) is skipped, and the file says so.
      const skipped: string[] = [];
      const refused = new Set<string>();
      for (const a of algorithms) {
        for (const fn of functions) {
          const why = refusal(a, fn, settings);
          if (why === undefined) continue;
          refused.add(`${a}/${fn}`);
          skipped.push(`${a} on ${fn}: ${why}`);
          if (!v.shard) io.err(`skipped ${a} on ${fn}: ${why}`);
        }
      }
      const tasks = syntheticTasks(algorithms, functions, seeds, budget, settings).filter((t) => !refused.has(`${t.algorithm}/${t.function}`));
      const shardArgs = ['bench', 'run', '--algorithms', algorithms.join(','), '--functions', functions.join(','), '--seeds', String(seeds.length), '--seed-start', String(seedStart), ...(budget ? ['--budget', String(budget)] : []), ...(v.settings ? ['--settings', v.settings] : [])];
      const runs = v.shard ? await runShard(tasks, v.shard, io) : await runAll(tasks, shardArgs, count(v.parallel, '--parallel', 1), io);
      const file: SyntheticFile = {
        schema: SYNTHETIC_SCHEMA,
        meta: {
          ...baseMeta(command, Object.fromEntries(algorithms.map((a) => [samplerName(a), `${samplerDescription(a)}${settings ? `; settings ${v.settings}` : ''}`]))),
          timing: 'ask_s: Study.ask() (the algorithm over the whole history plus the engine bookkeeping), tell_s: Study.tell(); the objective is not timed',
          ...(skipped.length > 0 ? { skipped } : {}),
        },
        runs,
      };
      if (v.peer && !v.shard) {
        const samplers = algorithms.map((a) => OPTUNA_SAMPLERS[a]).filter((s): s is string => s !== undefined);
        const peerArgs = ['synthetic', '--functions', functions.join(','), '--seeds', String(seeds.length), '--seed-start', String(seedStart), ...(budget ? ['--budget', String(budget)] : [])];
        await addPeer(file, samplers, algorithms, (runnable) => runOptuna<SyntheticFile>([...peerArgs, '--samplers', runnable.join(',')]), (peer) => {
          file.runs.push(...peer.runs.map((r) => ({ ...r, engine: 'optuna' })));
        }, io);
      }
      writeJson(v.out, file);
      if (!v.shard) io.err(`wrote ${file.runs.length} runs to ${v.out}`);
      return 0;
    }
    case 'latency': {
      const algorithms = list(v.algorithms, 'algorithms', algorithmNames());
      const sizes = v.sizes.split(',').map((s) => count(s, '--sizes', 0));
      const asks = count(v.asks, '--asks', 1);
      const warmup = count(v.warmup, '--warmup', 0);
      const prefills = [...new Set(list(v.prefill, 'prefill', PREFILLS))] as Prefill[];
      const file: LatencyFile = {
        schema: LATENCY_SCHEMA,
        meta: {
          ...baseMeta(command, Object.fromEntries(algorithms.flatMap((a) => prefills.map((p) => [latencySampler(a, p), `${samplerDescription(a)}${p === 'run' ? '; history: its own run' : ''}`])))),
          function: 'hartmann6',
          asks_per_point: asks,
          prefill: latencyPrefill(prefills),
          ...(warmup > 0 ? { warmup: latencyWarmup(warmup) } : {}),
        },
        entries: [],
      };
      // The histories of one size are measured one after the other, so that both see the same JIT and the same machine load.
      for (const algorithm of algorithms) {
        await warmUp(algorithm, warmup);
        for (const n of sizes) {
          for (const prefill of prefills) {
            const entry = await measureLatency(algorithm, n, asks, prefill);
            file.entries.push(entry);
            io.err(`${entry.sampler} n=${n}: median ask ${(entry.median_ask_s * 1000).toFixed(3)} ms`);
          }
        }
      }
      if (v.peer) {
        const samplers = algorithms.map((a) => OPTUNA_SAMPLERS[a]).filter((s): s is string => s !== undefined);
        await addPeer(file, samplers, algorithms, (runnable) => runOptuna<LatencyFile>(['latency', '--samplers', runnable.join(','), '--sizes', sizes.join(','), '--asks', String(asks)]), (peer) => {
          file.entries.push(...peer.entries.map((e) => ({ ...e, engine: 'optuna' })));
          // The peer's history is always §4.1's (added trials), whatever --prefill says.
          file.meta.prefill += `; optuna: ${peer.meta.prefill}`;
        }, io);
      }
      writeJson(v.out, file);
      io.err(`wrote ${file.entries.length} entries to ${v.out}`);
      return 0;
    }
    case 'report': {
      if (positionals.length === 0) throw new ScribaError('invalid-argument', 'scriba bench report: expected result files');
      await writeReport([...positionals], v.out, { command });
      io.err(`wrote ${join(v.out, 'README.md')}`);
      return 0;
    }
    case 'odds': {
      if (positionals.length === 0) throw new ScribaError('invalid-argument', 'scriba bench odds: expected result files');
      if (!v.method || !v.against) throw new ScribaError('invalid-argument', 'scriba bench odds: --method and --against name the two samplers');
      const margin = Number(v.margin);
      if (!Number.isFinite(margin) || margin < 0) throw new ScribaError('invalid-argument', `--margin: expected a number >= 0, got "${v.margin}"`);
      const figure = { method: v.method, against: v.against, margin, within: count(v.within, '--within', 0), better: count(v.better, '--better', 0) };
      const runs = (await readResultFiles([...positionals])).flatMap((file) => (file.schema === SYNTHETIC_SCHEMA ? file.runs : []));
      let odds;
      try {
        odds = figureOdds(runs, figure, count(v.seeds, '--seeds', 1), count(v.draws, '--draws', 1));
      } catch (error) {
        throw new ScribaError('invalid-argument', `scriba bench odds: ${errorMessage(error)}`);
      }
      writeFileSync(v.out, `${JSON.stringify({ meta: { command }, ...odds }, null, 1)}\n`);
      io.out(oddsMarkdown(odds).trimEnd());
      return 0;
    }
  }
}

/**
 * Runs the peer's samplers that can run here and merges their results; records why the
 * others, or the whole peer, could not run. Never faked, and Scriba's own results are kept
 * whatever the peer does.
 */
async function addPeer<T extends SyntheticFile | LatencyFile>(
  file: SyntheticFile | LatencyFile,
  samplers: string[],
  algorithms: string[],
  run: (samplers: string[]) => Promise<T>,
  merge: (peer: T) => void,
  io: Io,
): Promise<void> {
  const unmatched = algorithms.filter((a) => OPTUNA_SAMPLERS[a] === undefined);
  const reason = optunaUnavailable() ?? (samplers.length === 0 ? `Optuna has no counterpart of ${algorithms.join(', ')}` : undefined);
  if (reason) {
    file.meta.peers = { optuna: { available: false, reason } };
    io.err(`peer optuna unavailable: ${reason}`);
    return;
  }
  try {
    const modules = optunaSamplerModules();
    const missing = Object.fromEntries(samplers.filter((s) => modules[s]?.length).map((s) => [s, `needs the Python modules ${modules[s]?.join(', ')}`]));
    for (const [s, why] of Object.entries(missing)) io.err(`peer optuna: sampler ${s} skipped: ${why}`);
    const runnable = samplers.filter((s) => !(s in missing));
    if (runnable.length === 0) {
      file.meta.peers = { optuna: { available: false, reason: 'no matching sampler can run here', missing } };
      return;
    }
    const peer = await run(runnable);
    merge(peer);
    Object.assign(file.meta.samplers, peer.meta.samplers);
    file.meta.peers = {
      optuna: {
        available: true,
        versions: peer.meta.versions,
        samplers: runnable,
        ...(unmatched.length ? { no_counterpart: unmatched } : {}),
        ...(Object.keys(missing).length ? { missing } : {}),
      },
    };
  } catch (error) {
    file.meta.peers = { optuna: { available: false, reason: errorMessage(error) } };
    io.err(`peer optuna failed, its results are left out: ${errorMessage(error)}`);
  }
}

/** Runs the tasks here, or in P child processes each taking every P-th task (`--shard i/P`). */
async function runAll(tasks: ReturnType<typeof syntheticTasks>, shardArgs: string[], parallel: number, io: Io): Promise<SyntheticRun[]> {
  if (parallel <= 1) return runShard(tasks, '0/1', io);
  const dir = mkdtempSync(join(tmpdir(), 'scriba-bench-'));
  try {
    const shards = Array.from({ length: parallel }, (_, i) => {
      const out = join(dir, `shard-${i}.json`);
      const child = spawn(process.execPath, [process.argv[1] as string, ...shardArgs, '--shard', `${i}/${parallel}`, '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
      return new Promise<SyntheticRun[]>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve((JSON.parse(readFileSync(out, 'utf8')) as SyntheticFile).runs) : reject(new Error(`bench shard ${i} exited with ${code}`))));
      });
    });
    const order = new Map(tasks.map((t, i) => [`${samplerName(t.algorithm)}/${t.function}/${t.seed}`, i]));
    return (await Promise.all(shards)).flat().sort((a, b) => (order.get(`${a.sampler}/${a.function}/${a.seed}`) ?? 0) - (order.get(`${b.sampler}/${b.function}/${b.seed}`) ?? 0));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runShard(tasks: ReturnType<typeof syntheticTasks>, shard: string, io: Io): Promise<SyntheticRun[]> {
  const m = /^(\d+)\/(\d+)$/.exec(shard);
  if (!m) throw new ScribaError('invalid-argument', `--shard: expected i/P, got "${shard}"`);
  const [index, of] = [Number(m[1]), Number(m[2])];
  const runs: SyntheticRun[] = [];
  for (const [i, task] of tasks.entries()) {
    if (i % of !== index) continue;
    const run = await runSynthetic(task);
    runs.push(run);
    io.err(`${run.sampler} ${run.function} seed ${run.seed}: final regret ${run.regret.at(-1)?.toExponential(2)} after ${run.y.length} evaluations (${run.wall_s?.toFixed(2)} s)`);
  }
  return runs;
}

/** `scriba bench multifidelity`: run (or, with --from, read) a §7.3 file, and write its report with --report. */
async function multifidelity(v: BenchValues, command: string, io: Io): Promise<number> {
  let file: MultifidelityFile;
  if (v.from) {
    if (!v.report) throw new ScribaError('invalid-argument', 'scriba bench multifidelity --from: --report says where the report goes');
    file = await readMultifidelity(v.from);
  } else {
    if (!v.out) throw new ScribaError('invalid-argument', 'scriba bench multifidelity: --out is required (or --from with --report)');
    const all = v.methods === 'all';
    const methods = all ? [...SCRIBA_METHODS] : list(v.methods, 'methods', SCRIBA_METHODS);
    const seedStart = count(v['seed-start'], '--seed-start', 0);
    const seeds = Array.from({ length: count(v.seeds, '--seeds', 1) }, (_, i) => seedStart + i);
    const budget = v.budget === undefined ? MULTIFIDELITY_BUDGET : count(v.budget, '--budget', 1);
    file = await multifidelityBench({ methods, allMethods: all, seeds, budget, peer: v.peer === 'optuna', command, log: (line) => io.err(line) });
    if (file.runs.length === 0) {
      const why = Object.entries((file.meta.failed ?? {}) as Record<string, string>).map(([m, e]) => `${m}: ${e}`).join('\n');
      throw new ScribaError('failed-precondition', `scriba bench multifidelity: no method could run here\n${why}`);
    }
    const problems = validateMultifidelity(file);
    if (problems.length > 0) throw new ScribaError('internal', `the multi-fidelity results break their schema:\n${problems.join('\n')}`);
    writeJson(v.out, file);
    io.err(`wrote ${file.runs.length} runs to ${v.out} in ${((file.meta.wall_s as number) / 60).toFixed(1)} min`);
  }
  if (v.report) {
    const prefix = basename(v.report).replace(/\.md$/, '');
    const { markdown, svgs } = multifidelityReport(file, { command, plotPrefix: prefix });
    mkdirSync(dirname(v.report), { recursive: true });
    writeFileSync(v.report, markdown);
    for (const [name, svg] of Object.entries(svgs)) writeFileSync(join(dirname(v.report), name), svg);
    io.err(`wrote ${v.report} and ${Object.keys(svgs).length} plots`);
  }
  return 0;
}

/** Writes `value` as JSON, gzipped when `path` ends in `.gz` (the multi-fidelity history is tens of MB). */
function writeJson(path: string, value: unknown): void {
  const text = `${JSON.stringify(value)}\n`;
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(text, { level: 9 }) : text);
}

async function readMultifidelity(path: string): Promise<MultifidelityFile> {
  let json: unknown;
  try {
    const bytes = readFileSync(path);
    json = JSON.parse((path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
  } catch (error) {
    throw new ScribaError('invalid-argument', `${path}: cannot read a JSON${path.endsWith('.gz') ? ' (gzip)' : ''} file: ${errorMessage(error)}`);
  }
  const problems = validateMultifidelity(json);
  if (problems.length > 0) throw ScribaError.fromIssues(problems.map((message) => ({ path, message })), 'invalid multi-fidelity result file');
  return json as MultifidelityFile;
}

/** `--settings name=value,name=value`: Katib algorithm settings for every algorithm of the run. */
function parseSettings(text: string): Record<string, string> {
  const pairs = text.split(',').map((p) => p.split('='));
  if (pairs.some((p) => p.length !== 2 || !p[0])) throw new ScribaError('invalid-argument', `--settings: expected name=value,name=value, got "${text}"`);
  return Object.fromEntries(pairs as Array<[string, string]>);
}

/** Groups --functions accepts beside the names: the protocol's twelve, the mixed spaces, both. */
const FUNCTION_GROUPS: Readonly<Record<string, () => string[]>> = {
  protocol: functionNames,
  mixed: mixedFunctionNames,
  all: () => [...functionNames(), ...mixedFunctionNames()],
};

function benchFunctions(value: string): string[] {
  const known = [...Object.keys(FUNCTION_GROUPS), ...functionNames(), ...mixedFunctionNames()];
  const items = list(value, 'functions', known).flatMap((item) => FUNCTION_GROUPS[item]?.() ?? [item]);
  return [...new Set(items)];
}

function list(value: string, what: string, known: readonly string[]): string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((i) => !known.includes(i));
  if (items.length === 0 || unknown.length > 0) {
    throw new ScribaError('invalid-argument', `--${what}: unknown ${unknown.join(', ') || '(empty)'}; known: ${known.join(', ')}`);
  }
  return items;
}

function count(value: string, flag: string, min: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min) throw new ScribaError('invalid-argument', `${flag} expects an integer >= ${min}, got "${value}"`);
  return Number(value);
}
