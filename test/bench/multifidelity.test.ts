import { describe, expect, test } from 'vitest';
import { A_STAR, asymptote, learningCurveLoss, MAX_EPOCHS, X_STAR } from '../../bench/functions/learning-curve.js';
import {
  bestAnyAt,
  historyOf,
  incumbentAt,
  runMultifidelity,
  runOf,
  type MultifidelityMethod,
  type TrialRecord,
} from '../../bench/multifidelity.js';
import { optunaMethodsFor, OPTUNA_MF_METHODS } from '../../bench/multifidelity-bench.js';
import { scribaMethod, SCRIBA_METHODS } from '../../bench/multifidelity-scriba.js';

const GOOD = [0.1, 0.55, 0.85, 1]; // near x*: regret ~3e-4
const BAD = [0.5, 0.5, 0.5, 0.5]; // A = 0.868 (A.3)
const trial = (x: number[], epochs: number, last_value: number): TrialRecord => ({ x, epochs, last_value });

describe('historyOf (§5, A.4 bookkeeping)', () => {
  test('the run stops at the first trial end with cumulative epochs >= the budget', () => {
    const trials = [trial(BAD, 81, 1), trial(BAD, 30, 1), trial(BAD, 81, 1), trial(BAD, 1, 1)];
    // 81, 111, 192 >= 150: the third trial is the last.
    const h = historyOf(trials, 150);
    expect(h.map((e) => e.cum_epochs)).toEqual([81, 111, 192]);
    // Exactly the budget also stops.
    expect(historyOf(trials, 111).map((e) => e.cum_epochs)).toEqual([81, 111]);
  });

  test('incumbent: complete trials only, smallest final value, ties keep the lowest k; null before the first complete trial', () => {
    const trials = [
      trial(GOOD, 3, 0.0), // pruned, the smallest value: never the incumbent
      trial(BAD, 81, 0.9),
      trial(GOOD, 81, 0.9), // ties trial 1: trial 1 stays
      trial(GOOD, 81, 0.5),
    ];
    const h = historyOf(trials, 10_000);
    expect(h.map((e) => e.state)).toEqual(['PRUNED', 'COMPLETE', 'COMPLETE', 'COMPLETE']);
    expect(h.map((e) => e.incumbent_trial)).toEqual([null, 1, 1, 3]);
    expect(h[0]?.incumbent_regret).toBeNull();
    expect(h[1]?.incumbent_regret).toBeCloseTo(asymptote(BAD) - A_STAR, 15);
    expect(h[3]?.incumbent_regret).toBeCloseTo(asymptote(GOOD) - A_STAR, 15);
    // best_any counts pruned trials too (what an oracle could pick).
    expect(h.map((e) => e.best_any_regret)).toEqual(Array(4).fill(asymptote(GOOD) - A_STAR));
  });

  test('checkpoints: the value after the last trial ending at cum_epochs <= E; +Infinity before any complete trial', () => {
    const h = historyOf([trial(BAD, 40, 1), trial(BAD, 81, 0.9), trial(GOOD, 81, 0.1)], 10_000);
    // cum: 40, 121, 202
    expect(incumbentAt(h, 39)).toBe(Infinity);
    expect(incumbentAt(h, 120)).toBe(Infinity); // trial 1 ends at 121 > 120
    expect(incumbentAt(h, 121)).toBeCloseTo(asymptote(BAD) - A_STAR, 15);
    expect(incumbentAt(h, 201)).toBeCloseTo(asymptote(BAD) - A_STAR, 15);
    expect(incumbentAt(h, 8100)).toBeCloseTo(asymptote(GOOD) - A_STAR, 15);
    expect(bestAnyAt(h, 39)).toBe(Infinity);
    expect(bestAnyAt(h, 40)).toBeCloseTo(asymptote(BAD) - A_STAR, 15);
  });

  test('runOf counts trials, complete trials and epochs', () => {
    const run = runOf('m', 'none', 3, historyOf([trial(BAD, 81, 1), trial(BAD, 9, 1)], 100), 100);
    expect(run).toMatchObject({ n_trials: 2, n_complete: 1, total_epochs: 90, budget_epochs: 100, seed: 3 });
  });
});

describe('runMultifidelity with a fake method', () => {
  /** Trial k: x near x* when k is odd, trained 81 epochs; even k stopped after k % 7 + 1 epochs. */
  const fake = (): MultifidelityMethod => ({
    sampler: 'fake',
    pruner: 'every-other',
    async runTrial(context) {
      const x = context.index % 2 === 1 ? X_STAR.map((v) => v * 0.99) : BAD;
      const epochs = context.index % 2 === 1 ? MAX_EPOCHS : (context.index % 7) + 1;
      for (let t = 1; t <= epochs; t++) context.loss(x, t);
      return { x: [...x], epochs };
    },
  });

  test('counts epochs, keys the noise by (seed, k, t) and stops at the budget', async () => {
    const run = await runMultifidelity(fake(), { seed: 4, budget: 500 });
    let cum = 0;
    for (const [k, h] of run.history.entries()) {
      const epochs = k % 2 === 1 ? 81 : (k % 7) + 1;
      cum += epochs;
      expect(h).toMatchObject({ trial: k, epochs, cum_epochs: cum, state: epochs === 81 ? 'COMPLETE' : 'PRUNED' });
      expect(h.last_value).toBe(learningCurveLoss(h.x, epochs, 4, k));
    }
    expect(run.total_epochs).toBeGreaterThanOrEqual(500);
    expect(run.history.at(-2)?.cum_epochs).toBeLessThan(500);
    expect(run.n_complete).toBe(run.history.filter((h) => h.trial % 2 === 1).length);
  });

  test('refuses epochs out of order and a miscounted trial', async () => {
    const skip: MultifidelityMethod = { sampler: 's', pruner: 'p', runTrial: async (c) => (c.loss(BAD, 2), { x: BAD, epochs: 2 }) };
    await expect(runMultifidelity(skip, { seed: 0 })).rejects.toThrow(/epoch 2 after epoch 0/);
    const lie: MultifidelityMethod = { sampler: 's', pruner: 'p', runTrial: async (c) => (c.loss(BAD, 1), { x: BAD, epochs: 81 }) };
    await expect(runMultifidelity(lie, { seed: 0 })).rejects.toThrow(/says 81 epochs but evaluated 1/);
  });
});

describe("Scriba's methods", () => {
  test('names and Optuna counterparts', () => {
    expect(SCRIBA_METHODS).toEqual([
      'scriba_random_none', 'scriba_random_medianstop', 'scriba_random_asha',
      'scriba_tpe_none', 'scriba_tpe_medianstop', 'scriba_tpe_asha', 'scriba_hyperband',
    ]);
    expect(optunaMethodsFor(SCRIBA_METHODS, true)).toEqual(OPTUNA_MF_METHODS);
    expect(optunaMethodsFor(['scriba_tpe_asha', 'scriba_hyperband'], false)).toEqual(['random_hyperband', 'tpe_sha']);
  });

  test.each(['scriba_random_none', 'scriba_tpe_none'])('%s runs through the Study API: every trial 81 epochs', async (name) => {
    const run = await runMultifidelity(scribaMethod(name, 1), { seed: 1, budget: 810 });
    expect(run.n_trials).toBe(10);
    expect(run.n_complete).toBe(10);
    expect(run.total_epochs).toBe(810);
    expect(new Set(run.history.map((h) => h.x.join())).size).toBe(10);
    // Same seed, same run.
    const again = await runMultifidelity(scribaMethod(name, 1), { seed: 1, budget: 810 });
    expect(again.history).toEqual(run.history);
  });

  test.each(['scriba_random_medianstop', 'scriba_tpe_medianstop', 'scriba_random_asha', 'scriba_tpe_asha'])('%s: early stopping ends trials before 81 epochs, and they are paid as run', async (name) => {
    const run = await runMultifidelity(scribaMethod(name, 2), { seed: 2, budget: 2000 });
    const pruned = run.history.filter((h) => h.state === 'PRUNED');
    expect(pruned.length).toBeGreaterThan(0);
    expect(pruned.every((h) => h.epochs >= 1 && h.epochs < 81)).toBe(true);
    expect(run.total_epochs).toBe(run.history.reduce((s, h) => s + h.epochs, 0));
  });
});
