import { NEW_JOE_KUO_6 } from './new-joe-kuo-6.js';

/**
 * Direction numbers of the Sobol' sequence in 32-bit words. Digit k of a coordinate (the
 * coefficient of 2^-k) is bit 32 - k of its word, so v_k = m_k · 2^(32-k) and a point's
 * word read as x / 2^32 is its coordinate (as in Bratley & Fox 1988, Algorithm 659).
 */

/** Binary digits carried per coordinate: the sequence has 2^32 points. */
export const SOBOL_BITS = 32;

/** One row of Joe & Kuo's table: the primitive polynomial of degree s and the initial m_1..m_s. */
export interface PrimitiveRow {
  dimension: number;
  degree: number;
  /** Inner coefficients a_1 … a_(s-1) of the polynomial as bits, a_1 the most significant. */
  coefficients: number;
  initial: readonly number[];
}

const TABLE_LINES = NEW_JOE_KUO_6.trim().split('\n');

/** Dimensions the table covers: dimension 1 (all m_k = 1) and one line for each further one. */
export const SOBOL_MAX_DIMENSIONS = TABLE_LINES.length + 1;

/** The table's line for a dimension from 2 to SOBOL_MAX_DIMENSIONS (line d - 2 lists dimension d). */
export function primitiveRow(dimension: number): PrimitiveRow {
  const line = TABLE_LINES[dimension - 2];
  if (dimension < 2 || line === undefined) throw new RangeError(`Joe & Kuo's table has no line for dimension ${dimension}`);
  const [d, s, a, ...m] = line.split(' ').map(Number) as [number, number, number, ...number[]];
  return { dimension: d, degree: s, coefficients: a, initial: m };
}

/** Parsed dimensions; the table is constant, so caching it changes no answer. */
const cache = new Map<number, Uint32Array>();

/**
 * v_1 … v_32 of a dimension (1-based), from its line of the table. Dimension 1 has no
 * polynomial: v_k = 2^(32-k), the van der Corput sequence. The array is shared by every
 * caller: read it, never write it.
 */
export function directionNumbers(dimension: number): Uint32Array {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > SOBOL_MAX_DIMENSIONS) {
    throw new RangeError(`Sobol' dimension ${dimension} is outside 1..${SOBOL_MAX_DIMENSIONS}`);
  }
  let v = cache.get(dimension);
  if (!v) {
    v = dimension === 1 ? Uint32Array.from({ length: SOBOL_BITS }, (_, i) => 2 ** (SOBOL_BITS - 1 - i)) : directionsOf(primitiveRow(dimension));
    cache.set(dimension, v);
  }
  return v;
}

/**
 * v_1 … v_32 of a primitive polynomial and its initial m_1 … m_s. Beyond the degree s,
 * Sobol's recurrence on the m_k (Bratley & Fox 1988; Joe & Kuo, "Notes on generating
 * Sobol' sequences", 2008),
 *   m_k = 2 a_1 m_(k-1) ⊕ 4 a_2 m_(k-2) ⊕ … ⊕ 2^(s-1) a_(s-1) m_(k-s+1) ⊕ 2^s m_(k-s) ⊕ m_(k-s),
 * becomes on words v_k = m_k 2^(32-k), where each factor 2^i cancels a shift of the word:
 *   v_k = a_1 v_(k-1) ⊕ … ⊕ a_(s-1) v_(k-s+1) ⊕ v_(k-s) ⊕ (v_(k-s) >> s).
 */
export function directionsOf(row: Pick<PrimitiveRow, 'degree' | 'coefficients' | 'initial'>): Uint32Array {
  const { degree: s, coefficients: a, initial } = row;
  const v = new Uint32Array(SOBOL_BITS);
  for (let k = 1; k <= Math.min(s, SOBOL_BITS); k++) v[k - 1] = (initial[k - 1] as number) * 2 ** (SOBOL_BITS - k);
  for (let k = s + 1; k <= SOBOL_BITS; k++) {
    const back = v[k - s - 1] as number;
    let word = back ^ (back >>> s);
    for (let i = 1; i < s; i++) {
      if ((a >>> (s - 1 - i)) & 1) word ^= v[k - i - 1] as number;
    }
    v[k - 1] = word >>> 0;
  }
  return v;
}

/** The integers m_k = v_k / 2^(32-k) (k = 1 … 32) that 32 direction words encode. */
export function directionIntegers(words: Uint32Array): number[] {
  return Array.from(words, (word, i) => word >>> (SOBOL_BITS - 1 - i));
}
