import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  lowestZeroBit,
  plainSobol,
  SOBOL_LENGTH,
  sobolPoints,
  sobolWord,
} from '../../../algorithms/sobol/sequence.js';
import { directionNumbers } from '../../../algorithms/sobol/direction-numbers.js';
import { isNet, isStratified } from './nets.js';

/*
 * The first 16 unscrambled points in dimensions 1..8, computed with scipy 1.17.1:
 * scipy.stats.qmc.Sobol(d=8, scramble=False, bits=32).random(16). scipy uses the same
 * new-joe-kuo-6.21201 table and Gray-code order; its point 0 is the origin. Every value is
 * a dyadic rational with at most 4 binary digits, so equality is exact.
 */
const SCIPY_FIRST_16 = [
  [0, 0, 0, 0, 0, 0, 0, 0],
  [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
  [0.75, 0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.75],
  [0.25, 0.75, 0.75, 0.75, 0.25, 0.25, 0.75, 0.25],
  [0.375, 0.375, 0.625, 0.875, 0.375, 0.125, 0.375, 0.875],
  [0.875, 0.875, 0.125, 0.375, 0.875, 0.625, 0.875, 0.375],
  [0.625, 0.125, 0.875, 0.625, 0.625, 0.875, 0.125, 0.125],
  [0.125, 0.625, 0.375, 0.125, 0.125, 0.375, 0.625, 0.625],
  [0.1875, 0.3125, 0.9375, 0.4375, 0.5625, 0.3125, 0.4375, 0.9375],
  [0.6875, 0.8125, 0.4375, 0.9375, 0.0625, 0.8125, 0.9375, 0.4375],
  [0.9375, 0.0625, 0.6875, 0.1875, 0.3125, 0.5625, 0.1875, 0.1875],
  [0.4375, 0.5625, 0.1875, 0.6875, 0.8125, 0.0625, 0.6875, 0.6875],
  [0.3125, 0.1875, 0.3125, 0.5625, 0.9375, 0.4375, 0.0625, 0.0625],
  [0.8125, 0.6875, 0.8125, 0.0625, 0.4375, 0.9375, 0.5625, 0.5625],
  [0.5625, 0.4375, 0.0625, 0.8125, 0.1875, 0.6875, 0.3125, 0.8125],
  [0.0625, 0.9375, 0.5625, 0.3125, 0.6875, 0.1875, 0.8125, 0.3125],
];

/** First 8 points in far dimensions: scipy 1.17.1, Sobol(d=1111, scramble=False, bits=32).random(8). */
const SCIPY_FAR: Array<[number, number[]]> = [
  [100, [0, 0.5, 0.75, 0.25, 0.875, 0.375, 0.125, 0.625]],
  [500, [0, 0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375]],
  [1110, [0, 0.5, 0.25, 0.75, 0.875, 0.375, 0.625, 0.125]],
  [1111, [0, 0.5, 0.75, 0.25, 0.875, 0.375, 0.125, 0.625]],
];

/**
 * Words (coordinate · 2^32) of points deep in the sequence: scipy 1.17.1,
 * Sobol(d=1111, scramble=False, bits=32) after fast_forward(k), random(1) · 2^32.
 */
const SCIPY_DEEP: Array<[number, Record<number, number>]> = [
  [1000, { 1: 943718400, 2: 415236096, 3: 2227175424, 10: 297795584, 100: 801112064, 1111: 1589641216 }],
  [2 ** 20 + 12345, { 1: 2752780288, 2: 2822535168, 3: 2230614016, 10: 3996874752, 100: 1241765888, 1111: 618313728 }],
];

describe('unscrambled Sobol points against published values', () => {
  test('the first 16 points in dimensions 1..8 equal scipy 1.17.1', () => {
    expect(sobolPoints(plainSobol(8), 0, 16)).toEqual(SCIPY_FIRST_16);
  });

  test('dimension 1 is van der Corput in Gray-code order (by hand: point k = g(k) bit-reversed)', () => {
    // g(0..7) = 0, 1, 3, 2, 6, 7, 5, 4; reversing 3 bits: 0, .5, .75, .25, .375, .875, .625, .125.
    const column = sobolPoints(plainSobol(1), 0, 8).map((p) => p[0]);
    expect(column).toEqual([0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125]);
  });

  test.each(SCIPY_FAR)('dimension %i: the first 8 points equal scipy 1.17.1', (dimension, expected) => {
    const v = directionNumbers(dimension);
    expect(expected.map((_, k) => sobolWord(v, k) / SOBOL_LENGTH)).toEqual(expected);
  });

  test.each(SCIPY_DEEP)('point %i equals scipy 1.17.1 word for word', (k, words) => {
    for (const [dimension, word] of Object.entries(words)) {
      expect(sobolWord(directionNumbers(Number(dimension)), k), `dimension ${dimension}`).toBe(word);
    }
  });

  test('the last point of the sequence is reachable; one past it is refused', () => {
    const last = sobolPoints(plainSobol(2), SOBOL_LENGTH - 1, 1)[0]!;
    expect(last.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(() => sobolPoints(plainSobol(2), SOBOL_LENGTH - 1, 2)).toThrow(RangeError);
    expect(() => sobolPoints(plainSobol(2), -1, 1)).toThrow(RangeError);
  });
});

describe('Gray-code stepping', () => {
  test('lowestZeroBit: 0 → 0, 1 → 1, 0b0111 → 3, 0b1011 → 2, 2^31 - 1 → 31', () => {
    expect([0, 1, 0b0111, 0b1011, 2 ** 31 - 1].map(lowestZeroBit)).toEqual([0, 1, 3, 2, 31]);
  });

  test('points built step by step equal points built each from its own Gray code', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: SOBOL_LENGTH - 200 })),
        fc.integer({ min: 1, max: 100 }),
        (dimensions, start, count) => {
          const sequence = plainSobol(dimensions);
          const stepped = sobolPoints(sequence, start, count);
          const direct = Array.from({ length: count }, (_, i) => sobolPoints(sequence, start + i, 1)[0]);
          expect(stepped).toEqual(direct);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('net properties of the unscrambled sequence (Sobol 1967; Joe & Kuo 2008)', () => {
  test('every block of 2^m points is stratified in each of the first 64 dimensions, m ≤ 10', () => {
    const points = sobolPoints(plainSobol(64), 0, 2 ** 11);
    for (let m = 0; m <= 10; m++) {
      for (const q of [0, 1]) {
        const block = points.slice(q * 2 ** m, (q + 1) * 2 ** m);
        for (let j = 0; j < 64; j++) expect(isStratified(block, j, m), `m=${m} block ${q} dimension ${j + 1}`).toBe(true);
      }
    }
  });

  test('the first 2^m points of dimensions 1 and 2 are a (0,m,2)-net, m ≤ 10', () => {
    const points = sobolPoints(plainSobol(2), 0, 2 ** 10);
    for (let m = 0; m <= 10; m++) expect(isNet(points.slice(0, 2 ** m), 0, 1, m), `m=${m}`).toBe(true);
  });

  test('the checks can fail: a coordinate paired with itself is no (0,2,2)-net', () => {
    const diagonal = sobolPoints(plainSobol(1), 0, 4).map((p) => [p[0]!, p[0]!]);
    expect(isStratified(diagonal, 0, 2)).toBe(true);
    expect(isNet(diagonal, 0, 1, 2)).toBe(false);
    // Dropping a point breaks stratification.
    expect(isStratified(sobolPoints(plainSobol(1), 1, 4), 0, 2)).toBe(false);
  });
});
