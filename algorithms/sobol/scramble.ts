import type { Rng } from '../../src/rng.js';
import { SOBOL_BITS } from './direction-numbers.js';

/**
 * Linear matrix scrambling with a digital shift (Matoušek 1998, "On the L2-discrepancy for
 * anchored boxes", J. Complexity 14; reviewed by Owen 2003, "Variance with alternative
 * scramblings of digital nets", ACM TOMACS 13): the digits x = (x_1, x_2, …) of a coordinate
 * become
 *   y_i = Σ_{j ≤ i} L_ij x_j + e_i   (mod 2),   L_ii = 1,
 * with L lower triangular and e a random shift. Digit i of y depends only on digits 1..i
 * of x, and for a fixed prefix x_1..x_(i-1) the map x_i ↦ y_i is a bijection, so every
 * elementary interval of a (t,m,s)-net is mapped onto an elementary interval of the same
 * shape: the scrambled points are again a (t,m,s)-net, and each point is uniform on [0,1).
 *
 * Words hold digit i in bit 32 - i (see direction-numbers.ts); row i of L is a word whose
 * set bits are the j with L_ij = 1.
 */
export interface DigitalScramble {
  /** Row i (0-based: output digit i + 1) of the lower-triangular matrix L. */
  rows: Uint32Array;
  /** The digital shift e. */
  shift: number;
}

/** A scramble with the strictly-lower entries of L and the shift e drawn uniformly from rng. */
export function randomScramble(rng: Rng): DigitalScramble {
  const rows = new Uint32Array(SOBOL_BITS);
  for (let i = 0; i < SOBOL_BITS; i++) {
    const diagonal = 2 ** (SOBOL_BITS - 1 - i);
    // Digits 1..i (bits 31 down to 32 - i) are the entries left of the diagonal.
    const left = (2 ** SOBOL_BITS - 2 * diagonal) >>> 0;
    rows[i] = ((rng.uint32() & left) | diagonal) >>> 0;
  }
  return { rows, shift: rng.uint32() };
}

/** Parity of the set bits of a 32-bit word. */
export function parity(word: number): number {
  let x = word >>> 0;
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** L x over GF(2): digit i of the result is the parity of row i AND x. */
export function multiply(rows: Uint32Array, word: number): number {
  let y = 0;
  for (let i = 0; i < SOBOL_BITS; i++) {
    if (parity((rows[i] as number) & word)) y += 2 ** (SOBOL_BITS - 1 - i);
  }
  return y;
}

/** The scramble applied to one word: L x ⊕ e. */
export function scrambleWord(scramble: DigitalScramble, word: number): number {
  return (multiply(scramble.rows, word) ^ scramble.shift) >>> 0;
}

/**
 * Direction numbers L v_1, …, L v_32. L is linear, so L(v_a ⊕ v_b) = L v_a ⊕ L v_b: a point
 * built from the scrambled direction numbers, then shifted by e, is the scrambled point,
 * at the cost of 32 products per dimension instead of one per point.
 */
export function scrambleDirections(rows: Uint32Array, directions: Uint32Array): Uint32Array {
  return directions.map((v) => multiply(rows, v));
}
