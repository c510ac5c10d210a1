/**
 * The Matern-5/2 kernel with automatic relevance determination (Rasmussen & Williams 2006,
 * eq. 4.17), as a correlation (unit variance):
 *
 *   m(r²) = (1 + s + s²/3)·e^(−s),  s = √(5r²),  r² = Σᵢ wᵢ·δᵢ(x, x'),  wᵢ = 1/ℓᵢ²
 *
 * with δᵢ = (xᵢ − x'ᵢ)² for ordered coordinates and δᵢ = [xᵢ ≠ x'ᵢ] for categorical ones
 * (the Hamming form of a categorical kernel). Its derivative in r² has no singularity at 0:
 *
 *   dm/dr² = −(5/6)·(1 + s)·e^(−s)
 *
 * Points are rows of a row-major Float64Array; `w` holds the inverse squared length scales.
 */

export function matern52(r2: number): number {
  const s = Math.sqrt(5 * r2);
  return (1 + s + (s * s) / 3) * Math.exp(-s);
}

/** dm/dr². */
export function matern52Slope(r2: number): number {
  const s = Math.sqrt(5 * r2);
  return (-5 / 6) * (1 + s) * Math.exp(-s);
}

/** r² between row a of `xa` and row b of `xb`. */
export function scaledDistance(
  xa: Float64Array,
  a: number,
  xb: Float64Array,
  b: number,
  w: Float64Array,
  categorical: Uint8Array,
): number {
  const d = w.length;
  const oa = a * d;
  const ob = b * d;
  let r2 = 0;
  for (let i = 0; i < d; i++) {
    const diff = (xa[oa + i] as number) - (xb[ob + i] as number);
    r2 += (w[i] as number) * (categorical[i] ? (diff === 0 ? 0 : 1) : diff * diff);
  }
  return r2;
}

/**
 * The correlation matrix R (n×n, full) of the rows of `x`, and when `slopes` is given the
 * matrix of dm/dr² at each pair, which the likelihood gradient needs.
 */
export function correlationMatrix(
  x: Float64Array,
  n: number,
  w: Float64Array,
  categorical: Uint8Array,
  out = new Float64Array(n * n),
  slopes?: Float64Array,
): Float64Array {
  for (let a = 0; a < n; a++) {
    out[a * n + a] = 1;
    if (slopes) slopes[a * n + a] = -5 / 6;
    for (let b = 0; b < a; b++) {
      const r2 = scaledDistance(x, a, x, b, w, categorical);
      const s = Math.sqrt(5 * r2);
      const e = Math.exp(-s);
      const m = (1 + s + (s * s) / 3) * e;
      out[a * n + b] = m;
      out[b * n + a] = m;
      if (slopes) {
        const slope = (-5 / 6) * (1 + s) * e;
        slopes[a * n + b] = slope;
        slopes[b * n + a] = slope;
      }
    }
  }
  return out;
}

/**
 * Correlations between one point `p` and every row of `x`, into `out`; when `dOut` is
 * given, also ∂m/∂pᵢ for each row (row-major n×d): 2·wᵢ·(pᵢ − xᵢ)·dm/dr², 0 for a
 * categorical coordinate, which has no gradient.
 */
export function correlationsTo(
  p: ArrayLike<number>,
  x: Float64Array,
  n: number,
  w: Float64Array,
  categorical: Uint8Array,
  out: Float64Array,
  dOut?: Float64Array,
): void {
  const d = w.length;
  for (let j = 0; j < n; j++) {
    const o = j * d;
    let r2 = 0;
    for (let i = 0; i < d; i++) {
      const diff = (p[i] as number) - (x[o + i] as number);
      r2 += (w[i] as number) * (categorical[i] ? (diff === 0 ? 0 : 1) : diff * diff);
    }
    const s = Math.sqrt(5 * r2);
    const e = Math.exp(-s);
    out[j] = (1 + s + (s * s) / 3) * e;
    if (dOut) {
      const twoSlope = 2 * (-5 / 6) * (1 + s) * e;
      for (let i = 0; i < d; i++) {
        dOut[o + i] = categorical[i] ? 0 : twoSlope * (w[i] as number) * ((p[i] as number) - (x[o + i] as number));
      }
    }
  }
}
