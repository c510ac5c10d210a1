#!/usr/bin/env node
// Engine overhead: how many trials per second Scriba itself can drive when trials cost nothing.
//   - `scriba run` with a trivial process per trial (/bin/echo of the metric), parallelTrialCount 8,
//     against a baseline in the same run: the same number of spawns, 8 at a time, from plain Node;
//   - tune() with an objective that returns at once, with the SQLite store on and off.
// Usage: npm run build && node bench/engine-overhead.mjs [--repeats 5] [--process-trials 300] [--tune-trials 10000]
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { search, tune } from 'scriba';
import { echoExperimentYaml } from './echo-experiment.mjs';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    'process-trials': { type: 'string', default: '300' },
    'tune-trials': { type: 'string', default: '10000' },
    out: { type: 'string', default: 'bench/results/engine-overhead.json' },
  },
});
const repeats = Number(values.repeats);
const processTrials = Number(values['process-trials']);
const tuneTrials = Number(values['tune-trials']);
const PARALLEL = 8;
const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'dist/src/bin.js');
const echo = '/bin/echo';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function scribaRun(dir, i) {
  const file = join(dir, `exp-${i}.yaml`);
  writeFileSync(file, echoExperimentYaml(`overhead-${i}`, { parallel: PARALLEL, trials: processTrials }));
  const start = performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, [bin, 'run', file, '--db', join(dir, `run-${i}`, 'scriba.db'), '--json', '--gpus', 'none'], { maxBuffer: 1 << 24 });
  const seconds = (performance.now() - start) / 1000;
  const summary = JSON.parse(stdout);
  if (summary.trials.succeeded !== processTrials) throw new Error(`run ${i}: ${JSON.stringify(summary.trials)}`);
  return processTrials / seconds;
}

/** The floor: the same spawns, PARALLEL at a time, with nothing else around them. */
async function spawnBaseline() {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < processTrials) {
      next++;
      await new Promise((resolve, reject) => {
        const child = spawn(echo, ['loss=0.5'], { stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.resume();
        child.on('error', reject);
        child.on('exit', resolve);
      });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return processTrials / ((performance.now() - start) / 1000);
}

async function tuneRate(dir, i, store) {
  const start = performance.now();
  const result = await tune({
    name: `tune-${i}`,
    objective: ({ x }) => x,
    parameters: { x: search.double({ min: 0, max: 1 }) },
    objectiveType: 'minimize',
    maxTrialCount: tuneTrials,
    parallelTrialCount: PARALLEL,
    seed: i,
    ...(store ? { store: join(dir, `tune-${i}.db`) } : {}),
  });
  const seconds = (performance.now() - start) / 1000;
  if (result.counts.succeeded !== tuneTrials) throw new Error(`tune ${i}: ${JSON.stringify(result.counts)}`);
  return tuneTrials / seconds;
}

const dir = mkdtempSync(join(tmpdir(), 'scriba-overhead-'));
const samples = { scribaRun: [], spawnBaseline: [], tuneStore: [], tuneMemory: [] };
try {
  for (let i = 0; i < repeats; i++) {
    samples.spawnBaseline.push(await spawnBaseline());
    samples.scribaRun.push(await scribaRun(dir, i));
    samples.tuneStore.push(await tuneRate(dir, i, true));
    samples.tuneMemory.push(await tuneRate(dir, i, false));
    process.stderr.write(`repeat ${i + 1}/${repeats} done\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const rows = [
  ['scriba run, process trials (/bin/echo), parallel 8, store on', median(samples.scribaRun), '>= 100'],
  ['  baseline: bare spawns of /bin/echo, 8 at a time', median(samples.spawnBaseline), ''],
  ['tune(), in-process objective, store on', median(samples.tuneStore), '>= 5000'],
  ['tune(), in-process objective, no store', median(samples.tuneMemory), ''],
];
console.log(`Engine overhead: median of ${repeats} runs (${processTrials} process trials, ${tuneTrials} in-process trials per run)\n`);
console.log('| what | trials/s | target |\n| --- | ---: | --- |');
for (const [what, rate, target] of rows) console.log(`| ${what} | ${rate.toFixed(0)} | ${target} |`);
console.log(`\nscriba run reaches ${(median(samples.scribaRun) / median(samples.spawnBaseline) * 100).toFixed(0)}% of the bare spawn rate.`);

writeFileSync(
  values.out,
  `${JSON.stringify({ benchmark: 'engine-overhead', date: new Date().toISOString(), node: process.version, repeats, processTrials, tuneTrials, parallel: PARALLEL, medians: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])), samples }, null, 2)}\n`,
);
