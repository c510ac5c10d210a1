import { describe, expect, test } from 'vitest';
import { figureOdds, oddsMarkdown, type Figure } from '../../bench/odds.js';
import type { SyntheticRun } from '../../bench/protocol.js';

/** A one-evaluation run whose final regret is r (L_N = log10(r + 1e-12)). */
const run = (fn: string, sampler: string, seed: number, r: number): SyntheticRun => ({
  function: fn,
  dim: 2,
  f_star: 0,
  sampler,
  seed,
  budget: 1,
  y: [r],
  regret: [r],
  ask_s: [0],
  tell_s: [0],
});
const figure = (within: number, better: number, margin = 0): Figure => ({ method: 'a', against: 'b', margin, within, better });

describe('figureOdds: how often a head-to-head figure holds at a number of seeds', () => {
  test('one seed per draw out of three: the draw is uniform over seeds (P = 1/3 to three standard errors)', () => {
    // a has regret 1 on every seed; b has 10 on seed 0 and 0.1 on seeds 1 and 2: a is better only when seed 0 is drawn.
    const runs = [0, 1, 2].flatMap((s) => [run('f', 'a', s, 1), run('f', 'b', s, s === 0 ? 10 : 0.1)]);
    const odds = figureOdds(runs, figure(0, 1), 1, 30000);
    const se = Math.sqrt((1 / 3) * (2 / 3) / 30000);
    expect(Math.abs(odds.pHolds - 1 / 3)).toBeLessThan(3 * se);
    expect(odds.functions[0]?.pBetter).toBe(odds.pHolds);
  });

  test('two seeds out of three: the medians of each pair, worked by hand', () => {
    // b: L = 1 on seed 0, L = -2 on seeds 1 and 2; a: L = 0. Pairs {0,1} and {0,2}: b's median
    // is -0.5, a is 0.5 worse: within a margin of 0.6, not better. Pair {1,2}: b's median is -2,
    // a is 2 worse. So P(within 0.6) = 2/3 and P(better) = 0.
    const runs = [0, 1, 2].flatMap((s) => [run('f', 'a', s, 1), run('f', 'b', s, s === 0 ? 10 : 0.01)]);
    const odds = figureOdds(runs, figure(1, 0, 0.6), 2, 30000);
    const se = Math.sqrt((2 / 3) * (1 / 3) / 30000);
    expect(Math.abs((odds.functions[0]?.pWithin as number) - 2 / 3)).toBeLessThan(3 * se);
    expect(odds.functions[0]?.pBetter).toBe(0);
    expect(odds.pHolds).toBe(odds.functions[0]?.pWithin);
  });

  test('every seed in every draw: the figure holds always or never, by the margin and the counts', () => {
    // On f, a is 0.05 worse in L on every seed; on g, a is 1 better.
    const runs = [0, 1, 2, 3].flatMap((s) => [
      run('f', 'a', s, 10 ** 0.05), run('f', 'b', s, 1),
      run('g', 'a', s, 0.1), run('g', 'b', s, 1),
    ]);
    expect(figureOdds(runs, figure(2, 1, 0.1), 4, 50).pHolds).toBe(1);
    expect(figureOdds(runs, figure(2, 1, 0.01), 4, 50).pHolds).toBe(0);
    expect(figureOdds(runs, figure(0, 2), 4, 50).pHolds).toBe(0);
    const odds = figureOdds(runs, figure(2, 1, 0.1), 4, 50);
    expect(odds.functions.map((f) => [f.function, f.median.toFixed(2), f.againstMedian.toFixed(2)])).toEqual([
      ['f', '0.05', '0.00'],
      ['g', '-1.00', '0.00'],
    ]);
    expect(oddsMarkdown(odds)).toContain('Holds in **100.0%** of 50 draws of 4 seeds out of 4.');
  });

  test('only seeds both samplers have on every function are drawn, and the draws are repeatable', () => {
    const runs = [0, 1, 2, 3, 4].flatMap((s) => [run('f', 'a', s, 1), run('f', 'b', s, s + 1), ...(s < 3 ? [run('g', 'a', s, 1), run('g', 'b', s, 2)] : [])]);
    const odds = figureOdds(runs, figure(0, 1), 2, 200);
    expect(odds.seeds).toBe(3);
    expect(figureOdds(runs, figure(0, 1), 2, 200)).toEqual(odds);
  });

  test('errors name what is missing', () => {
    const runs = [run('f', 'a', 0, 1), run('f', 'b', 0, 1)];
    expect(() => figureOdds(runs, { ...figure(0, 0), against: 'c' }, 1, 10)).toThrow('no function has runs of both "a" and "c"');
    expect(() => figureOdds(runs, figure(0, 0), 10, 10)).toThrow('seeds per draw: 10 asked, but only 1 seeds');
  });
});
