#!/usr/bin/env node
/**
 * DARTS against random genotypes, on the digits that ship with Scriba. Per seed: `scriba run`
 * of examples/darts.yaml (the user's path: one trial runs the whole search, `search-epochs`
 * epochs) gives its Best-Genotype; a random genotype of the same space and node count (each
 * node two distinct earlier inputs and an operation each, uniformly, `none` excluded) is drawn
 * from the seed. Both are trained from scratch with the same fixed budget (the evaluation
 * network of nas/darts/evaluate.ts, `retrain-epochs` epochs) and their validation accuracies
 * compared: medians over the seeds and a one-sided Mann–Whitney test (exact) that DARTS's are
 * higher.
 *
 * Usage (after building): node dist/bench/nas/darts.js [--seeds 5] [--search-epochs 3]
 *   [--retrain-epochs 5] [--out bench/results/nas-darts.json]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import YAML from 'yaml';
import { dartsSearchSpace } from '../../algorithms/nas/index.js';
import { randomGenotype, trainGenotype } from '../../nas/darts/evaluate.js';
import type { NasConfig } from '../../src/experiment/types.js';
import { createRng } from '../../src/rng.js';
import { mannWhitneyLess } from '../report/mann-whitney.js';
import { median } from '../protocol.js';

const exec = promisify(execFile);
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '5' },
    'search-epochs': { type: 'string', default: '3' },
    'search-images': { type: 'string', default: '600' },
    'retrain-epochs': { type: 'string', default: '5' },
    'retrain-images': { type: 'string', default: '1000' },
    out: { type: 'string', default: 'bench/results/nas-darts.json' },
  },
});
const SEEDS = Number(values.seeds);
const SEARCH_EPOCHS = Number(values['search-epochs']);
const SEARCH_IMAGES = Number(values['search-images']);
const RETRAIN_EPOCHS = Number(values['retrain-epochs']);
const RETRAIN_IMAGES = Number(values['retrain-images']);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'dist/src/bin.js');
const EXAMPLE = YAML.parse(readFileSync(join(ROOT, 'examples/darts.yaml'), 'utf8')) as Record<string, any>;


/** The example through `scriba run`, `SEARCH_EPOCHS` epochs on `SEARCH_IMAGES` images; its Best-Genotype and the seconds it took. */
async function search(seed: number, dir: string): Promise<{ genotype: string; seconds: number }> {
  const doc = structuredClone(EXAMPLE);
  doc.metadata.name = `darts-bench-${seed}`;
  for (const s of doc.spec.algorithm.algorithmSettings) if (s.name === 'num_epochs') s.value = String(SEARCH_EPOCHS);
  const container = doc.spec.trialTemplate.trialSpec.spec.template.spec.containers[0];
  container.command = [
    ...(container.command as string[]).map((arg) => (arg.startsWith('--train-images=') ? `--train-images=${SEARCH_IMAGES}` : arg)),
    `--seed=${seed}`,
    '--backend=wasm',
  ];
  const file = join(dir, `darts-${seed}.yaml`);
  writeFileSync(file, YAML.stringify(doc));
  const db = join(dir, `darts-${seed}.db`);
  const start = performance.now();
  await exec(process.execPath, [BIN, 'run', file, '--db', db, '--json', '--gpus', 'none'], { cwd: ROOT, maxBuffer: 1 << 26 });
  const seconds = (performance.now() - start) / 1000;
  const { stdout } = await exec(process.execPath, [BIN, 'get', 'trials', doc.metadata.name, '--db', db, '--json'], { cwd: ROOT, maxBuffer: 1 << 26 });
  const [trial] = JSON.parse(stdout) as Array<{ observation?: { metrics: Array<{ name: string; latest: string }> } }>;
  const genotype = trial?.observation?.metrics.find((m) => m.name === 'Best-Genotype')?.latest ?? '';
  if (!genotype.startsWith('Genotype(')) throw new Error(`seed ${seed}: the DARTS trial reported no genotype`);
  return { genotype, seconds };
}

const retrain = async (genotype: string, seed: number) =>
  (await trainGenotype(genotype, { epochs: RETRAIN_EPOCHS, trainImages: RETRAIN_IMAGES, seed: 1000 + seed, backend: 'wasm' })).validationAccuracy;

const nas = EXAMPLE.spec.nasConfig as NasConfig;
const space = dartsSearchSpace(nas.operations ?? []);
const nodes = Number((EXAMPLE.spec.algorithm.algorithmSettings as Array<{ name: string; value: string }>).find((s) => s.name === 'num_nodes')?.value ?? 4);
const dir = mkdtempSync(join(tmpdir(), 'scriba-bench-darts-'));
const rows: Array<{ seed: number; darts: number; random: number; dartsGenotype: string; randomGenotype: string; searchSeconds: number }> = [];
try {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const found = await search(seed, dir);
    const random = randomGenotype(space, nodes, createRng(seed, 'bench-darts-random'));
    const row = { seed, darts: await retrain(found.genotype, seed), random: await retrain(random, seed), dartsGenotype: found.genotype, randomGenotype: random, searchSeconds: found.seconds };
    rows.push(row);
    process.stderr.write(`seed ${seed}: retrained accuracy darts ${row.darts.toFixed(4)}, random ${row.random.toFixed(4)} (search ${found.seconds.toFixed(1)} s)\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const test = mannWhitneyLess(rows.map((r) => r.random), rows.map((r) => r.darts));
const summary = { dartsMedian: median(rows.map((r) => r.darts)), randomMedian: median(rows.map((r) => r.random)), mannWhitneyP: test.p, exact: test.exact, searchSecondsMedian: median(rows.map((r) => r.searchSeconds)) };
const f = (x: number, d = 4) => x.toFixed(d);
const lines = [
  `DARTS vs random genotypes: ${SEEDS} seeds; search ${SEARCH_EPOCHS} epochs on ${SEARCH_IMAGES} images through scriba run; each genotype retrained ${RETRAIN_EPOCHS} epochs on ${RETRAIN_IMAGES} images`,
  `search space: ${space.join(', ')}; ${nodes} nodes; machine: ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)}`,
  '',
  '| seed | DARTS retrained | random retrained | search s |',
  '| --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.seed} | ${f(r.darts)} | ${f(r.random)} | ${f(r.searchSeconds, 1)} |`),
  `| median | ${f(summary.dartsMedian)} | ${f(summary.randomMedian)} | ${f(summary.searchSecondsMedian, 1)} |`,
  '',
  `one-sided Mann–Whitney (DARTS retrained > random retrained): p = ${f(test.p, 3)}${test.exact ? ' (exact)' : ''}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, seeds: SEEDS, searchEpochs: SEARCH_EPOCHS, searchImages: SEARCH_IMAGES, retrainEpochs: RETRAIN_EPOCHS, retrainImages: RETRAIN_IMAGES, rows, summary }, null, 2)}\n`);
