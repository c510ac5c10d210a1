import type { Rng } from '../../src/rng.js';
import { directionNumbers, SOBOL_BITS } from './direction-numbers.js';
import { randomScramble, scrambleDirections } from './scramble.js';

/**
 * The Sobol' sequence in Gray-code order (Antonov & Saleev 1979): point k of a dimension
 * is the XOR of v_(c+1) over the set bits c of the Gray code g(k) = k ⊕ (k >> 1). Since
 * g(k) and g(k+1) differ in one bit, the bit of the lowest zero of k, consecutive points
 * differ by one XOR (Bratley & Fox 1988). The first 2^m points are the same set as in
 * Sobol's natural order, so the net properties hold for every prefix of length 2^m.
 */
export interface SobolSequence {
  /** Per dimension, the direction numbers (scrambled by L, or plain). */
  directions: readonly Uint32Array[];
  /** Per dimension, the digital shift XORed onto every point (0 when unscrambled). */
  shifts: readonly number[];
}

/** Points in the sequence: indices 0 … 2^32 - 1. */
export const SOBOL_LENGTH = 2 ** SOBOL_BITS;

/** The unscrambled sequence in the first `dimensions` dimensions (point 0 is the origin). */
export function plainSobol(dimensions: number): SobolSequence {
  const directions = Array.from({ length: dimensions }, (_, j) => directionNumbers(j + 1));
  return { directions, shifts: directions.map(() => 0) };
}

/**
 * The sequence with an independent linear matrix scramble and digital shift in each
 * dimension (scramble.ts), dimension j (1-based) drawn from `rngFor(j)`: a dimension's
 * scramble does not depend on how many dimensions there are.
 */
export function scrambledSobol(dimensions: number, rngFor: (dimension: number) => Rng): SobolSequence {
  const directions: Uint32Array[] = [];
  const shifts: number[] = [];
  for (let j = 1; j <= dimensions; j++) {
    const { rows, shift } = randomScramble(rngFor(j));
    directions.push(scrambleDirections(rows, directionNumbers(j)));
    shifts.push(shift);
  }
  return { directions, shifts };
}

/** The word of point k in one dimension, before the shift: ⊕ of v_(c+1) over the bits c of g(k). */
export function sobolWord(directions: Uint32Array, k: number): number {
  let gray = (k ^ (k >>> 1)) >>> 0;
  let word = 0;
  for (let c = 0; gray !== 0; c++, gray >>>= 1) {
    if (gray & 1) word ^= directions[c] as number;
  }
  return word >>> 0;
}

/** Index (0-based) of the lowest zero bit of k: the Gray-code bit that flips from k to k + 1. */
export function lowestZeroBit(k: number): number {
  let c = 0;
  for (let x = k >>> 0; x & 1; x >>>= 1) c++;
  return c;
}

/**
 * Points start … start + count - 1 as coordinates in [0, 1): word / 2^32 per dimension.
 * The first is built from its Gray code, each further one from its predecessor by one XOR.
 */
export function sobolPoints(sequence: SobolSequence, start: number, count: number): number[][] {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > SOBOL_LENGTH) {
    throw new RangeError(`Sobol' points ${start}..${start + count - 1} are outside the sequence's 2^${SOBOL_BITS} points`);
  }
  const { directions, shifts } = sequence;
  const words = directions.map((v) => sobolWord(v, start));
  const points: number[][] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) {
      const c = lowestZeroBit(start + i - 1);
      directions.forEach((v, j) => {
        words[j] = ((words[j] as number) ^ (v[c] as number)) >>> 0;
      });
    }
    points.push(words.map((w, j) => ((w ^ (shifts[j] as number)) >>> 0) / SOBOL_LENGTH));
  }
  return points;
}
