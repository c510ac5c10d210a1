/**
 * The standard normal CDF Φ and its inverse, as the margin correction needs them
 * (Hamano et al. 2022, §4): tail probabilities down to 1e-10 and their quantiles.
 */

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** The standard normal density φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/**
 * Φ(x). For |x| < 3, Φ(x) = 1/2 + φ(x) (x + x³/3 + x⁵/(3·5) + ...), a series of positive
 * terms (Marsaglia 2004, "Evaluating the Normal Distribution", J. Stat. Softw. 11(4)).
 * Beyond, the upper tail 1 − Φ(x) = φ(x) / (x + 1/(x + 2/(x + 3/(x + ...)))) (Laplace's
 * continued fraction for Mills' ratio), which keeps its relative accuracy far into the tail.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 3) return 1 - upperTail(x);
  if (x <= -3) return upperTail(-x);
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let k = 3; k < 400; k += 2) {
    term *= x2 / k;
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return 0.5 + normalPdf(x) * sum;
}

/** 1 − Φ(x) for x ≥ 3, by the continued fraction evaluated bottom-up with a fixed depth. */
function upperTail(x: number): number {
  if (x === Infinity) return 0;
  // 60 levels give full double precision for x ≥ 3 (the fraction converges faster as x grows).
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / f;
  return normalPdf(x) / f;
}

/**
 * Φ⁻¹(p) for 0 < p < 1: Abramowitz & Stegun 26.2.23 as a start (error < 4.5e-4), then
 * Halley steps on Φ(x) − p, which triple the correct digits each time.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  if (p > 0.5) return -normalQuantile(1 - p);
  const t = Math.sqrt(-2 * Math.log(p));
  let x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 4; i++) {
    const e = normalCdf(x) - p;
    const u = e / normalPdf(x);
    const step = u / (1 + (x * u) / 2);
    x -= step;
    if (Math.abs(step) <= 1e-15 * Math.abs(x)) break;
  }
  return x;
}
