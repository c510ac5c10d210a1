/**
 * The synthetic learning-curve objective "learning-curve v1" of bench-protocol v1,
 * Appendix A (used by the multi-fidelity benchmark of §5). All arithmetic in doubles except
 * the noise key, which is unsigned 64-bit.
 *
 * @example
 *   learningCurveLoss([0.5, 0.5, 0.5, 0.5], 1, 0, 0); // 1.2099068801200019 (A.3)
 */
import { hartmann3 } from './hartmann.js';

/** A.2: epochs t = 1..81. */
export const MAX_EPOCHS = 81;
/** A.2: loss at t = 0. */
export const L0 = 1.25;
/** A.2: standard deviation of the uniform observation noise. */
export const SIGMA = 0.01;
/** A.2: A* = (H3* + 4) / 4 with H3* = -3.862779787332663. */
export const A_STAR = 0.0343050531668343;
/** A.2: the minimiser of the asymptote. */
export const X_STAR: readonly number[] = Object.freeze([0.1145888723, 0.5556488969, 0.8525469839, 1.0]);

const MASK64 = 0xffffffffffffffffn;

/** A.2: splitmix64, all operations modulo 2^64; splitmix64(0n) = 0xE220A8397B1DCDAFn. */
export function splitmix64(key: bigint): bigint {
  let z = (key + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

function checkIndex(name: string, value: number, bits: number): bigint {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new RangeError(`${name} must be an integer in [0, 2^${bits}), got ${value}`);
  }
  return BigInt(value);
}

/**
 * A.2: the noise draw u(s, k, t) in [0, 1) for seed s, trial k (0-based) and epoch t:
 * key = s·2^40 + k·2^20 + t, u = (splitmix64(key) >> 11) / 2^53.
 */
export function noiseU(seed: number, trial: number, epoch: number): number {
  const s = checkIndex('seed', seed, 24);
  const k = checkIndex('trial', trial, 20);
  const t = checkIndex('epoch', epoch, 20);
  const key = (s << 40n) + (k << 20n) + t;
  return Number(splitmix64(key) >> 11n) / 2 ** 53;
}

/** A.1: the search space is x0..x3 ∈ [0, 1]; returns x3. */
function lastCoordinate(x: readonly number[]): number {
  if (x.length !== 4) throw new RangeError(`the learning curve takes 4 coordinates, got ${x.length}`);
  return x[3] as number;
}

/** A.2: A(x) = (H3(x0, x1, x2) + 4) / 4 + 0.1 (1 - x3)^2, the loss after infinitely many epochs. */
export function asymptote(x: readonly number[]): number {
  const x3 = lastCoordinate(x);
  return (hartmann3(x.slice(0, 3)) + 4) / 4 + 0.1 * (1 - x3) ** 2;
}

/** A.2: tau(x) = 1 + 15 x3 epochs; large x3 converges slowly to a better asymptote. */
export function tau(x: readonly number[]): number {
  return 1 + 15 * lastCoordinate(x);
}

/** A.2: the noise-free curve c(x, t) = A(x) + (L0 - A(x)) exp(-t / tau(x)). */
export function curve(x: readonly number[], t: number): number {
  const a = asymptote(x);
  return a + (L0 - a) * Math.exp(-t / tau(x));
}

/**
 * A.2: the reported loss of trial k in the run with seed s after epoch t,
 * c(x, t) + SIGMA √3 (2u - 1): zero-mean uniform noise with standard deviation SIGMA.
 */
export function learningCurveLoss(x: readonly number[], t: number, seed: number, trial: number): number {
  return curve(x, t) + SIGMA * Math.sqrt(3) * (2 * noiseU(seed, trial, t) - 1);
}
