import { describe, expect, test } from 'vitest';
import { bracketResource, bracketRungs, bracketSize, budgetOf, promotedCount, sMaxOf, totalTrials } from '../../../algorithms/hyperband/brackets.js';

describe('Hyperband brackets (Li et al., JMLR 2018, Algorithm 1)', () => {
  test('R = 81, η = 3 gives Table 1 of the paper, rung by rung (n_i / r_i)', () => {
    // Table 1, read column by column: bracket s lists (n_i, r_i) for i = 0..s.
    const table1: Record<number, Array<[number, number]>> = {
      4: [[81, 1], [27, 3], [9, 9], [3, 27], [1, 81]],
      3: [[34, 3], [11, 9], [3, 27], [1, 81]],
      2: [[15, 9], [5, 27], [1, 81]],
      1: [[8, 27], [2, 81]],
      0: [[5, 81]],
    };
    expect(sMaxOf(81, 3)).toBe(4);
    for (let s = 4; s >= 0; s--) {
      expect(bracketRungs(81, 3, 4, s).map((r) => [r.n, r.r]), `bracket ${s}`).toEqual(table1[s]);
    }
    // 121 + 49 + 20 + 10 + 5 = 206 trials (sum of the n_i of Table 1).
    expect(totalTrials(81, 3)).toBe(206);
    expect(budgetOf(81, 4)).toBe(405);
  });

  test('s_max = ⌊log_η R⌋ is exact at powers of η, where ln R / ln η is off by one ulp', () => {
    const cases: Array<[number, number, number]> = [
      // [R, η, s_max]
      [81, 3, 4], [243, 3, 5], [1000, 10, 3], [125, 5, 3], [64, 4, 3], [2 ** 20, 2, 20], [3 ** 19, 3, 19],
      [80.999, 3, 3], [82, 3, 4], [1, 3, 0], [2.9, 3, 0], [3, 3, 1], [2, 2, 1], [0.99, 3, -1], [0, 3, -1],
    ];
    for (const [rl, eta, sMax] of cases) expect(sMaxOf(rl, eta), `R=${rl} η=${eta}`).toBe(sMax);
    expect(Math.log(1000) / Math.log(10)).toBeLessThan(3); // the floating estimate alone would say 2
  });

  test('n = ⌈(s_max+1)·η^s/(s+1)⌉ in integer arithmetic (5/3·9 is 15, not 16)', () => {
    expect(bracketSize(4, 3, 2)).toBe(15);
    expect(bracketSize(4, 3, 3)).toBe(34);
    expect(bracketSize(0, 3, 0)).toBe(1);
    expect(bracketResource(81, 3, 4)).toBe(1);
  });

  test('each rung keeps ⌊n_i/η⌋, the next rung n_{i+1}', () => {
    for (const [rl, eta] of [[81, 3], [100, 2], [1000, 4], [50, 7]] as const) {
      const sMax = sMaxOf(rl, eta);
      for (let s = sMax; s >= 0; s--) {
        const rungs = bracketRungs(rl, eta, sMax, s);
        for (let i = 0; i + 1 < rungs.length; i++) expect(promotedCount(rungs[i]!.n, eta)).toBe(rungs[i + 1]!.n);
        expect(rungs.at(-1)!.r).toBeCloseTo(rl, 12);
      }
    }
  });
});
