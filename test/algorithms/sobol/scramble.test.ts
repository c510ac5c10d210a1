import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { directionNumbers, SOBOL_MAX_DIMENSIONS } from '../../../algorithms/sobol/direction-numbers.js';
import { multiply, parity, randomScramble, scrambleDirections, scrambleWord } from '../../../algorithms/sobol/scramble.js';
import { plainSobol, scrambledSobol, SOBOL_LENGTH, sobolPoints, sobolWord } from '../../../algorithms/sobol/sequence.js';
import { createRng } from '../../../src/rng.js';
import { isNet, isStratified } from './nets.js';

const TOP = 2 ** 31; // digit 1
const word = fc.integer({ min: 0, max: SOBOL_LENGTH - 1 });
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const identity = Uint32Array.from({ length: 32 }, (_, i) => 2 ** (31 - i));
const scrambled = (dimensions: number, s: number) => scrambledSobol(dimensions, (j) => createRng(s, 'sobol-test', j));

describe('GF(2) arithmetic on words', () => {
  test.each([
    [0, 0],
    [1, 1],
    [0b1011, 1],
    [0b1111, 0],
    [0xffffffff, 0],
    [0x80000001, 0],
    [0x80000000, 1],
  ])('parity(%i) = %i', (x, p) => {
    expect(parity(x)).toBe(p);
  });

  test('the identity matrix leaves every word unchanged', () => {
    fc.assert(fc.property(word, (x) => multiply(identity, x) === x));
  });

  test('a hand-worked 2-digit scramble: L = [[1, 0], [1, 1]], e = 0.01 (binary)', () => {
    // x = 0.10: y_1 = x_1 = 1, y_2 = x_1 + x_2 = 1, then ⊕ e: 0.11 ⊕ 0.01 = 0.10.
    // x = 0.01: y = 0.01, ⊕ e = 0.00.   x = 0.11: y = 0.10, ⊕ e = 0.11.
    const rows = Uint32Array.from(identity);
    rows[1] = TOP + TOP / 2;
    const s = { rows, shift: TOP / 2 };
    expect([0.5, 0.25, 0.75, 0].map((x) => scrambleWord(s, x * SOBOL_LENGTH) / SOBOL_LENGTH)).toEqual([0.5, 0, 0.75, 0.25]);
  });
});

describe('random linear matrix scramble (Matoušek 1998)', () => {
  test('L is lower triangular with a unit diagonal, whatever the seed', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const { rows } = randomScramble(createRng(s));
        rows.forEach((row, i) => {
          const diagonal = 2 ** (31 - i);
          expect(Math.floor(row / diagonal) % 2, `row ${i}`).toBe(1); // L_ii = 1
          expect(row % diagonal, `row ${i}`).toBe(0); // nothing right of the diagonal
        });
      }),
      { numRuns: 50 },
    );
  });

  test('the strictly lower entries are random: about half of them are set', () => {
    // 496 entries below the diagonal per matrix, 40 matrices: mean 0.5, sd 0.5/sqrt(19840) ≈ 0.0035.
    let set = 0;
    for (let s = 0; s < 40; s++) {
      const { rows } = randomScramble(createRng(s, 'density'));
      rows.forEach((row, i) => {
        for (let j = 0; j < i; j++) set += Math.floor(row / 2 ** (31 - j)) % 2;
      });
    }
    expect(Math.abs(set / (40 * 496) - 0.5)).toBeLessThan(0.02);
  });

  test('digit i of the result depends only on digits 1..i, and digit i through it bijectively', () => {
    fc.assert(
      fc.property(seed, word, word, (s, x, z) => {
        const scramble = randomScramble(createRng(s));
        // The first digit where x and z differ is the first where their images differ.
        const first = (a: number, b: number) => Math.clz32((a ^ b) >>> 0);
        expect(first(scrambleWord(scramble, x), scrambleWord(scramble, z))).toBe(first(x, z));
      }),
      { numRuns: 200 },
    );
  });

  test('L is linear: scrambling the direction numbers scrambles every point (before the shift)', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 1, max: SOBOL_MAX_DIMENSIONS }), word, (s, dimension, k) => {
        const { rows } = randomScramble(createRng(s));
        const v = directionNumbers(dimension);
        expect(sobolWord(scrambleDirections(rows, v), k)).toBe(multiply(rows, sobolWord(v, k)));
      }),
      { numRuns: 100 },
    );
  });
});

describe('balance of the scrambled sequence', () => {
  test(`the first 2^m points are stratified in every one of the ${SOBOL_MAX_DIMENSIONS} dimensions, m ≤ 10`, () => {
    const points = sobolPoints(scrambled(SOBOL_MAX_DIMENSIONS, 12345), 0, 2 ** 10);
    for (let m = 0; m <= 10; m++) {
      const prefix = points.slice(0, 2 ** m);
      for (let j = 0; j < SOBOL_MAX_DIMENSIONS; j++) {
        if (!isStratified(prefix, j, m)) expect.fail(`m=${m}, dimension ${j + 1}`);
      }
    }
  });

  test('the first 2^m points of dimensions 1 and 2 are a (0,m,2)-net, m ≤ 10, for any seed', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const points = sobolPoints(scrambled(2, s), 0, 2 ** 10);
        for (let m = 0; m <= 10; m++) expect(isNet(points.slice(0, 2 ** m), 0, 1, m), `seed ${s}, m=${m}`).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  test('later blocks of 2^m points are stratified too (points 3·2^8 … 4·2^8 - 1, 40 dimensions)', () => {
    const points = sobolPoints(scrambled(40, 7), 3 * 2 ** 8, 2 ** 8);
    for (let j = 0; j < 40; j++) expect(isStratified(points, j, 8), `dimension ${j + 1}`).toBe(true);
  });

  test('each point is uniform on [0, 1): point 0 over 400 seeds has mean 1/2 and variance 1/12', () => {
    // sd of the mean: sqrt(1/12/400) ≈ 0.0144; of the variance estimate ≈ 0.0037 (4 sd allowed).
    const xs = Array.from({ length: 400 }, (_, s) => sobolPoints(scrambled(1, s), 0, 1)[0]![0]!);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * 0.0144);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(4 * 0.0037);
  });
});

describe('seeding', () => {
  test('the same seed gives the same points; another seed, other points; both differ from the plain sequence', () => {
    const a = sobolPoints(scrambled(5, 3), 0, 32);
    expect(sobolPoints(scrambled(5, 3), 0, 32)).toEqual(a);
    const b = sobolPoints(scrambled(5, 4), 0, 32);
    for (let k = 0; k < 32; k++) expect(b[k]).not.toEqual(a[k]);
    const plain = sobolPoints(plainSobol(5), 0, 32);
    for (let k = 0; k < 32; k++) expect(a[k]).not.toEqual(plain[k]);
  });

  test("a dimension's scramble does not depend on how many dimensions there are", () => {
    const narrow = sobolPoints(scrambled(3, 9), 0, 16);
    const wide = sobolPoints(scrambled(30, 9), 0, 16);
    expect(wide.map((p) => p.slice(0, 3))).toEqual(narrow);
  });
});
