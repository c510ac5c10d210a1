import type { Rng } from '../../src/rng.js';

/**
 * A random Latin hypercube of `count` points in [0, 1]^d (McKay, Beckman & Conover 1979):
 * every coordinate puts exactly one point in each of the `count` equal strata, at a
 * uniform position inside it, so every one-dimensional projection is evenly covered.
 * Row-major count×d.
 */
export function latinHypercube(count: number, d: number, rng: Rng): Float64Array {
  const out = new Float64Array(count * d);
  const order = new Int32Array(count);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < count; i++) order[i] = i;
    // Fisher–Yates shuffle of the strata.
    for (let i = count - 1; i > 0; i--) {
      const k = rng.int(i + 1);
      const t = order[i] as number;
      order[i] = order[k] as number;
      order[k] = t;
    }
    for (let i = 0; i < count; i++) out[i * d + j] = ((order[i] as number) + rng.next()) / count;
  }
  return out;
}

/** The smallest squared distance between two rows of a count×d design. */
export function smallestSquaredDistance(design: Float64Array, count: number, d: number): number {
  let smallest = Infinity;
  for (let a = 1; a < count; a++) {
    for (let b = 0; b < a; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += ((design[a * d + j] as number) - (design[b * d + j] as number)) ** 2;
      if (s < smallest) smallest = s;
    }
  }
  return smallest;
}

/**
 * The best of `tries` random Latin hypercubes by the maximin criterion (Morris & Mitchell
 * 1995): the one whose closest pair is farthest apart, which avoids the near-duplicate
 * points a single random hypercube often has.
 */
export function maximinLatinHypercube(count: number, d: number, rng: Rng, tries = 20): Float64Array {
  let best = latinHypercube(count, d, rng);
  let bestDistance = smallestSquaredDistance(best, count, d);
  for (let t = 1; t < tries; t++) {
    const design = latinHypercube(count, d, rng);
    const distance = smallestSquaredDistance(design, count, d);
    if (distance > bestDistance) {
      best = design;
      bestDistance = distance;
    }
  }
  return best;
}
