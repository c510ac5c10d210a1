import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { OPTUNA_LABELS, OPTUNA_SAMPLERS } from '../../bench/peer.js';
import { buildReport, methodLabel, readResultFiles } from '../../bench/report/index.js';
import { samplerName } from '../../bench/synthetic.js';
import { algorithmNames } from '../../algorithms/registry.js';

const results = join(import.meta.dirname, '..', '..', 'bench', 'results');

/** The cells of the first row of the markdown table under `heading`. */
function header(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const first = lines.slice(start).find((l) => l.startsWith('|')) as string;
  return first.slice(2, -2).split(' | ');
}

describe('method labels: <engine>:<method>', () => {
  test.each([
    ['scriba', 'scriba_tpe', 'scriba:tpe'],
    ['scriba', 'scriba_multivariate_tpe', 'scriba:multivariate-tpe'],
    ['scriba', 'scriba_bayesianoptimization', 'scriba:bayesianoptimization'],
    ['scriba', 'scriba_cmaes_run', 'scriba:cmaes (prefill run)'],
    ['scriba', 'tpe', 'scriba:tpe'],
    ['optuna', 'tpe', 'optuna:tpe'],
    ['optuna', 'tpe_mv', 'optuna:multivariate-tpe'],
    ['optuna', 'cmaes', 'optuna:cmaes'],
    ['optuna', 'qmc_sobol', 'optuna:qmc-sobol'],
    ['optuna', 'gp', 'optuna:gp'],
    ['optuna', 'botorch_logei', 'optuna:botorch_logei'],
    ['ts-hpo', 'ts-hpo_tpe', 'ts-hpo:tpe'],
    ['ts-hpo', 'gp_ei', 'ts-hpo:gp_ei'],
  ])('%s %s -> %s', (engine, sampler, label) => {
    expect(methodLabel(engine, sampler)).toBe(label);
  });

  test("every Scriba algorithm's id maps back to its Katib name", () => {
    for (const algorithm of algorithmNames()) expect(methodLabel('scriba', samplerName(algorithm))).toBe(`scriba:${algorithm}`);
  });

  test('an Optuna counterpart of a Scriba algorithm carries that algorithm\'s name, except the GP', () => {
    for (const [algorithm, sampler] of Object.entries(OPTUNA_SAMPLERS)) {
      expect(OPTUNA_LABELS[sampler], sampler).toBeDefined();
      if (sampler !== 'gp' && sampler !== 'qmc_sobol') expect(methodLabel('optuna', sampler)).toBe(`optuna:${algorithm}`);
    }
  });
});

describe('result files written before the labels render with them', () => {
  test('bench/results/tpe/latency.json: Scriba and Optuna side by side', async () => {
    const { markdown } = buildReport(await readResultFiles([join(results, 'tpe', 'latency.json')]));
    expect(header(markdown, '## Ask latency on hartmann6')).toEqual([
      'n_trials', 'scriba:tpe', 'scriba:tpe (prefill run)', 'scriba:multivariate-tpe', 'scriba:multivariate-tpe (prefill run)', 'optuna:tpe', 'optuna:multivariate-tpe',
    ]);
  });

  test('bench/results/cmaes: the own-history latency entries keep a label of their own', async () => {
    const files = await readResultFiles([join(results, 'cmaes', 'latency.json'), join(results, 'cmaes', 'latency-run.json')]);
    expect(header(buildReport(files).markdown, '## Ask latency on hartmann6')).toEqual(['n_trials', 'scriba:cmaes', 'scriba:cmaes (prefill run)']);
  });
});

describe('a committed gzipped result file', () => {
  test('bench/results/mixed/tpe.json.gz reads back and gives the committed report’s verdicts', async () => {
    const files = await readResultFiles([join(results, 'mixed', 'tpe.json.gz')]);
    const { markdown } = buildReport(files);
    const committed = readFileSync(join(results, 'mixed', 'tpe', 'README.md'), 'utf8');
    const verdictRows = (text: string) => text.split('\n').filter((line) => /^\| mixed_\w+ \| [-+]/.test(line));
    expect(verdictRows(committed).length).toBe(8); // two pairings × four spaces
    expect(verdictRows(markdown)).toEqual(verdictRows(committed));
  });
});
