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
 * Different parts give independent streams; equal parts give equal streams.
 */
export function createRng(...parts: Array<string | number>): Rng {
  const source = seedrandom.alea(parts.map(String).join('\u0001'));
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
