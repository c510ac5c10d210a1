#!/usr/bin/env node
/**
 * The NAS benchmark, on the digits that ship with Scriba.
 *
 * 1. ENAS against random architectures, per seed: `scriba run` of examples/enas.yaml (the
 *    user's path; `trials` trials of one epoch each) and, at equal budget, `trials` random
 *    architectures of the same space (each layer's operation uniform, each skip connection
 *    with probability 1/2) trained by the same trial program. The best of each (by the
 *    search's validation accuracy) is retrained with a fixed budget (`retrain-epochs` epochs
 *    on more images, another data split) and its validation accuracy compared: medians over
 *    the seeds and a one-sided Mann–Whitney test (exact at these sizes) that ENAS's are higher.
 * 2. Time per trial on each backend: one ENAS trial of a fixed architecture, and one DARTS
 *    search epoch, on the cpu and the wasm backend (same settings, same data, medians of
 *    `repeats`).
 *
 * Usage (after building): node dist/bench/nas/run.js [--seeds 5] [--trials 20] [--repeats 3]
 *   [--search-epochs 1] [--search-images 1000] [--out bench/results/nas.json]
 * `--repeats 0` leaves out the backend timings.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import YAML from 'yaml';
import { formatCandidate } from '../../algorithms/enas/format.js';
import { enumerateOperations } from '../../algorithms/nas/index.js';
import { runDartsTrial } from '../../nas/darts/trial.js';
import { runEnasTrial } from '../../nas/enas/trial.js';
import type { NasConfig } from '../../src/experiment/types.js';
import { createRng } from '../../src/rng.js';
import { mannWhitneyLess } from '../report/mann-whitney.js';
import { median } from '../protocol.js';

const exec = promisify(execFile);
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '5' },
    trials: { type: 'string', default: '20' },
    'search-epochs': { type: 'string', default: '1' },
    repeats: { type: 'string', default: '3' },
    'search-images': { type: 'string', default: '1000' },
    'retrain-images': { type: 'string', default: '3000' },
    'retrain-epochs': { type: 'string', default: '3' },
    out: { type: 'string', default: 'bench/results/nas.json' },
  },
});
const SEEDS = Number(values.seeds);
const TRIALS = Number(values.trials);
const REPEATS = Number(values.repeats);
const SEARCH_IMAGES = Number(values['search-images']);
const SEARCH_EPOCHS = Number(values['search-epochs']);
const RETRAIN_IMAGES = Number(values['retrain-images']);
const RETRAIN_EPOCHS = Number(values['retrain-epochs']);
const VALIDATION = 500;
const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'dist/src/bin.js');
const EXAMPLE = YAML.parse(readFileSync(join(ROOT, 'examples/enas.yaml'), 'utf8')) as Record<string, any>;
const NAS = EXAMPLE.spec.nasConfig as NasConfig;
const quiet = (): void => undefined;


interface Candidate {
  architecture: string;
  nnConfig: string;
  searchAccuracy: number;
}

/** ENAS through `scriba run`: the example with `TRIALS` trials of `SEARCH_EPOCHS` epochs, one at a time. */
async function enasSearch(seed: number, dir: string): Promise<{ best: Candidate; secondsPerTrial: number }> {
  const doc = structuredClone(EXAMPLE);
  doc.metadata.name = `enas-bench-${seed}`;
  Object.assign(doc.spec, { maxTrialCount: TRIALS, parallelTrialCount: 1 });
  delete doc.spec.objective.goal;
  const container = doc.spec.trialTemplate.trialSpec.spec.template.spec.containers[0];
  const flags: Record<string, string> = { '--num_epochs': String(SEARCH_EPOCHS), '--train-images': String(SEARCH_IMAGES), '--validation-images': String(VALIDATION) };
  container.command = [...(container.command as string[]).map((arg) => {
    const flag = /^(--[\w-]+)=/.exec(arg)?.[1];
    return flag && flag in flags ? `${flag}=${flags[flag]}` : arg;
  }), `--seed=${seed}`, '--backend=wasm'];
  const file = join(dir, `enas-${seed}.yaml`);
  writeFileSync(file, YAML.stringify(doc));
  const db = join(dir, `enas-${seed}.db`);
  const start = performance.now();
  await exec(process.execPath, [BIN, 'run', file, '--db', db, '--seed', String(seed), '--json', '--gpus', 'none'], { cwd: ROOT, maxBuffer: 1 << 26 });
  const seconds = (performance.now() - start) / 1000;
  const { stdout } = await exec(process.execPath, [BIN, 'get', 'trials', doc.metadata.name, '--db', db, '--json'], { cwd: ROOT, maxBuffer: 1 << 26 });
  const trials = JSON.parse(stdout) as Array<{ condition: string; parameterAssignments: Array<{ name: string; value: string }>; observation?: { metrics: Array<{ name: string; max: string }> } }>;
  const candidates = trials
    .filter((t) => t.condition === 'Succeeded')
    .map((t) => ({
      architecture: t.parameterAssignments.find((a) => a.name === 'architecture')?.value ?? '',
      nnConfig: t.parameterAssignments.find((a) => a.name === 'nn_config')?.value ?? '',
      searchAccuracy: Number(t.observation?.metrics.find((m) => m.name === 'Validation-Accuracy')?.max),
    }));
  if (candidates.length === 0) throw new Error(`seed ${seed}: no ENAS trial succeeded`);
  return { best: bestOf(candidates), secondsPerTrial: seconds / TRIALS };
}

/** `TRIALS` random architectures of the same space, each trained as a search trial is. */
async function randomSearch(seed: number): Promise<Candidate> {
  const operations = enumerateOperations(NAS.operations ?? []);
  const layers = NAS.graphConfig?.numLayers ?? 1;
  const candidates: Candidate[] = [];
  for (let i = 0; i < TRIALS; i++) {
    const rng = createRng(seed, 'bench-nas-random', i);
    const arc = Array.from({ length: layers }, (_, k) => [rng.int(operations.length), ...Array.from({ length: k }, () => (rng.next() < 0.5 ? 1 : 0))]);
    const assignments = formatCandidate(arc, NAS, operations);
    const architecture = assignments.find((a) => a.name === 'architecture')?.value ?? '';
    const nnConfig = assignments.find((a) => a.name === 'nn_config')?.value ?? '';
    const { validationAccuracy } = await runEnasTrial({ architecture, nnConfig, numEpochs: SEARCH_EPOCHS, trainImages: SEARCH_IMAGES, validationImages: VALIDATION, seed, backend: 'wasm' }, quiet);
    candidates.push({ architecture, nnConfig, searchAccuracy: validationAccuracy });
  }
  return bestOf(candidates);
}

function bestOf(candidates: readonly Candidate[]): Candidate {
  return candidates.reduce((a, b) => (b.searchAccuracy > a.searchAccuracy ? b : a));
}

/** The fixed retraining budget; another split of the digits (data seed 1000 + seed). */
async function retrain(c: Candidate, seed: number): Promise<number> {
  const { validationAccuracy } = await runEnasTrial(
    { architecture: c.architecture, nnConfig: c.nnConfig, numEpochs: RETRAIN_EPOCHS, trainImages: RETRAIN_IMAGES, validationImages: VALIDATION, seed: 1000 + seed, backend: 'wasm' },
    quiet,
  );
  return validationAccuracy;
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await f();
  return (performance.now() - start) / 1000;
}

/** Seconds of one ENAS trial (a fixed 3-layer architecture, one epoch) and one DARTS search epoch, per backend. */
async function backendTimes(): Promise<Record<string, { enasTrialS: number; dartsEpochS: number }>> {
  const operations = enumerateOperations(NAS.operations ?? []);
  const fixed = formatCandidate([[0], [1, 1], [2, 0, 1]], NAS, operations);
  const architecture = fixed.find((a) => a.name === 'architecture')?.value ?? '';
  const nnConfig = fixed.find((a) => a.name === 'nn_config')?.value ?? '';
  const darts = {
    algorithmSettings: "{'num_epochs': '1', 'num_nodes': '2', 'init_channels': '4', 'stem_multiplier': '1', 'batch_size': '32'}",
    searchSpace: "['separable_convolution_3x3', 'dilated_convolution_3x3', 'max_pooling_3x3', 'skip_connection']",
    numLayers: '2',
    trainImages: 600,
    validationImages: 300,
  };
  const out: Record<string, { enasTrialS: number; dartsEpochS: number }> = {};
  const enas: Record<string, number[]> = { cpu: [], wasm: [] };
  const dartsTimes: Record<string, number[]> = { cpu: [], wasm: [] };
  // Alternate the backends so that neither always meets the quieter machine.
  for (let r = 0; r < REPEATS; r++) {
    for (const backend of r % 2 === 0 ? (['cpu', 'wasm'] as const) : (['wasm', 'cpu'] as const)) {
      enas[backend]?.push(await timed(() => runEnasTrial({ architecture, nnConfig, numEpochs: 1, trainImages: SEARCH_IMAGES, validationImages: VALIDATION, seed: 0, backend }, quiet)));
      dartsTimes[backend]?.push(await timed(() => runDartsTrial({ ...darts, seed: 0, backend }, quiet)));
      process.stderr.write(`backends, repeat ${r + 1}/${REPEATS}, ${backend}: enas trial ${enas[backend]?.at(-1)?.toFixed(1)} s, darts epoch ${dartsTimes[backend]?.at(-1)?.toFixed(1)} s\n`);
    }
  }
  for (const backend of ['cpu', 'wasm']) out[backend] = { enasTrialS: median(enas[backend] ?? []), dartsEpochS: median(dartsTimes[backend] ?? []) };
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'scriba-bench-nas-'));
const seeds: Array<{ seed: number; enas: number; random: number; enasSearch: number; randomSearch: number; enasSecondsPerTrial: number }> = [];
try {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const found = await enasSearch(seed, dir);
    const random = await randomSearch(seed);
    const row = {
      seed,
      enas: await retrain(found.best, seed),
      random: await retrain(random, seed),
      enasSearch: found.best.searchAccuracy,
      randomSearch: random.searchAccuracy,
      enasSecondsPerTrial: found.secondsPerTrial,
    };
    seeds.push(row);
    process.stderr.write(`seed ${seed}: retrained accuracy enas ${row.enas.toFixed(4)}, random ${row.random.toFixed(4)}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const backends = REPEATS > 0 ? await backendTimes() : {};
const test = mannWhitneyLess(seeds.map((s) => s.random), seeds.map((s) => s.enas));
const summary = {
  enasMedian: median(seeds.map((s) => s.enas)),
  randomMedian: median(seeds.map((s) => s.random)),
  mannWhitneyP: test.p,
  exact: test.exact,
  enasSecondsPerTrialMedian: median(seeds.map((s) => s.enasSecondsPerTrial)),
  backends,
  dartsWasmSpeedup: (backends.cpu?.dartsEpochS ?? NaN) / (backends.wasm?.dartsEpochS ?? NaN),
  enasWasmSpeedup: (backends.cpu?.enasTrialS ?? NaN) / (backends.wasm?.enasTrialS ?? NaN),
};
const f = (x: number, d = 4) => x.toFixed(d);
const lines = [
  `ENAS vs random architectures: ${SEEDS} seeds, ${TRIALS} trials of ${SEARCH_EPOCHS} epoch(s) each on ${SEARCH_IMAGES} images; best retrained ${RETRAIN_EPOCHS} epochs on ${RETRAIN_IMAGES} images`,
  `machine: ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)}`,
  '',
  '| seed | ENAS search acc | random search acc | ENAS retrained | random retrained |',
  '| --- | --- | --- | --- | --- |',
  ...seeds.map((s) => `| ${s.seed} | ${f(s.enasSearch)} | ${f(s.randomSearch)} | ${f(s.enas)} | ${f(s.random)} |`),
  `| median | | | ${f(summary.enasMedian)} | ${f(summary.randomMedian)} |`,
  '',
  `one-sided Mann–Whitney (ENAS retrained > random retrained): p = ${f(test.p, 3)}${test.exact ? ' (exact)' : ''}`,
  `ENAS search through scriba run: ${f(summary.enasSecondsPerTrialMedian, 1)} s per trial (median over seeds; process start included)`,
  ...(REPEATS > 0
    ? [
        '',
        '| backend | ENAS trial (1 epoch) s | DARTS search epoch s |',
        '| --- | --- | --- |',
        ...Object.entries(backends).map(([b, t]) => `| ${b} | ${f(t.enasTrialS, 2)} | ${f(t.dartsEpochS, 2)} |`),
        `| wasm speed-up | ${f(summary.enasWasmSpeedup, 2)}× | ${f(summary.dartsWasmSpeedup, 2)}× |`,
      ]
    : []),
];
process.stdout.write(`${lines.join('\n')}\n`);
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, seeds: SEEDS, trials: TRIALS, searchEpochs: SEARCH_EPOCHS, searchImages: SEARCH_IMAGES, retrainImages: RETRAIN_IMAGES, retrainEpochs: RETRAIN_EPOCHS, rows: seeds, summary }, null, 2)}\n`);
