#!/usr/bin/env node
/**
 * The gRPC benchmark: sustained GetSuggestions per second and latency of `scriba serve
 * suggestion`, as Katib's controller would load it, with `clients` concurrent clients and
 * `trials` completed trials of history in every request.
 *
 * For each algorithm, repeat and server configuration (in turn, so that configurations
 * meet the same machine load), a fresh server process (the built CLI) is measured:
 *   closed loop: every client sends its next request when the last reply arrives
 *                (the sustained rate the server reaches);
 *   open loop:   requests due at a fixed rate, latency counted from when each was due,
 *                at half the closed-loop rate and at each of `rates`.
 * A configuration is the server's NODE_OPTIONS; `default` is none.
 *
 * Usage (after building): node <build>/bench/grpc/run.js [--algorithms random,tpe]
 *   [--clients 16] [--trials 1000] [--rates 200] [--duration 10] [--warmup 2] [--repeats 3]
 *   [--configs "default;--max-semi-space-size=64"] [--out bench/results/grpc.json]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { katibServices } from '../../suggestion-service/proto.js';
import { baseMeta } from '../meta.js';
import { median } from '../protocol.js';
import { closedLoop, openClients, openLoop, type LoadOptions, type PhaseResult } from './load.js';
import { benchmarkRequest } from './request.js';

const { values } = parseArgs({
  options: {
    algorithms: { type: 'string', default: 'random,tpe' },
    clients: { type: 'string', default: '16' },
    trials: { type: 'string', default: '1000' },
    rates: { type: 'string', default: '200' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    repeats: { type: 'string', default: '3' },
    out: { type: 'string', default: 'bench/results/grpc.json' },
    configs: { type: 'string', default: 'default' },
  },
});
const algorithms = values.algorithms.split(',');
const clientCount = Number(values.clients);
const trials = Number(values.trials);
const rates = values.rates.split(',').map(Number);
const durationS = Number(values.duration);
const warmupS = Number(values.warmup);
const repeats = Number(values.repeats);
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'bin.js');
const configs = values.configs.split(';').map((c) => c.trim());

/** `scriba serve suggestion --algorithm all` on a free port, in its own process. */
async function startServer(config: string): Promise<{ child: ChildProcess; address: string }> {
  const env = config === 'default' ? process.env : { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${config}`.trim() };
  const child = spawn(process.execPath, [bin, 'serve', 'suggestion', '--algorithm', 'all', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = / on (\S+:\d+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  return { child, address };
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface Run {
  algorithm: string;
  config: string;
  repeat: number;
  /** The machine's 1-minute load average when the run began: other work competes for the CPUs. */
  loadavg_start: number;
  phases: PhaseResult[];
}

const serialize = katibServices().Suggestion.service.GetSuggestions?.requestSerialize as (m: unknown) => Buffer;
const runs: Run[] = [];
for (const algorithm of algorithms) {
  const requests = Array.from({ length: clientCount }, (_, i) => serialize(benchmarkRequest(algorithm, trials, i)));
  process.stderr.write(`${algorithm}: ${clientCount} clients, ${trials} trials per request (${Math.round((requests[0]?.length ?? 0) / 1024)} KiB)\n`);
  for (let repeat = 0; repeat < repeats; repeat++) for (const config of configs) {
    const loadStart = Math.round((loadavg()[0] ?? 0) * 100) / 100;
    const { child, address } = await startServer(config);
    const clients = openClients(address, clientCount);
    const o: LoadOptions = { address, requests, count: 1, warmupS, durationS, ...(child.pid ? { serverPid: child.pid } : {}) };
    const phases: PhaseResult[] = [await closedLoop(clients, o)];
    const sustained = phases[0]?.achieved_rps ?? 0;
    // The asked rates, and half the sustained rate: a load the server carries whatever its speed.
    phases.push(await openLoop(clients, o, Math.max(1, Math.round(sustained / 2)), 'half'));
    for (const rate of rates) phases.push(await openLoop(clients, o, rate));
    for (const c of clients) c.close();
    await stopServer(child);
    runs.push({ algorithm, config, repeat, loadavg_start: loadStart, phases });
    for (const p of phases) process.stderr.write(`  repeat ${repeat} ${config} ${label(p)}: ${p.achieved_rps} req/s, p50 ${p.p50_ms} ms, p99 ${p.p99_ms} ms, errors ${p.errors}\n`);
  }
}

function label(p: PhaseResult): string {
  return p.mode === 'closed' ? 'closed loop' : `open loop ${p.target_rps} req/s${p.load === 'half' ? ' (half)' : ''}`;
}

/** Medians over repeats, per algorithm and load. */
const summary = algorithms.flatMap((algorithm) => configs.flatMap((config) => {
  const mine = runs.filter((r) => r.algorithm === algorithm && r.config === config);
  const loads = ['closed', 'half', ...rates.map(String)];
  return loads.map((load) => {
    const phases = mine.flatMap((r) => r.phases.filter((p) => p.load === load));
    const m = (f: (p: PhaseResult) => number | undefined) => {
      const xs = phases.map(f).filter((x): x is number => x !== undefined);
      return xs.length ? Math.round(median(xs) * 1000) / 1000 : null;
    };
    return {
      algorithm,
      config,
      load,
      target_rps: load === 'closed' ? null : m((p) => p.target_rps),
      achieved_rps: m((p) => p.achieved_rps),
      p50_ms: m((p) => p.p50_ms),
      p99_ms: m((p) => p.p99_ms),
      errors: phases.reduce((n, p) => n + p.errors, 0),
      server_cpu_ms_per_request: m((p) => p.server_cpu_ms_per_request),
    };
  });
}));

const rows = summary.map((s) => [
  s.algorithm,
  s.config === 'default' ? 'default' : `NODE_OPTIONS=${s.config}`,
  s.load === 'closed' ? `closed loop (${clientCount} clients)` : s.load === 'half' ? `open loop at half that (${s.target_rps} req/s)` : `open loop at ${s.target_rps} req/s`,
  String(s.achieved_rps),
  String(s.p50_ms),
  String(s.p99_ms),
  String(s.server_cpu_ms_per_request ?? '-'),
  String(s.errors),
]);
const head = ['algorithm', 'server', 'load', 'req/s', 'p50 ms', 'p99 ms', 'server CPU ms/req', 'errors'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
process.stdout.write(`${[line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`);
process.stdout.write(`medians over ${repeats} repeats; ${warmupS} s warm-up and ${durationS} s measured per load; load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);

const quote = (a: string) => (/^[\w./=,:@%+-]+$/.test(a) ? a : `'${a}'`);
const command = ['node', relative(process.cwd(), process.argv[1] ?? 'bench/grpc/run.js'), ...process.argv.slice(2)].map(quote).join(' ');
const file = {
  schema: 'scriba/grpc-bench/v1',
  meta: {
    ...baseMeta(command, Object.fromEntries(algorithms.map((a) => [a, `scriba serve suggestion --algorithm all, experiments whose algorithmName is ${a}`]))),
    clients: clientCount,
    configs,
    trials_per_request: trials,
    request_bytes: serialize(benchmarkRequest(algorithms[0] ?? 'random', trials, 0)).length,
    warmup_s: warmupS,
    duration_s: durationS,
    repeats,
    loadavg_end: loadavg(),
    workload:
      "hartmann6's six doubles on [0, 1]; each request carries `trials` Succeeded trials at uniform random points with their values, shaped as Katib's controller sends them, and asks for one assignment. The server is the built CLI in its own process; clients send pre-encoded requests, each on its own HTTP/2 connection, and check each reply's count.",
    latency: 'milliseconds from sending (closed loop) or from when the request was due (open loop) to the decoded reply',
  },
  summary,
  runs,
};
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify(file, null, 2)}\n`);
process.stderr.write(`wrote ${values.out}\n`);
