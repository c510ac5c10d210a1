import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FUNCTIONS, functionNames, getFunction } from '../../bench/functions/index.js';
import { createRng } from '../../src/rng.js';

// Sources: bench-protocol v1, §2 (table, formulas, notes on the minima) and its
// golden-functions.json, of which bench/golden-functions.json is a byte-for-byte copy.
const root = join(import.meta.dirname, '..', '..');
const goldenPath = join(root, 'bench', 'golden-functions.json');
const sharedGoldenPath = join(root, '..', 'shared', 'bench', 'golden-functions.json');

interface GoldenRow {
  function: string;
  point: string;
  x: number[];
  f: number;
}
const golden = (JSON.parse(readFileSync(goldenPath, 'utf8')) as { values: GoldenRow[] }).values;

/** |a - b| <= tol · max(|b|, 1): relative for large values, absolute near 0 (f* = 0, Ackley's 4.4e-16). */
function close(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol * Math.max(Math.abs(b), 1);
}

/** §2's table: name, d, domain (per coordinate), f*. */
const TABLE: Array<[string, number, Array<[number, number]>, number]> = [
  ['branin', 2, [[-5, 10], [0, 15]], 0.397887357729738],
  ['six_hump_camel', 2, [[-3, 3], [-2, 2]], -1.0316284534898774],
  ['goldstein_price', 2, Array(2).fill([-2, 2]), 3],
  ['hartmann3', 3, Array(3).fill([0, 1]), -3.862779787332663],
  ['hartmann6', 6, Array(6).fill([0, 1]), -3.322368011415515],
  ['rosenbrock5', 5, Array(5).fill([-5, 10]), 0],
  ['rosenbrock10', 10, Array(10).fill([-5, 10]), 0],
  ['ackley5', 5, Array(5).fill([-32.768, 32.768]), 0],
  ['rastrigin5', 5, Array(5).fill([-5.12, 5.12]), 0],
  ['levy5', 5, Array(5).fill([-10, 10]), 0],
  ['styblinski_tang5', 5, Array(5).fill([-5, 5]), -195.83082851885706],
  ['sphere10', 10, Array(10).fill([-5.12, 5.12]), 0],
];

describe('the table of §2', () => {
  test('names in table order', () => {
    expect(functionNames()).toEqual(TABLE.map(([name]) => name));
    expect(FUNCTIONS.map((fn) => fn.name)).toEqual(functionNames());
  });

  test.each(TABLE)('%s: d = %i, domain and f* as in the table', (name, dim, bounds, fStar) => {
    const fn = getFunction(name);
    expect(fn.dim).toBe(dim);
    expect(fn.bounds).toEqual(bounds);
    expect(fn.fStar).toBe(fStar);
  });

  test('f* of branin is 5/(4π) and of styblinski_tang5 is 5 × -39.166165703771413', () => {
    expect(getFunction('branin').fStar).toBeCloseTo(5 / (4 * Math.PI), 14);
    expect(getFunction('styblinski_tang5').fStar).toBe(5 * -39.166165703771413);
  });

  test('minimisers lie in the domain and have the right dimension', () => {
    for (const fn of FUNCTIONS) {
      expect(fn.xStar.length, fn.name).toBeGreaterThan(0);
      for (const x of fn.xStar) {
        expect(x.length, fn.name).toBe(fn.dim);
        x.forEach((xi, i) => {
          const [low, high] = fn.bounds[i] as [number, number];
          expect(xi >= low && xi <= high, `${fn.name} x*[${i}] = ${xi}`).toBe(true);
        });
      }
    }
  });

  test('getFunction names the known functions when asked for an unknown one', () => {
    expect(() => getFunction('himmelblau')).toThrow(/himmelblau/);
    for (const name of functionNames()) expect(() => getFunction('himmelblau')).toThrow(name);
  });

  test('f refuses a point of the wrong dimension', () => {
    expect(() => getFunction('branin').f([1, 2, 3])).toThrow(RangeError);
    expect(() => getFunction('sphere10').f([0, 0])).toThrow(/10 coordinates/);
  });

  test('the entries cannot be changed by a caller', () => {
    const fn = getFunction('branin');
    expect(() => {
      (fn.bounds[0] as [number, number])[0] = 0;
    }).toThrow(TypeError);
    expect(getFunction('branin').bounds[0]).toEqual([-5, 10]);
  });
});

describe('the minima (§2, notes)', () => {
  const cases = FUNCTIONS.flatMap((fn) => fn.xStar.map((x, i) => ({ name: fn.name, i, x })));

  // Tolerance 1e-12 absolute for f* = 0 (Ackley gives 4.4e-16 at the origin), relative otherwise.
  test.each(cases)('$name: f(x*[$i]) = f*', ({ name, x }) => {
    const fn = getFunction(name);
    const fx = fn.f(x);
    expect(close(fx, fn.fStar, 1e-12), `${name}(${x.join(', ')}) = ${fx}, f* = ${fn.fStar}`).toBe(true);
  });

  test('the quoted Hartmann-3 minimiser is not the minimum: it gives -3.8627797869, above f*', () => {
    const fn = getFunction('hartmann3');
    const quoted = fn.f([0.114614, 0.555649, 0.852547]);
    expect(quoted).toBeCloseTo(-3.8627797869, 10);
    expect(quoted).toBeGreaterThan(fn.fStar);
    expect(fn.fStar).toBeGreaterThan(-3.86278214782076 + 2e-6);
  });

  test.each(FUNCTIONS.map((fn) => fn.name))('%s: f >= f* - 1e-9 on 10,000 uniform points of the domain', (name) => {
    const fn = getFunction(name);
    const rng = createRng(20240601, 'bench-functions', name);
    for (let n = 0; n < 10_000; n++) {
      const x = fn.bounds.map(([low, high]) => low + rng.next() * (high - low));
      const fx = fn.f(x);
      if (!(fx >= fn.fStar - 1e-9)) expect.fail(`${name}(${x.join(', ')}) = ${fx} < f* = ${fn.fStar}`);
    }
  });
});

describe('golden values (golden-functions.json, 1e-12 relative)', () => {
  test('three points per function, every function covered', () => {
    expect(golden).toHaveLength(3 * FUNCTIONS.length);
    expect([...new Set(golden.map((row) => row.function))]).toEqual(functionNames());
  });

  test.each(golden)('$function at the $point point', (row) => {
    const fx = getFunction(row.function).f(row.x);
    expect(close(fx, row.f, 1e-12), `${row.function}(${row.x.join(', ')}) = ${fx}, golden ${row.f}`).toBe(true);
  });

  test.skipIf(!existsSync(sharedGoldenPath))('the repository copy equals the protocol file byte for byte', () => {
    expect(readFileSync(goldenPath).equals(readFileSync(sharedGoldenPath))).toBe(true);
  });
});
