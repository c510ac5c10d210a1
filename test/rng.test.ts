import { describe, expect, test } from 'vitest';
import { createRandom } from '../algorithms/random/index.js';
import { createRng } from '../src/rng.js';
import type { TrialRecord } from '../src/trial/types.js';
import { makeExperiment } from './support/experiment.js';

/*
 * Independence of derived streams. Algorithms take the first draw(s) of one stream per
 * trial (`createRng(seed, 'random', k)`), so the first draws over consecutive k, and over
 * consecutive seeds, must behave like independent uniforms.
 *
 * Critical values (scipy 1.16): kstwo.ppf(0.999, 10000) = 0.019477 (KS, n = 10,000);
 * chi2.ppf(0.999, 99) = 148.230 (10 x 10 cells, 99 degrees of freedom). Each test has a
 * false-alarm rate of 0.1 %; the streams are seeded, so a pass is a fixed fact, not luck
 * on each run.
 */
const N = 10_000;
const KS_CRITICAL = 0.019477;
const CHI2_99_CRITICAL = 148.23;

/** Kolmogorov–Smirnov statistic of a sample against U(0, 1). */
function ksUniform(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  let d = 0;
  sorted.forEach((x, i) => {
    d = Math.max(d, (i + 1) / sorted.length - x, x - i / sorted.length);
  });
  return d;
}

/** Pearson correlation of x_k with x_{k+1}. */
function lag1Correlation(xs: readonly number[]): number {
  const a = xs.slice(0, -1);
  const b = xs.slice(1);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Pearson's chi-square of consecutive pairs (x_k, x_{k+1}) over a 10 x 10 grid of the unit square. */
function pairChiSquare(xs: readonly number[]): number {
  const cells = new Array<number>(100).fill(0);
  for (let i = 0; i + 1 < xs.length; i++) {
    const c = Math.floor((xs[i] as number) * 10) * 10 + Math.floor((xs[i + 1] as number) * 10);
    cells[c] = (cells[c] ?? 0) + 1;
  }
  const expected = (xs.length - 1) / 100;
  return cells.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
}

/** Steps x_{k+1} - x_k mod 1: for independent uniforms, independent uniforms again. */
function stepsModOne(xs: readonly number[]): number[] {
  return xs.slice(1).map((x, i) => (((x - (xs[i] as number)) % 1) + 1) % 1);
}

/** Distinct values of x_{k+1} - x_k rounded to 3 decimals. */
function distinctSteps(xs: readonly number[]): number {
  const steps = new Set<string>();
  for (let i = 0; i + 1 < xs.length; i++) steps.add(((xs[i + 1] as number) - (xs[i] as number)).toFixed(3));
  return steps.size;
}

const overIndices = (seed: number) => Array.from({ length: N }, (_, k) => createRng(seed, 'random', k).next());
const overSeeds = Array.from({ length: N }, (_, s) => createRng(s, 'random', 0).next());

describe('first draws of derived streams are independent uniforms', () => {
  for (const seed of [0, 7, 12345]) {
    const xs = overIndices(seed);
    test(`over 10,000 consecutive stream indices (seed ${seed}): KS, lag-1 correlation, pair chi-square`, () => {
      expect(ksUniform(xs), 'KS statistic').toBeLessThan(KS_CRITICAL);
      // sd of r under independence is 1/sqrt(N) = 0.01; 4 sd is a 6e-5 two-sided false alarm
      expect(Math.abs(lag1Correlation(xs)), 'lag-1 correlation').toBeLessThan(0.04);
      expect(pairChiSquare(xs), 'chi-square of consecutive pairs').toBeLessThan(CHI2_99_CRITICAL);
    });

    test(`over 10,000 consecutive stream indices (seed ${seed}): the steps between them are serially independent`, () => {
      // (x1 - x0, x2 - x1) mod 1 are independent uniforms when x0, x1, x2 are: given x1,
      // each step is a uniform shifted by a constant. Alea seeded by its string hash fails
      // both by far (lag-1 correlation of steps about 0.4, chi-square about 15,000).
      const steps = stepsModOne(xs);
      expect(ksUniform(steps), 'KS statistic of steps').toBeLessThan(KS_CRITICAL);
      expect(Math.abs(lag1Correlation(steps)), 'lag-1 correlation of steps').toBeLessThan(0.04);
      expect(pairChiSquare(steps), 'chi-square of consecutive steps').toBeLessThan(CHI2_99_CRITICAL);
    });
  }

  test('over 10,000 consecutive seeds: KS, lag-1 correlation, pair chi-square', () => {
    expect(ksUniform(overSeeds)).toBeLessThan(KS_CRITICAL);
    expect(Math.abs(lag1Correlation(overSeeds))).toBeLessThan(0.04);
    expect(pairChiSquare(overSeeds)).toBeLessThan(CHI2_99_CRITICAL);
    expect(pairChiSquare(stepsModOne(overSeeds))).toBeLessThan(CHI2_99_CRITICAL);
  });

  test('steps between consecutive trials take as many distinct values as independent draws do', () => {
    // Independent uniforms: 186.5 distinct steps (to 3 decimals) out of 199 on average,
    // never fewer than 175 in 2,000 numpy runs of 200 draws; 160 leaves room.
    for (const seed of [0, 1, 7, 42]) {
      expect(distinctSteps(overIndices(seed).slice(0, 200)), `seed ${seed}`).toBeGreaterThanOrEqual(160);
    }
  });

  test('the second draw of a stream is independent of the first, across streams', () => {
    const pairs = Array.from({ length: N }, (_, k) => {
      const rng = createRng(3, 'random', k);
      return [rng.next(), rng.next()] as const;
    });
    expect(ksUniform(pairs.map((p) => p[1]))).toBeLessThan(KS_CRITICAL);
    const cells = new Array<number>(100).fill(0);
    for (const [a, b] of pairs) cells[Math.floor(a * 10) * 10 + Math.floor(b * 10)]! += 1;
    const chi2 = cells.reduce((s, o) => s + (o - N / 100) ** 2 / (N / 100), 0);
    expect(chi2).toBeLessThan(CHI2_99_CRITICAL);
  });

  test('part lists that join to the same text are different streams', () => {
    expect(createRng('a', 'b').next()).not.toBe(createRng('a\u0001b').next());
    expect(createRng(1, 23).next()).not.toBe(createRng(12, 3).next());
    expect(createRng(1).next()).not.toBe(createRng('1').next());
  });

  test('equal parts give equal streams', () => {
    const a = createRng(9, 'x', 3);
    const b = createRng(9, 'x', 3);
    const draws = () => [a.next(), a.uint32(), a.normal(), a.int(10)];
    const again = () => [b.next(), b.uint32(), b.normal(), b.int(10)];
    expect(draws()).toEqual(again());
  });
});

describe('random search, the path a user takes', () => {
  test('200 trials of seed 7: learning rates are not a progression, steps as independent draws', async () => {
    const { metadata, spec } = makeExperiment({
      parameters: [{ name: 'lr', parameterType: 'double', feasibleSpace: { min: '0', max: '1', distribution: 'uniform' } }],
    });
    const experiment = { name: metadata.name, spec };
    const trials: TrialRecord[] = [];
    const xs: number[] = [];
    const random = createRandom();
    // one request per trial, as a loop with parallelTrialCount 1 asks
    for (let k = 0; k < 200; k++) {
      const reply = await random.getSuggestions({ experiment, trials, count: 1, seed: 7 });
      const x = Number(reply.assignments[0]?.[0]?.value);
      xs.push(x);
      trials.push({ name: `t${k}`, parameterAssignments: reply.assignments[0] ?? [], condition: 'Succeeded', conditions: [], creationTime: '2026-01-01T00:00:00Z' });
    }
    expect(distinctSteps(xs)).toBeGreaterThanOrEqual(160);
    expect(Math.abs(lag1Correlation(xs))).toBeLessThan(4 / Math.sqrt(200));
  });
});
