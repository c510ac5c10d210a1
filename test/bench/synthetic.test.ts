import { describe, expect, test } from 'vitest';
import { getFunction } from '../../bench/functions/index.js';
import { measureLatency } from '../../bench/latency.js';
import { regretCurve } from '../../bench/protocol.js';
import { benchParameters, refusal, runSynthetic } from '../../bench/synthetic.js';

describe('protocol runs through the Study API', () => {
  test('a run records N evaluations, the regret curve of §3 and timings; the same seed repeats it', async () => {
    const a = await runSynthetic({ algorithm: 'random', function: 'branin', seed: 3, budget: 25 });
    const b = await runSynthetic({ algorithm: 'random', function: 'branin', seed: 3, budget: 25 });
    const c = await runSynthetic({ algorithm: 'random', function: 'branin', seed: 4, budget: 25 });
    expect(a.y).toHaveLength(25);
    expect(b.y).toEqual(a.y);
    expect(c.y).not.toEqual(a.y);
    expect(a.regret).toEqual(regretCurve(a.y, 0.397887357729738));
    expect(a.ask_s.every((s) => s >= 0)).toBe(true);
    expect(a).toMatchObject({ function: 'branin', dim: 2, sampler: 'scriba_random', budget: 25 });
    const fn = getFunction('branin');
    expect(fn.f(a.best_x!)).toBe(Math.min(...a.y));
  });

  test('the protocol budget is 100 for d <= 3 and 200 above', async () => {
    expect((await runSynthetic({ algorithm: 'random', function: 'hartmann3', seed: 0 })).y).toHaveLength(100);
    expect((await runSynthetic({ algorithm: 'random', function: 'levy5', seed: 0 })).y).toHaveLength(200);
  });

  test('grid gets the coarsest grid with at least N points', () => {
    const p = benchParameters(getFunction('hartmann6'), 'grid', 200); // 3^6 = 729 >= 200 > 2^6
    expect(p.x0?.feasibleSpace).toEqual({ min: '0', max: '1', step: '0.5' });
  });

  test('refusal: why an algorithm cannot take a space, in the Study validation’s words; undefined when it can', () => {
    // mixed_categorical has one double and a numeric list: cmaes needs two int/double parameters.
    expect(refusal('cmaes', 'mixed_categorical')).toMatch(/CMA-ES only supports two or more dimensional continuous search space/);
    expect(refusal('cmaes', 'mixed_categorical')).not.toMatch(/\n/);
    expect(refusal('tpe', 'mixed_categorical')).toBeUndefined();
    expect(refusal('cmaes', 'branin')).toBeUndefined();
  });

  test('latency: n prefilled trials, then timed asks', async () => {
    const entry = await measureLatency('random', 50, 4);
    expect(entry).toMatchObject({ sampler: 'scriba_random', n_trials: 50 });
    expect(entry.ask_s).toHaveLength(4);
    expect(entry.median_ask_s).toBeGreaterThan(0);
  });
});
