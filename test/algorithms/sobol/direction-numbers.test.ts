import { describe, expect, test } from 'vitest';
import {
  directionIntegers,
  directionNumbers,
  directionsOf,
  primitiveRow,
  SOBOL_MAX_DIMENSIONS,
} from '../../../algorithms/sobol/direction-numbers.js';

/*
 * Rows of new-joe-kuo-6.21201 (Joe & Kuo 2008, https://web.maths.unsw.edu.au/~fkuo/sobol/),
 * copied from the published file: d, s, a, m_1..m_s. The same rows appear in the table
 * scipy 1.17.1 ships (scipy/stats/_sobol_direction_numbers.npz, read with numpy 2.4.6).
 */
const PUBLISHED: Array<[number, number, number, number[]]> = [
  [2, 1, 0, [1]],
  [3, 2, 1, [1, 3]],
  [4, 3, 1, [1, 3, 1]],
  [5, 3, 2, [1, 1, 1]],
  [6, 4, 1, [1, 1, 3, 3]],
  [7, 4, 4, [1, 3, 5, 13]],
  [8, 5, 2, [1, 1, 5, 5, 17]],
  [9, 5, 4, [1, 1, 5, 5, 5]],
  [10, 5, 7, [1, 1, 7, 11, 19]],
  [14, 6, 1, [1, 3, 3, 9, 7, 49]],
  [100, 9, 244, [1, 1, 5, 5, 11, 5, 45, 117, 217]],
  [221, 11, 362, [1, 1, 1, 15, 21, 63, 85, 99, 49, 749, 1335]],
  [1111, 13, 4094, [1, 1, 5, 15, 19, 1, 7, 211, 157, 603, 403, 1387, 1583]],
];

describe("Joe & Kuo's table", () => {
  test('covers dimensions 1 to 1111', () => {
    expect(SOBOL_MAX_DIMENSIONS).toBe(1111);
    expect(() => directionNumbers(SOBOL_MAX_DIMENSIONS)).not.toThrow();
    expect(() => directionNumbers(SOBOL_MAX_DIMENSIONS + 1)).toThrow(/outside 1\.\.1111/);
    expect(() => directionNumbers(0)).toThrow(RangeError);
    expect(() => directionNumbers(1.5)).toThrow(RangeError);
  });

  test.each(PUBLISHED)('dimension %i: degree %i, a = %i, m = %j', (d, s, a, m) => {
    expect(primitiveRow(d)).toEqual({ dimension: d, degree: s, coefficients: a, initial: m });
    // The words start with the listed m_k.
    expect(directionIntegers(directionNumbers(d)).slice(0, s)).toEqual(m);
  });

  test('every line lists its own dimension, s initial numbers, and a polynomial of degree s', () => {
    for (let d = 2; d <= SOBOL_MAX_DIMENSIONS; d++) {
      const row = primitiveRow(d);
      expect(row.dimension).toBe(d);
      expect(row.initial).toHaveLength(row.degree);
      expect(row.coefficients).toBeLessThan(2 ** (row.degree - 1) || 1);
    }
  });

  test('every m_k, listed or from the recurrence, is odd and below 2^k (Sobol 1967)', () => {
    for (let d = 1; d <= SOBOL_MAX_DIMENSIONS; d++) {
      directionIntegers(directionNumbers(d)).forEach((m, i) => {
        if (m % 2 !== 1 || m >= 2 ** (i + 1)) throw new Error(`dimension ${d}: m_${i + 1} = ${m}`);
      });
    }
  });
});

describe('the recurrence for m_k', () => {
  test("Bratley & Fox's (1988) example: x^3 + x + 1 with m = 1, 3, 7 continues 5, 7, 43", () => {
    // By hand, m_k = 4 m_(k-2) ⊕ 8 m_(k-3) ⊕ m_(k-3) (a_1 = 0, a_2 = 1):
    //   m_4 = 12 ⊕ 8 ⊕ 1 = 5;  m_5 = 28 ⊕ 24 ⊕ 3 = 7;  m_6 = 20 ⊕ 56 ⊕ 7 = 43.
    const m = directionIntegers(directionsOf({ degree: 3, coefficients: 0b01, initial: [1, 3, 7] }));
    expect(m.slice(0, 6)).toEqual([1, 3, 7, 5, 7, 43]);
  });

  test('dimension 3 (x^2 + x + 1, m = 1, 3) continues 3, 9, 29', () => {
    // m_k = 2 m_(k-1) ⊕ 4 m_(k-2) ⊕ m_(k-2):
    //   m_3 = 6 ⊕ 4 ⊕ 1 = 3;  m_4 = 6 ⊕ 12 ⊕ 3 = 9;  m_5 = 18 ⊕ 12 ⊕ 3 = 29.
    expect(directionIntegers(directionNumbers(3)).slice(0, 5)).toEqual([1, 3, 3, 9, 29]);
  });

  test('dimension 1 is the van der Corput sequence: every m_k is 1', () => {
    expect(directionIntegers(directionNumbers(1))).toEqual(Array.from({ length: 32 }, () => 1));
    expect(directionNumbers(1)[0]).toBe(2 ** 31);
    expect(directionNumbers(1)[31]).toBe(1);
  });

  test('dimension 2 (x + 1) gives m_k = 2 m_(k-1) ⊕ m_(k-1): 1, 3, 5, 15, 17, 51', () => {
    expect(directionIntegers(directionNumbers(2)).slice(0, 6)).toEqual([1, 3, 5, 15, 17, 51]);
  });
});
