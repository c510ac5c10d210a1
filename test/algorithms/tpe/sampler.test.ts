import { describe, expect, test } from 'vitest';
import { buildMixture, logDensity, sampleMixture, type CellOf, type DimensionKind, type Point } from '../../../algorithms/tpe/parzen.js';
import { goodCount, observationWeights, split, suggest, type Observation, type TpeOptions } from '../../../algorithms/tpe/sampler.js';
import { createRng } from '../../../src/rng.js';

const continuous: DimensionKind = { kind: 'continuous' };
const noCells: CellOf = (_d, u) => [u, u];

describe('goodCount', () => {
  // Optuna's default_gamma: min(ceil(0.1 n), 25). Python 3.11.7 `min(math.ceil(0.1 * n), 25)`
  // (the same IEEE products as numpy's; note 0.1 · 249 = 24.900000000000002).
  test.each([
    [0, 0],
    [1, 1],
    [9, 1],
    [10, 1],
    [11, 2],
    [100, 10],
    [249, 25],
    [250, 25],
    [251, 25],
    [1000, 25],
  ])('Optuna: n = %d → %d', (n, expected) => {
    expect(goodCount(n), `goodCount(${n})`).toBe(expected);
  });

  // hyperopt with gamma = 0.25: min(ceil(0.25 √n), 25). Python 3.11.7
  // `min(math.ceil(0.25 * math.sqrt(n)), 25)`; √17 = 4.12 → 1.03 → 2; √145 = 12.04 → 3.01 → 4.
  test.each([
    [0, 0],
    [1, 1],
    [16, 1],
    [17, 2],
    [100, 3],
    [144, 3],
    [145, 4],
    [10000, 25],
    [10001, 25],
  ])('hyperopt gamma = 0.25: n = %d → %d', (n, expected) => {
    expect(goodCount(n, 0.25), `goodCount(${n}, 0.25)`).toBe(expected);
  });
});

describe('observationWeights', () => {
  test.each([0, 1, 10, 24, 25])('n = %d: all ones', (n) => {
    expect(observationWeights(n)).toEqual(new Array<number>(n).fill(1));
  });

  // Optuna's default_weights: concatenate(linspace(1/n, 1, n − 25), ones(25)). Numbers from
  // numpy 2.4.6 on Python 3.11.7: linspace(1/30, 1, 5) =
  // [0.03333333333333333, 0.275, 0.5166666666666667, 0.7583333333333333, 1.0] (hand: step
  // (1 − 1/30)/4 = 29/120); linspace(1/26, 1, 1) = [0.038461538461538464];
  // linspace(1/27, 1, 2) = [0.037037037037037035, 1.0]. Compared to 1e-15 absolute.
  test.each([
    [26, [0.038461538461538464]],
    [27, [0.037037037037037035, 1]],
    [30, [0.03333333333333333, 0.275, 0.5166666666666667, 0.7583333333333333, 1]],
  ])('n = %d: a ramp from 1/n to 1 over the oldest n − 25, then 25 ones', (n, ramp) => {
    const weights = observationWeights(n);
    expect(weights).toHaveLength(n);
    ramp.forEach((w, i) => expect(Math.abs((weights[i] as number) - w) <= 1e-15, `n = ${n}: weight[${i}] = ${weights[i]}, expected ${w}`).toBe(true));
    expect(weights.slice(ramp.length)).toEqual(new Array<number>(25).fill(1));
  });

  test('n = 100: the ramp rises from 0.01 to 1 in equal steps', () => {
    const weights = observationWeights(100);
    expect(weights[0]).toBeCloseTo(0.01, 15);
    expect(weights[74]).toBeCloseTo(1, 15);
    for (let i = 1; i < 75; i++) expect((weights[i] as number) - (weights[i - 1] as number)).toBeCloseTo(0.99 / 74, 14);
  });
});

describe('split', () => {
  const obs = (value: number, order: number): Observation => ({ point: [order / 100], value, order });

  test('the best goodCount(n) go to the good group; ties by creation order', () => {
    // n = 11 → 2 good. Values by order: 5, 1, 3, 1, 1, 7, 2, 9, 4, 6, 8. The three 1s tie;
    // the first two in creation order (orders 1 and 3) are good.
    const values = [5, 1, 3, 1, 1, 7, 2, 9, 4, 6, 8];
    const observations = values.map((v, i) => obs(v, i));
    const { good, bad } = split(observations, []);
    expect(good).toEqual([[0.01], [0.03]]);
    expect(bad).toEqual([0, 2, 4, 5, 6, 7, 8, 9, 10].map((o) => [o / 100]));
  });

  test('both groups come out in creation order whatever the input order', () => {
    const observations = [obs(2, 4), obs(0, 9), obs(9, 1), obs(5, 0), obs(4, 7), obs(1, 3), obs(3, 2), obs(6, 5), obs(8, 6), obs(7, 8), obs(10, 10)];
    const { good, bad } = split(observations, []);
    // Best two: value 0 (order 9), value 1 (order 3) → by order 3, 9.
    expect(good).toEqual([[0.03], [0.09]]);
    expect(bad).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 10].map((o) => [o / 100]));
  });

  test('pending points join the bad group as the newest, in the given order', () => {
    const observations = [obs(1, 0), obs(2, 1), obs(3, 2)];
    const { good, bad } = split(observations, [[0.5], [0.25]]);
    expect(good).toEqual([[0]]);
    expect(bad).toEqual([[0.01], [0.02], [0.5], [0.25]]);
  });

  test('pending points do not count towards the size of the good group', () => {
    // 10 observations → 1 good, with or without 5 pending points.
    const observations = Array.from({ length: 10 }, (_, i) => obs(i, i));
    const pending = Array.from({ length: 5 }, (_, i) => [0.9 + i / 100]);
    expect(split(observations, pending).good).toHaveLength(1);
    expect(split(observations, pending).bad).toHaveLength(14);
  });

  test('gamma switches to the hyperopt rule', () => {
    // n = 36: with gamma 0.5, ceil(0.5 · √36) = 3; Optuna's rule gives ceil(3.6) = 4.
    const observations = Array.from({ length: 36 }, (_, i) => obs(i, i));
    expect(split(observations, [], 0.5).good).toHaveLength(3);
    expect(split(observations, []).good).toHaveLength(4);
  });

  test('no observations: both groups empty (the prior alone models them)', () => {
    expect(split([], [])).toEqual({ good: [], bad: [] });
  });
});

describe('suggest', () => {
  // Good points clustered near 0.2 (f = (u − 0.2)², at most 4e-4), bad ones spread over
  // [0.65, 0.95] (f ≥ 1); interleaved in creation order. n = 40 → 4 good: four of the five
  // points near 0.2. The bad group holds the fifth and the 35 far ones.
  const nearGood = [0.18, 0.19, 0.2, 0.21, 0.22];
  const observations: Observation[] = [];
  for (let i = 0; i < 40; i++) {
    const u = i % 8 === 0 ? (nearGood[i / 8] as number) : 0.65 + (0.3 * (i - Math.ceil(i / 8))) / 34;
    observations.push({ point: [u], value: i % 8 === 0 ? (u - 0.2) ** 2 : 1 + (u - 0.2) ** 2, order: i });
  }
  const options: TpeOptions = { multivariate: false, nEiCandidates: 24, priorWeight: 1 };

  test('the hand-made history has the intended groups', () => {
    const { good, bad } = split(observations, []);
    expect(good).toHaveLength(4);
    for (const p of good) expect(Math.abs((p[0] as number) - 0.2)).toBeLessThanOrEqual(0.02);
    expect(bad.filter((p) => (p[0] as number) > 0.6)).toHaveLength(35);
  });

  test('suggests a point of the good region for seeds 0..49', () => {
    // With l(x) peaked at 0.2 (σ = 1/6 after the clip, weight 4/5) and g(x) at 0.65..0.95,
    // l/g is largest on the low side; candidates drawn from l's prior kernel that land
    // above 0.5 have l/g well below those of candidates near 0.2.
    for (let seed = 0; seed < 50; seed++) {
      const [u] = suggest(observations, [], [continuous], options, createRng('sampler', seed), noCells);
      expect(u! >= 0 && u! < 0.5, `seed ${seed}: suggested ${u}`).toBe(true);
    }
  });

  test('returns the candidate with the largest l/g among those drawn from l', () => {
    // Replays the draws: the same seed gives the same 24 candidates from l, and the
    // suggestion must be the one with the largest log l − log g, recomputed here.
    const { good, bad } = split(observations, []);
    const l = buildMixture(good, observationWeights(good.length), [continuous], { priorWeight: 1 });
    const g = buildMixture(bad, observationWeights(bad.length), [continuous], { priorWeight: 1 });
    for (let seed = 0; seed < 20; seed++) {
      const chosen = suggest(observations, [], [continuous], options, createRng('sampler', seed), noCells);
      const candidates = sampleMixture(l, 24, createRng('sampler', seed));
      const logL = logDensity(l, candidates);
      const logG = logDensity(g, candidates);
      const ratios = candidates.map((_, i) => (logL[i] as number) - (logG[i] as number));
      const index = candidates.findIndex((c) => c[0] === chosen[0]);
      expect(index, `seed ${seed}: ${chosen[0]} is not among the candidates ${JSON.stringify(candidates)}`).toBeGreaterThanOrEqual(0);
      const best = Math.max(...ratios);
      expect(ratios[index], `seed ${seed}: log l/g of the choice ${ratios[index]} vs the best ${best}`).toBe(best);
    }
  });

  test('multivariate and univariate both return a point of [0, 1]^d (categorical: an index)', () => {
    const dims: DimensionKind[] = [continuous, continuous, { kind: 'cells' }, { kind: 'categorical', size: 3 }];
    const quarters: CellOf = (_d, u) => {
      const i = Math.min(3, Math.floor(u * 4));
      return [i / 4, (i + 1) / 4];
    };
    const rng = createRng('sampler', 'space');
    const history: Observation[] = Array.from({ length: 30 }, (_, i) => {
      const point = [rng.next(), rng.next(), (rng.int(4) + 0.5) / 4, rng.int(3)];
      return { point, value: (point[0]! - 0.3) ** 2 + (point[1]! - 0.7) ** 2 + point[3]!, order: i };
    });
    for (const multivariate of [false, true]) {
      for (let seed = 0; seed < 20; seed++) {
        const x = suggest(history, [[0.5, 0.5, 0.375, 1]], dims, { ...options, multivariate }, createRng('sampler', 'space', seed), quarters);
        const label = `multivariate = ${multivariate}, seed ${seed}: ${JSON.stringify(x)}`;
        expect(x, label).toHaveLength(4);
        for (const u of x.slice(0, 3)) expect(u >= 0 && u <= 1, label).toBe(true);
        expect([0, 1, 2], label).toContain(x[3]);
      }
    }
  });

  test('univariate: each dimension is chosen from its own one-dimensional model', () => {
    // The first coordinate of a two-dimensional univariate suggestion is the one-dimensional
    // suggestion for the projected history, with the same generator state.
    const rng = createRng('sampler', 'projection');
    const history: Observation[] = Array.from({ length: 20 }, (_, i) => {
      const point = [rng.next(), rng.next()];
      return { point, value: (point[0]! - 0.3) ** 2 + (point[1]! - 0.7) ** 2, order: i };
    });
    const projected = history.map((o) => ({ ...o, point: [o.point[0] as number] }));
    const pending: Point[] = [[0.1, 0.9]];
    for (let seed = 0; seed < 10; seed++) {
      const both = suggest(history, pending, [continuous, continuous], options, createRng('sampler', 'p', seed), noCells);
      const first = suggest(projected, [[0.1]], [continuous], options, createRng('sampler', 'p', seed), noCells);
      expect(both[0], `seed ${seed}`).toBe(first[0]);
    }
  });

  test('the same history and generator state give the same suggestion', () => {
    for (const multivariate of [false, true]) {
      const a = suggest(observations, [[0.3]], [continuous], { ...options, multivariate }, createRng('sampler', 'same'), noCells);
      const b = suggest(observations, [[0.3]], [continuous], { ...options, multivariate }, createRng('sampler', 'same'), noCells);
      expect(b).toEqual(a);
    }
  });

  test('no observations: a draw from the prior, in [0, 1]', () => {
    for (let seed = 0; seed < 10; seed++) {
      const [u] = suggest([], [], [continuous], options, createRng('sampler', 'empty', seed), noCells);
      expect(u! >= 0 && u! <= 1, `seed ${seed}: ${u}`).toBe(true);
    }
  });
});
