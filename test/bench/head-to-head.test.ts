import { describe, expect, test } from 'vitest';
import type { SyntheticFile, SyntheticRun } from '../../bench/protocol.js';
import { compare } from '../../bench/report/head-to-head.js';
import { buildReport } from '../../bench/report/index.js';

const range = (from: number, count: number, step = 1): number[] => Array.from({ length: count }, (_, i) => from + i * step);

describe('compare: the verdict of a one-sided Mann–Whitney test with a 0.1 margin', () => {
  test('every value of ours below every value of theirs: p = 1 / C(20, 10), better', () => {
    const c = compare(range(1, 10), range(11, 10));
    expect(c.pBetter).toBeCloseTo(1 / 184756, 12); // exact null distribution, no ties
    expect(c.pWorse).toBeCloseTo(1, 12);
    expect(c.verdict).toBe('better');
    expect([c.ours, c.theirs]).toEqual([5.5, 15.5]);
  });

  test('ours higher with confidence and by more than 0.1 in median: worse', () => {
    const c = compare(range(11, 30), range(1, 30));
    expect(c.pWorse).toBeLessThan(0.05);
    expect(c.verdict).toBe('worse');
  });

  test('ours higher with confidence but within 0.1 in median: no worse', () => {
    // Medians 0.3 + 0.0145 and 0.3: every one of ours above every one of theirs, yet close.
    const ours = range(0.3005, 30, 0.001);
    const theirs = range(0.286, 30, 0.0005);
    const c = compare(ours, theirs);
    expect(c.pWorse).toBeLessThan(0.001);
    expect(c.ours - c.theirs).toBeLessThan(0.1);
    expect(c.verdict).toBe('no worse');
  });

  test('the same samples: neither side wins', () => {
    const c = compare(range(0, 30), range(0, 30));
    expect(c.pBetter).toBeGreaterThan(0.4);
    expect(c.pWorse).toBeGreaterThan(0.4);
    expect(c.verdict).toBe('no worse');
  });
});

/** A run of budget 4 whose regret ends at 10^L (L ≤ 2). */
function run(sampler: string, seed: number, finalL: number): SyntheticRun {
  const regret = [1e3, 1e2, 1e2, 10 ** finalL];
  return { function: 'branin', dim: 2, f_star: 0.397887357729738, sampler, seed, budget: 4, y: regret.map((r) => r + 0.397887357729738), regret, ask_s: [0, 0, 0, 0], tell_s: [0, 0, 0, 0] };
}

function file(engine: string, runs: SyntheticRun[]): SyntheticFile {
  return {
    schema: 'hpo-bench/synthetic/v1',
    meta: {
      engine, versions: { [engine]: '1' }, created: '2026-01-01T00:00:00Z', command: `${engine} bench`,
      machine: { cpu: 'Test CPU', logical_cpus: 2, mem_gb: 8, os: 'Linux' },
      samplers: Object.fromEntries(runs.map((r) => [r.sampler, r.sampler])),
    },
    runs,
  };
}

describe('the report’s head-to-head section', () => {
  test('pairs scriba:tpe with optuna:tpe and prints medians, p-values and verdicts', () => {
    const ours = range(0, 30).map((seed) => run('scriba_tpe', seed, -1 - seed / 30));
    const theirs = range(0, 30).map((seed) => run('tpe', seed, 1 - seed / 30));
    const { markdown } = buildReport([file('scriba', ours), file('optuna', theirs)]);
    const lines = markdown.split('\n');
    const at = lines.indexOf('## scriba:tpe against optuna:tpe');
    expect(at).toBeGreaterThan(0);
    const branin = lines.slice(at).find((l) => l.startsWith('| branin |'));
    // Medians of L_N: −1 − 14.5/30 and 1 − 14.5/30; the quarter budget (t = 1) is a tie at L = 3.
    expect(branin).toBe('| branin | -1.48 | +0.52 | <0.001 | 1.000 | **better** | no worse | no worse |');
    expect(lines.slice(at)).toContain('At N: better on 1, no worse on 0, worse on 0 of 1 functions.');
  });

  test('fewer than 30 seeds: the verdicts say they are indicative', () => {
    const ours = range(0, 5).map((seed) => run('scriba_cmaes', seed, 1));
    const theirs = range(0, 5).map((seed) => run('cmaes', seed, 1));
    const { markdown } = buildReport([file('scriba', ours), file('optuna', theirs)]);
    expect(markdown).toContain('## scriba:cmaes against optuna:cmaes');
    expect(markdown).toContain('| branin | +1.00 | +1.00 | 1.000 | 1.000 | no worse (indicative) |');
  });

  test('scriba:auto is compared with the best single Scriba algorithm of each row', () => {
    const auto = range(0, 30).map((seed) => run('scriba_auto', seed, 0 - seed / 100));
    const tpe = range(0, 30).map((seed) => run('scriba_tpe', seed, 0.5));
    const random = range(0, 30).map((seed) => run('scriba_random', seed, 1.5));
    const { markdown } = buildReport([file('scriba', [...auto, ...tpe, ...random])]);
    expect(markdown).toContain('## scriba:auto against the best single Scriba algorithm of each row');
    expect(markdown).toMatch(/\| branin \| scriba:tpe \| -0\.14 \| \+0\.50 \| <0\.001 \| 1\.000 \| \*\*better\*\* \|/);
  });
});
