import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { learningCurveLoss } from '../../bench/functions/learning-curve.js';
import { baseMeta } from '../../bench/meta.js';
import { historyOf, MULTIFIDELITY_SCHEMA, runMultifidelity, runOf, type MultifidelityFile, type MultifidelityRun } from '../../bench/multifidelity.js';
import { scribaMethod } from '../../bench/multifidelity-scriba.js';
import { driverPath, optunaUnavailable } from '../../bench/peer.js';
import { mannWhitneyLess } from '../../bench/report/mann-whitney.js';
import { multifidelityReport, verdict } from '../../bench/report/multifidelity.js';
import { MULTIFIDELITY_JSON_SCHEMA, validateMultifidelity } from '../../bench/schema-multifidelity.js';

const BAD = [0.5, 0.5, 0.5, 0.5];
const GOOD = [0.1, 0.55, 0.85, 1];

function fileOf(runs: MultifidelityRun[]): MultifidelityFile {
  return {
    schema: MULTIFIDELITY_SCHEMA,
    meta: { ...baseMeta('test', { scriba_random_none: 'test' }), objective: 'learning-curve v1', max_epochs: 81, a_star: 0.0343050531668343, pruners: { none: 'none' } },
    runs,
  };
}

/** A run of 81-epoch trials whose k-th has the given configuration. */
function runWith(sampler: string, pruner: string, seed: number, xs: number[][], engine?: string): MultifidelityRun {
  const history = historyOf(xs.map((x, k) => ({ x, epochs: 81, last_value: learningCurveLoss(x, 81, seed, k) })), 81 * xs.length);
  return { ...runOf(sampler, pruner, seed, history, 81 * xs.length), ...(engine ? { engine } : {}) };
}

describe('Mann–Whitney, one-sided "a smaller than b"', () => {
  // Expected p from scipy 1.x: scipy.stats.mannwhitneyu(a, b, alternative='less', method=...).pvalue
  test.each([
    [[1, 2, 3], [4, 5, 6], 0.05, true], // method='exact'
    [[1, 2, 3.5, 7, 9], [3, 4, 5, 6, 8, 10], 0.21428571428571427, true], // exact
    [[1, 2, 2, 7, 9], [2, 4, 5, 6, 8, 10], 0.2035080136356871, false], // ties: method='asymptotic'
    [[0.1, 0.2, Infinity, 0.05], [0.3, Infinity, Infinity, 0.01], 0.328627584359635, false], // asymptotic
  ])('%j vs %j: p = %f', (a, b, p, exact) => {
    const r = mannWhitneyLess(a, b);
    expect(r.exact).toBe(exact);
    expect(r.p, JSON.stringify({ a, b, r })).toBeCloseTo(p, 6);
  });

  test('all equal: p = 1', () => {
    expect(mannWhitneyLess([1, 1], [1, 1]).p).toBe(1);
  });
});

describe('hpo-bench/multifidelity/v1 validation (§7.3)', () => {
  test('the JSON Schema file equals the exported schema', () => {
    const file: unknown = JSON.parse(readFileSync(new URL('../../bench/schema/multifidelity-v1.schema.json', import.meta.url), 'utf8'));
    expect(file).toEqual(MULTIFIDELITY_JSON_SCHEMA);
  });

  test("a Scriba run's file is valid", async () => {
    const run = await runMultifidelity(scribaMethod('scriba_random_none', 0), { seed: 0, budget: 400 });
    expect(validateMultifidelity(fileOf([run]))).toEqual([]);
  });

  const broken: Array<[string, (f: MultifidelityFile) => void, string]> = [
    ['a miscounted cum_epochs', (f) => void ((f.runs[0]?.history[1] as { cum_epochs: number }).cum_epochs += 1), 'runs[0].history[1].cum_epochs'],
    ['a COMPLETE trial short of 81 epochs', (f) => void ((f.runs[0]?.history[0] as { epochs: number }).epochs = 80), 'runs[0].history[0].state'],
    ['n_complete off', (f) => void ((f.runs[0] as { n_complete: number }).n_complete = 1), 'runs[0].n_complete'],
    ['a run past its budget', (f) => void ((f.runs[0] as { budget_epochs: number }).budget_epochs = 81), 'runs[0].history[0]'],
    ['a lone incumbent_regret', (f) => void ((f.runs[0]?.history[0] as { incumbent_trial: number | null }).incumbent_trial = null), 'runs[0].history[0].incumbent_regret'],
    ['a repeated run', (f) => void f.runs.push(structuredClone(f.runs[0] as MultifidelityRun)), 'runs[1]'],
  ];
  test.each(broken)('%s is reported', (_what, breakIt, path) => {
    const f = fileOf([runWith('scriba_random_none', 'none', 0, [BAD, GOOD, BAD])]);
    expect(validateMultifidelity(f)).toEqual([]);
    breakIt(f);
    const problems = validateMultifidelity(f);
    expect(problems.some((p) => p.startsWith(`${path}: `)), problems.join('\n')).toBe(true);
  });
});

describe('the multi-fidelity report', () => {
  test('budgets, counts and the test against the Optuna counterpart', () => {
    const runs = [0, 1, 2].flatMap((seed) => [
      runWith('scriba_random_none', 'none', seed, Array.from({ length: 100 }, (_, k) => (k === 50 ? GOOD : BAD))),
      runWith('random', 'none', seed, Array.from({ length: 100 }, () => BAD), 'optuna'),
    ]);
    const { markdown, svgs } = multifidelityReport(fileOf(runs), { plotPrefix: 'mf' });
    expect(markdown).toContain('| method | E = 810 | E = 2430 | E = 4050 | E = 8100 | n_trials | n_complete | best_any_regret at 8100 |');
    // Scriba found GOOD at trial 50 (cum 4131 > 4050): BAD's regret until then.
    // Tied best medians are all bold.
    expect(markdown).toContain('| scriba:scriba_random_none | **0.834 [0.834, 0.834]** | **0.834 [0.834, 0.834]** | **0.834 [0.834, 0.834]** | **4.53e-4 [4.53e-4, 4.53e-4]** | 100 | 100 | 4.53e-4 |');
    // All tied: p = 1; at 8100 three smaller against three tied values (normal approximation): scipy gives 0.02343 for [1, 1, 1] vs [2, 2, 2].
    expect(markdown).toContain('| scriba:scriba_random_none | optuna:random_none | 0.834 / 0.834, p = 1.000, no worse | 0.834 / 0.834, p = 1.000, no worse | 0.834 / 0.834, p = 1.000, no worse | 4.53e-4 / 0.834, p = 0.023, **better** |');
    expect(Object.keys(svgs)).toEqual(['mf-none.svg']);
    expect(svgs['mf-none.svg']).toContain('cumulative epochs');
  });
});

test('verdicts at the 5% level', () => {
  expect(verdict(0.049, 0.96)).toBe('**better**');
  expect(verdict(0.96, 0.049)).toBe('worse');
  expect(verdict(0.5, 0.5)).toBe('no worse');
  expect(verdict(0.05, 0.95)).toBe('no worse');
});

describe('the Optuna driver, multifidelity', () => {
  const missing = optunaUnavailable();
  test.skipIf(missing !== undefined)('writes a valid file whose bookkeeping and losses match ours', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scriba-mf-'));
    try {
      const out = join(dir, 'peer.json');
      const r = spawnSync('python3', [driverPath(), 'multifidelity', '--methods', 'random_sha,tpe_median', '--seeds', '2', '--seed-start', '3', '--budget', '600', '--out', out], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const file = JSON.parse(readFileSync(out, 'utf8')) as MultifidelityFile;
      expect(validateMultifidelity(file)).toEqual([]);
      expect(file.runs.map((run) => `${run.sampler}_${run.pruner}/${run.seed}`)).toEqual(['random_sha/3', 'random_sha/4', 'tpe_median/3', 'tpe_median/4']);
      for (const run of file.runs) {
        for (const h of run.history) {
          const ours = learningCurveLoss(h.x, h.epochs, run.seed, h.trial);
          expect(Math.abs(h.last_value - ours), JSON.stringify(h)).toBeLessThanOrEqual(1e-14 * Math.abs(ours));
        }
        const again = historyOf(run.history.map((h) => ({ x: h.x, epochs: h.epochs, last_value: h.last_value })), run.budget_epochs);
        expect(again.map((h) => [h.incumbent_trial, h.cum_epochs, h.state])).toEqual(run.history.map((h) => [h.incumbent_trial, h.cum_epochs, h.state]));
        for (const [i, h] of again.entries()) expect(h.best_any_regret).toBeCloseTo(run.history[i]?.best_any_regret as number, 14);
      }
      expect(file.runs.some((run) => run.history.some((h) => h.state === 'PRUNED'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
