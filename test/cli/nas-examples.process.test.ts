import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { scriba } from './support.js';

/*
 * examples/enas.yaml and examples/darts.yaml end to end at a reduced size: the built bin,
 * real trial processes running `scriba nas enas-trial|darts-trial` (TensorFlow.js on the
 * wasm backend), a real SQLite file. The reduction only shrinks counts and sizes.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-nas-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The example with its spec's counts and its trial command's flags replaced. */
function reduced(file: string, spec: Record<string, unknown>, flags: Record<string, string>, settings: Record<string, string> = {}): string {
  const doc = YAML.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  Object.assign(doc.spec, spec);
  for (const s of doc.spec.algorithm.algorithmSettings ?? []) if (s.name in settings) s.value = settings[s.name];
  const container = doc.spec.trialTemplate.trialSpec.spec.template.spec.containers[0];
  container.command = (container.command as string[]).map((arg) => {
    const flag = /^(--[\w-]+)=/.exec(arg)?.[1];
    return flag && flag in flags ? `${flag}=${flags[flag]}` : arg;
  });
  const out = join(dir, file.split('/').at(-1) as string);
  writeFileSync(out, YAML.stringify(doc));
  return out;
}

type Trial = { name: string; condition: string; parameterAssignments: { name: string; value: string }[]; observation?: { metrics: { name: string; latest: string; max: string }[] } };

test('examples/enas.yaml: each trial trains the architecture its enas suggestion gives and reports Validation-Accuracy', async () => {
  const db = join(dir, 'enas.db');
  const file = reduced('examples/enas.yaml', { maxTrialCount: 3, parallelTrialCount: 1 }, { '--num_epochs': '1', '--train-images': '300', '--validation-images': '100' }, { controller_train_steps: '2' });
  const { code, stdout, stderr } = await scriba(['run', file, '--db', db, '--json', '--gpus', 'none']);
  expect(code, stderr).toBe(0);
  expect(JSON.parse(stdout)).toMatchObject({ status: 'Succeeded', reason: 'ExperimentMaxTrialsReached', trials: { total: 3, succeeded: 3 } });
  const trials = JSON.parse((await scriba(['get', 'trials', 'enas-digits', '--db', db, '--json'])).stdout) as Trial[];
  for (const t of trials) {
    expect(t.parameterAssignments.map((a) => a.name).sort()).toEqual(['architecture', 'nn_config']);
    // Katib's format: JSON with ' for ", numLayers rows of growing length.
    const rows = JSON.parse(t.parameterAssignments.find((a) => a.name === 'architecture')?.value.replaceAll("'", '"') ?? '') as number[][];
    expect(rows.map((r) => r.length)).toEqual([1, 2, 3]);
    const accuracy = Number(t.observation?.metrics.find((m) => m.name === 'Validation-Accuracy')?.latest);
    expect(accuracy).toBeGreaterThanOrEqual(0);
    expect(accuracy).toBeLessThanOrEqual(1);
  }
}, 600_000);

test('examples/darts.yaml: the trial runs the search and its Best-Genotype is read by the example\'s filter', async () => {
  const db = join(dir, 'darts.db');
  const file = reduced('examples/darts.yaml', {}, { '--train-images': '64', '--validation-images': '64' }, { num_epochs: '1', batch_size: '32' });
  const { code, stdout, stderr } = await scriba(['run', file, '--db', db, '--json', '--gpus', 'none']);
  expect(code, stderr).toBe(0);
  expect(JSON.parse(stdout)).toMatchObject({ status: 'Succeeded', reason: 'ExperimentMaxTrialsReached', trials: { total: 1, succeeded: 1 } });
  const [trial] = JSON.parse((await scriba(['get', 'trials', 'darts-digits', '--db', db, '--json'])).stdout) as Trial[];
  expect(trial?.parameterAssignments.map((a) => a.name).sort()).toEqual(['algorithm-settings', 'num-layers', 'search-space']);
  const genotype = trial?.observation?.metrics.find((m) => m.name === 'Best-Genotype')?.latest ?? '';
  expect(genotype).toMatch(/^Genotype\(normal=\[/);
  expect(genotype).toContain('reduce=');
}, 600_000);
