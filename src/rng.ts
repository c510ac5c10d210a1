import { createHash } from 'node:crypto';
import seedrandom from 'seedrandom';

/**
 * The one source of randomness in Scriba. Every draw in an algorithm comes from an Rng
 * built here from explicit seed parts, so the same seed, space and history give the
 * same suggestions on any machine.
 */
export interface Rng {
  /** Uniform on [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal draw (Box–Muller). */
  normal(): number;
  /** A uint32, for deriving seeds of sub-generators. */
  uint32(): number;
}

/**
 * A generator seeded by the given parts, e.g. `createRng(seed, 'random', trialIndex)`.
 * Equal parts give equal streams; any two distinct part lists give independent streams
 * from their first draw.
 *
 * The parts are hashed (SHA-256 of their JSON, so `1` and `'1'`, or `(1, 23)` and
 * `(12, 3)`, differ) into Alea's whole state: s0, s1, s2 and the carry c. Seeding Alea
 * through its own string hash instead makes the first draws of seeds that differ in
 * their last characters nearly a progression (random search's values stepped by a few
 * constants from one trial to the next).
 */
export function createRng(...parts: Array<string | number>): Rng {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  const word = (i: number) => digest.readUInt32LE(4 * i);
  const source = seedrandom.alea('', {
    state: {
      s0: word(0) * 2 ** -32,
      s1: word(1) * 2 ** -32,
      s2: word(2) * 2 ** -32,
      // Alea's carry lies in [0, 2091639) (its multiplier); 0 with s = 0 would be a fixed point
      c: 1 + (word(3) % 2091638),
    },
  });
  return {
    next: () => source(),
    int: (n) => Math.min(n - 1, Math.floor(source() * n)),
    normal: () => {
      // Box–Muller; 1 - u keeps the logarithm's argument in (0, 1].
      const u = 1 - source();
      const v = source();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    uint32: () => source.int32() >>> 0,
  };
}

/** A fresh seed for callers that gave none; recorded in results so runs can be repeated. */
export function freshSeed(): number {
  const bytes = new Uint32Array(1);
  globalThis.crypto.getRandomValues(bytes);
  return (bytes[0] ?? 0) % 2 ** 31;
}
