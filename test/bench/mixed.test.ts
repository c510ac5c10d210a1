import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { getMixedFunction, MIXED_FUNCTIONS, mixedFunctionNames, tableEntry, type MixedPoint } from '../../bench/functions/mixed.js';
import { runSynthetic } from '../../bench/synthetic.js';
import { validateSynthetic } from '../../bench/schema.js';

const root = join(import.meta.dirname, '..', '..');
const golden = JSON.parse(readFileSync(join(root, 'bench', 'golden-mixed.json'), 'utf8')) as {
  f_star: Record<string, number>;
  values: Array<{ function: string; point: string; x: MixedPoint; f: number }>;
};

/** A random point of a mixed space, on its grid where it has one. */
const pointOf = (name: string): fc.Arbitrary<MixedPoint> => {
  const fn = getMixedFunction(name)!;
  return fc.record(
    Object.fromEntries(
      fn.space.map((p): [string, fc.Arbitrary<number | string>] => {
        if (p.type === 'categorical' || p.type === 'discrete') return [p.name, fc.constantFrom<number | string>(...p.values)];
        if (p.type === 'int') return [p.name, fc.integer({ min: 0, max: Math.floor((p.max - p.min) / (p.step ?? 1)) }).map((k) => p.min + k * (p.step ?? 1))];
        if (p.step !== undefined) return [p.name, fc.integer({ min: 0, max: Math.round((p.max - p.min) / p.step) }).map((k) => p.min + k * p.step!)];
        if (p.log) return [p.name, fc.double({ min: Math.log(p.min), max: Math.log(p.max), noNaN: true }).map(Math.exp)];
        return [p.name, fc.double({ min: p.min, max: p.max, noNaN: true })];
      }),
    ),
  );
};

describe('mixed-type spaces (bench/functions/mixed.ts)', () => {
  test('four spaces that together have log-scale doubles and integers, steps, numeric lists and string categoricals', () => {
    expect(mixedFunctionNames()).toEqual(['mixed_mlp', 'mixed_steps', 'mixed_categorical', 'mixed_log']);
    const kinds = new Set(MIXED_FUNCTIONS.flatMap((fn) => fn.space.map((p) => (('log' in p && p.log) ? `log ${p.type}` : 'step' in p && p.step !== undefined ? `stepped ${p.type}` : p.type))));
    for (const kind of ['log double', 'log int', 'stepped double', 'stepped int', 'int', 'double', 'discrete', 'categorical']) expect(kinds).toContain(kind);
  });

  test.each(golden.values)('$function at the $point point: the golden value of the Python implementation (1e-12 relative)', (row) => {
    const got = getMixedFunction(row.function)!.f(row.x);
    expect(Math.abs(got - row.f)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(row.f)));
  });

  test('f(x*) = f* and both sides agree on f*', () => {
    for (const fn of MIXED_FUNCTIONS) {
      expect(fn.f(fn.xStar)).toBeCloseTo(fn.fStar, 12);
      expect(fn.fStar).toBeCloseTo(golden.f_star[fn.name]!, 12);
    }
  });

  test('no point of a space lies below its f* (f* is the minimum)', () => {
    for (const name of mixedFunctionNames()) {
      const fn = getMixedFunction(name)!;
      fc.assert(fc.property(pointOf(name), (x) => fn.f(x) >= fn.fStar - 1e-12), { numRuns: 2000 });
    }
  });

  test('mixed_categorical: f* is the least of the 3,600 combinations (checked by a second enumeration)', () => {
    const fn = getMixedFunction('mixed_categorical')!;
    const counts = [3, 4, 5, 3, 4, 5];
    let least = Infinity;
    for (let k = 0; k < 3600; k++) {
      let rest = k;
      const x: Record<string, number | string> = { w: 2 };
      counts.forEach((c, i) => {
        x[`c${i}`] = String.fromCharCode(97 + (rest % c));
        rest = Math.floor(rest / c);
      });
      x.y = 0.2 + 0.3 * ((x.c0 as string).charCodeAt(0) - 97);
      least = Math.min(least, fn.f(x));
    }
    expect(least).toBe(fn.fStar);
  });

  test('tableEntry is a fixed integer recipe in [0, 1): hand-computed values', () => {
    // h = (0·31 + 0 + 7) = 7 → 7·7919 = 55433 → 433 / 1000.
    expect(tableEntry(0)).toBe(0.433);
    // h = 7·31 + 1 + 7 = 225 → 225·7919 = 1781775 → 775 / 1000.
    expect(tableEntry(0, 1)).toBe(0.775);
  });

  test('a missing parameter is refused, naming it', () => {
    expect(() => getMixedFunction('mixed_log')!.f({ C: 1, kernel: 'rbf' })).toThrow(/gamma, n_estimators, tol/);
  });
});

describe('runSynthetic on a mixed space', () => {
  test.each(['random', 'tpe', 'multivariate-tpe', 'cmaes', 'grid', 'sobol'])('%s: a valid run of the budget, values from the space, best_params at the best y', async (algorithm) => {
    const run = await runSynthetic({ algorithm, function: 'mixed_mlp', seed: 3, budget: 25 });
    expect(validateSynthetic({ schema: 'hpo-bench/synthetic/v1', meta: { engine: 'scriba', versions: {}, created: '2026-01-01T00:00:00Z', command: 'x', machine: { cpu: 'c', logical_cpus: 1, mem_gb: 1, os: 'o' }, samplers: {} }, runs: [run] })).toEqual([]);
    expect(run.y.length).toBe(run.truncated ? run.y.length : 25);
    expect(run.best_x).toBeUndefined();
    const fn = getMixedFunction('mixed_mlp')!;
    const best = run.best_params!;
    expect(['sgd', 'momentum', 'adam', 'rmsprop']).toContain(best.optimizer);
    expect([16, 32, 64, 128, 256, 512]).toContain(best.batch);
    expect(Number.isInteger(best.layers)).toBe(true);
    expect(fn.f(best)).toBe(Math.min(...run.y));
    expect(run.regret.at(-1)).toBeCloseTo(Math.min(...run.y) - fn.fStar, 12);
  });
});
