#!/usr/bin/env node
// Trials per second through the Redis queue, and the latency it adds per trial, on the paths a
// user takes: tune({ queue }) with `scriba worker --objective` processes (a trivial in-process
// objective), and `scriba run --queue` with `scriba worker` processes (process trials that only
// print their metric, /bin/echo loss=x). Each is measured against the same experiment run
// locally in the same run (tune() without a queue; scriba run without --queue).
// Usage: npm run build && node bench/queue/run.mjs [--repeats 3] [--workers 1,4,16]
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { search, tune } from 'scriba';
import { echoExperimentYaml } from '../echo-experiment.mjs';
import { objective } from './objective.mjs';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    workers: { type: 'string', default: '1,4,16' },
    'function-trials': { type: 'string', default: '3000' },
    'process-trials': { type: 'string', default: '300' },
    'latency-trials': { type: 'string', default: '200' },
    out: { type: 'string', default: 'bench/results/queue.json' },
  },
});
const repeats = Number(values.repeats);
const workerCounts = values.workers.split(',').map(Number);
const functionTrials = Number(values['function-trials']);
const processTrials = Number(values['process-trials']);
const latencyTrials = Number(values['latency-trials']);
/** parallelTrialCount of the throughput runs: in-process, and process trials (as bench/engine-overhead.mjs). */
const FUNCTION_PARALLEL = 64;
const PROCESS_PARALLEL = 8;
const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'dist/src/bin.js');
const objectiveModule = join(root, 'bench/queue/objective.mjs');

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A private redis-server without persistence, as the queue's tests use. */
async function startRedis(dir) {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await waitForLine(child.stdout, 'Ready to accept connections', child);
  return { url: `redis://127.0.0.1:${port}`, stop: () => stop(child) };
}

function waitForLine(stream, text, child) {
  return new Promise((resolve, reject) => {
    let out = '';
    stream.on('data', (d) => {
      out += d.toString();
      if (out.includes(text)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

async function startWorkers(url, count, concurrency) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const child = spawn(process.execPath, [bin, 'worker', '--queue', url, '--name', `bench-${i}`, '--gpus', 'none', '--concurrency', String(concurrency), '--objective', `${objectiveModule}#objective`, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
      await waitForLine(child.stderr, 'taking trials from', child);
      return child;
    }),
  );
}

function tuneOptions(name, trials, parallel, seed) {
  return { name, objective, parameters: { x: search.double({ min: 0, max: 1 }) }, objectiveMetricName: 'loss', objectiveType: 'minimize', maxTrialCount: trials, parallelTrialCount: parallel, seed };
}

/** tune() trials/s, through the queue or here. */
async function tuneRate(name, seed, queue) {
  const start = performance.now();
  const result = await tune({ ...tuneOptions(name, functionTrials, FUNCTION_PARALLEL, seed), ...(queue ? { queue } : {}) });
  const seconds = (performance.now() - start) / 1000;
  if (result.counts.succeeded !== functionTrials) throw new Error(`${name}: ${JSON.stringify(result.counts)}`);
  return functionTrials / seconds;
}

/** Milliseconds from one trial's end to the next's, one trial at a time: a trial's whole round trip. */
async function roundTrips(name, seed, queue) {
  const ends = [];
  const result = await tune({ ...tuneOptions(name, latencyTrials, 1, seed), ...(queue ? { queue } : {}), onTrialComplete: () => ends.push(performance.now()) });
  if (result.counts.succeeded !== latencyTrials) throw new Error(`${name}: ${JSON.stringify(result.counts)}`);
  return ends.slice(1).map((t, i) => t - ends[i]);
}

/** scriba run trials/s, through the queue or here. */
async function runRate(dir, name, queue) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, echoExperimentYaml(name, { parallel: PROCESS_PARALLEL, trials: processTrials }));
  const args = [bin, 'run', file, '--db', join(dir, `${name}.db`), '--json', ...(queue ? ['--queue', queue] : ['--gpus', 'none'])];
  const start = performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 24 });
  const seconds = (performance.now() - start) / 1000;
  const summary = JSON.parse(stdout);
  if (summary.trials.succeeded !== processTrials) throw new Error(`${name}: ${JSON.stringify(summary.trials)}`);
  return processTrials / seconds;
}

const dir = mkdtempSync(join(tmpdir(), 'scriba-queue-bench-'));
const redis = await startRedis(dir);
const samples = { local: { tune: [], run: [], roundTripMs: [] }, queue: {} };
try {
  for (let r = 0; r < repeats; r++) {
    samples.local.tune.push(await tuneRate(`local-tune-${r}`, r, undefined));
    samples.local.run.push(await runRate(dir, `local-run-${r}`, undefined));
    samples.local.roundTripMs.push(...(await roundTrips(`local-latency-${r}`, r, undefined)));
    for (const w of workerCounts) {
      const s = (samples.queue[w] ??= { tune: [], run: [], roundTripMs: [] });
      const workers = await startWorkers(redis.url, w, Math.ceil(FUNCTION_PARALLEL / w));
      try {
        s.tune.push(await tuneRate(`queue-tune-${w}-${r}`, r, redis.url));
        s.run.push(await runRate(dir, `queue-run-${w}-${r}`, redis.url));
        s.roundTripMs.push(...(await roundTrips(`queue-latency-${w}-${r}`, r, redis.url)));
      } finally {
        await Promise.all(workers.map(stop));
      }
    }
    process.stderr.write(`repeat ${r + 1}/${repeats} done\n`);
  }
} finally {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}

const localTune = median(samples.local.tune);
const localRun = median(samples.local.run);
const localTrip = median(samples.local.roundTripMs);
const rows = workerCounts.map((w) => {
  const s = samples.queue[w];
  return {
    workers: w,
    tune: median(s.tune),
    run: median(s.run),
    runRatio: median(s.run) / localRun,
    addedP50: quantile(s.roundTripMs, 0.5) - localTrip,
    addedP99: quantile(s.roundTripMs, 0.99) - localTrip,
  };
});
console.log(
  `Queue throughput: median of ${repeats} runs (${functionTrials} in-process trials at parallel ${FUNCTION_PARALLEL}, ${processTrials} process trials at parallel ${PROCESS_PARALLEL}); ` +
    `latency over ${repeats} × ${latencyTrials - 1} round trips at parallel 1\n`,
);
console.log('| workers | tune({ queue }) trials/s | scriba run --queue trials/s | of local | added latency p50 (ms) | p99 (ms) |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
console.log(`| local | ${localTune.toFixed(0)} | ${localRun.toFixed(0)} | 100% | (round trip ${localTrip.toFixed(2)}) | |`);
for (const row of rows) {
  console.log(`| ${row.workers} | ${row.tune.toFixed(0)} | ${row.run.toFixed(0)} | ${(row.runRatio * 100).toFixed(0)}% | ${row.addedP50.toFixed(2)} | ${row.addedP99.toFixed(2)} |`);
}
console.log('\nTargets: >= 1000 in-process trials/s with 4 workers; process trials >= 80% of the local rate.');

writeFileSync(
  values.out,
  `${JSON.stringify({ benchmark: 'queue', date: new Date().toISOString(), node: process.version, repeats, functionTrials, processTrials, latencyTrials, functionParallel: FUNCTION_PARALLEL, processParallel: PROCESS_PARALLEL, local: { tune: localTune, run: localRun, roundTripMs: localTrip }, rows, samples: { local: { tune: samples.local.tune, run: samples.local.run }, queue: Object.fromEntries(Object.entries(samples.queue).map(([w, s]) => [w, { tune: s.tune, run: s.run }])) } }, null, 2)}\n`,
);
