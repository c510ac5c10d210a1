import { erfcx, logNdtr, logPhi } from '../math/normal.js';

/**
 * What expected improvement needs beyond algorithms/math/normal.ts, in log space so that
 * nothing underflows: log h(z) = log(φ(z) + z·Φ(z)), its slope and the inverse Mills ratio.
 */

/** Below −TAIL asymptotic series replace differences of logarithms near −z²/2. */
const TAIL = 40;
/** log √(π/2) (Ament et al. 2023, eq. 9, c₂). */
const LOG_SQRT_HALF_PI = 0.5 * Math.log(Math.PI / 2);

/**
 * log h(z), h(z) = φ(z) + z·Φ(z): expected improvement of a unit normal over z (Ament,
 * Daulton, Eriksson, Balandat & Bakshy 2023, "Unexpected improvements to expected
 * improvement", eq. 9):
 *
 * - z > −1: directly; h > φ(z)/3 there, so the sum loses under half a digit.
 * - −40 < z ≤ −1: h = φ(z)·(1 − |z|·√(π/2)·erfcx(|z|/√2)), the bracket as −expm1 of its
 *   logarithm (the paper's log1mexp).
 * - z ≤ −40: the asymptotic series h = φ(z)/z² · (1 − 3/z² + 15/z⁴ − 105/z⁶ + …)
 *   (from A&S 26.2.12). The paper switches at −1/√ε; the bracket above loses about
 *   ε·z² relative (3e-13 at −40, 2e-10 at −1000), the series keeps full precision.
 */
export function logH(z: number): number {
  if (z > -1) {
    return Math.log(Math.exp(logPhi(z)) + z * Math.exp(logNdtr(z)));
  }
  if (z > -TAIL) {
    const logQ = Math.log(-z * erfcx(-z / Math.SQRT2)) + LOG_SQRT_HALF_PI;
    return logPhi(z) + Math.log(-Math.expm1(logQ));
  }
  const w = 1 / (z * z);
  return logPhi(z) + Math.log(w) + Math.log(tailH(w));
}

/** d log h / dz = Φ(z)/h(z), formed in log space; |z|·A/B from the series in the far tail. */
export function logHSlope(z: number): number {
  if (z > -TAIL) return Math.exp(logNdtr(z) - logH(z));
  const w = 1 / (z * z);
  return (-z * tailCdf(w)) / tailH(w);
}

/** φ(z)/Φ(z), the inverse Mills ratio, formed in log space; |z|/A from the series in the far tail. */
export function millsRatio(z: number): number {
  if (z > -TAIL) return Math.exp(logPhi(z) - logNdtr(z));
  return -z / tailCdf(1 / (z * z));
}

/** A(w) with Φ(z) = φ(z)/|z| · A(1/z²): 1 − w + 3w² − 15w³ + … (A&S 26.2.12). */
function tailCdf(w: number): number {
  return 1 + w * (-1 + w * (3 + w * (-15 + w * (105 + w * (-945 + w * 10395)))));
}

/** B(w) with h(z) = φ(z)/z² · B(1/z²) = φ(z)·(1 − A): 1 − 3w + 15w² − 105w³ + …. */
function tailH(w: number): number {
  return 1 + w * (-3 + w * (15 + w * (-105 + w * (945 + w * (-10395 + w * 135135)))));
}
