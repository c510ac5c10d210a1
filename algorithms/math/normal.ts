/**
 * The standard normal distribution in double precision, shared by the algorithms:
 * erfc and erfcx, Φ, log Φ (stable far into the lower tail), Φ⁻¹ (NaN outside [0, 1]) and
 * the log of Φ(b) − Φ(a).
 */

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * erfc(x) for x >= 0. Below 0.5, 1 − erf by its Maclaurin series; from 6.5 on, the
 * continued fraction (Abramowitz & Stegun 7.1.14), which converges in a few steps there;
 * in between, erfc(x) = e^(−x²)·g(x) with g expanded around the nearest of a table of
 * nodes (below).
 */
function erfcPositive(x: number): number {
  if (x < TABLE_START) return 1 - erfSeries(x);
  if (x === Infinity) return 0;
  return Math.exp(-x * x) * erfcx(x);
}

/**
 * erfcx(x) = e^(x²)·erfc(x) for x >= 0, which never underflows: the series below 0.5,
 * the node table up to 6.5, the continued fraction beyond (see erfcPositive).
 */
export function erfcx(x: number): number {
  if (x < TABLE_START) return (1 - erfSeries(x)) * Math.exp(x * x);
  if (x >= TABLE_END) return x === Infinity ? 0 : scaledErfcFraction(x);
  return scaledErfcNear(x);
}

/**
 * g(x) = e^(x²)·erfc(x) by A&S 7.1.14's continued fraction, g = 1/(√π (x + (1/2)/(x + 1/(x +
 * (3/2)/(x + ...))))), evaluated by Lentz's method; it keeps full relative accuracy for x >= 1.5.
 */
function scaledErfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 2000; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (Math.sqrt(Math.PI) * f);
}

/**
 * g = e^(x²)·erfc(x) solves g' = 2x·g − 2/√π, so its derivatives follow from g alone:
 * g⁽ⁿ⁺¹⁾ = 2x·g⁽ⁿ⁾ + 2n·g⁽ⁿ⁻¹⁾. Around a node x₀ at most 1/64 away, the Taylor terms
 * tₙ = g⁽ⁿ⁾(x₀)Δⁿ/n! obey t₍ₙ₊₁₎ = 2Δ(x₀·tₙ + Δ·t₍ₙ₋₁₎)/(n + 1) and fall by a factor of
 * five or more per step, so a dozen terms give full precision for a few dozen flops,
 * where the continued fraction needs hundreds of steps near 1.5.
 */
const TABLE_START = 0.5;
const TABLE_END = 6.5;
const NODES_PER_UNIT = 32;
const SCALED_ERFC_NODES = Float64Array.from({ length: (TABLE_END - TABLE_START) * NODES_PER_UNIT + 1 }, (_, j) => {
  const x = TABLE_START + j / NODES_PER_UNIT;
  return x < 1 ? (1 - erfSeries(x)) * Math.exp(x * x) : scaledErfcFraction(x);
});
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

function scaledErfcNear(x: number): number {
  const j = Math.round((x - TABLE_START) * NODES_PER_UNIT);
  const x0 = TABLE_START + j / NODES_PER_UNIT;
  const delta = x - x0;
  const g0 = SCALED_ERFC_NODES[j] as number;
  let previous = g0;
  let term = (2 * x0 * g0 - TWO_OVER_SQRT_PI) * delta;
  let sum = g0 + term;
  for (let n = 1; n < 40 && Math.abs(term) > 1e-17 * sum; n++) {
    const next = (2 * delta * (x0 * term + delta * previous)) / (n + 1);
    previous = term;
    term = next;
    sum += term;
  }
  return sum;
}

/** erf(x) by its Maclaurin series, 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)): accurate for |x| < 1.5. */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) <= 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

export function erfc(x: number): number {
  return x >= 0 ? erfcPositive(x) : 2 - erfcPositive(-x);
}

/** Φ(z), the standard normal CDF. */
export function ndtr(z: number): number {
  const x = z / SQRT2;
  return x < 0 ? 0.5 * erfcPositive(-x) : 1 - 0.5 * erfcPositive(x);
}

/** log Φ(z), finite for every finite z (asymptotic series below −37, where Φ underflows). */
export function logNdtr(z: number): number {
  if (z > 0) return Math.log1p(-ndtr(-z));
  if (z > -37) return Math.log(ndtr(z));
  // Φ(z) = φ(z)/|z| · (1 − 1/z² + 3/z⁴ − 15/z⁶ + 105/z⁸ − …), Abramowitz & Stegun 26.2.12
  const w = 1 / (z * z);
  return -0.5 * z * z - LOG_SQRT_2PI - Math.log(-z) + Math.log1p(w * (-1 + w * (3 + w * (-15 + w * (105 - 945 * w)))));
}

/** log φ(z), the standard normal log density. */
export function logPhi(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** log(Φ(b) − Φ(a)) for a < b, without cancellation in either tail. */
export function logNdtrDiff(a: number, b: number): number {
  if (a >= 0) return logNdtrDiff(-b, -a); // symmetry: the mass is in the upper tail
  // An end beyond 9σ cuts off less than 1.2e-19: one tail is all there is to compute.
  if (a < -9) return b > 9 ? 0 : logNdtr(b);
  if (b > 9) return logNdtr(-a);
  // A short interval around 0: erf has full relative accuracy there and the halves add up.
  if (b > 0 && a > -1 && b < 1) return Math.log(0.5 * (erfSeries(b / SQRT2) - erfSeries(a / SQRT2)));
  const la = logNdtr(a);
  const lb = logNdtr(b);
  return lb + Math.log1p(-Math.exp(la - lb));
}

/**
 * Φ⁻¹(p): Acklam's rational approximation (relative error < 1.2e-9), then one Halley step
 * on Φ, which brings it to full double precision.
 */
export function ndtri(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -ndtri(1 - p); // Φ is rounded near 1: work in the lower tail
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  // Halley's step: u = (Φ(x) − p)·√(2π)·exp(x²/2), x ← x − u/(1 + x·u/2); written with
  // logarithms so that it stays finite for subnormal p.
  const u = Math.expm1(logNdtr(x) - Math.log(p)) * Math.exp(Math.log(p) + (x * x) / 2 + LOG_SQRT_2PI);
  return x - u / (1 + (x * u) / 2);
}
