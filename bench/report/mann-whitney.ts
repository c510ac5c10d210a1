/**
 * One-sided Mann–Whitney U test that `a` tends to exceed `b` (Mann & Whitney 1947):
 * U = Σ over pairs of [a > b] + ½ [a = b]; p from the normal approximation with the tie
 * correction of the variance and a continuity correction (Lehmann 1975, §1.4).
 */
export function mannWhitneyGreater(a: readonly number[], b: readonly number[]): { u: number; p: number } {
  const m = a.length;
  const n = b.length;
  let u = 0;
  for (const x of a) for (const y of b) u += x > y ? 1 : x === y ? 0.5 : 0;
  const all = [...a, ...b].sort((x, y) => x - y);
  let ties = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j] === all[i]) j++;
    const t = j - i;
    ties += t ** 3 - t;
    i = j;
  }
  const N = m + n;
  const variance = ((m * n) / 12) * (N + 1 - ties / (N * (N - 1)));
  if (variance <= 0) return { u, p: u > (m * n) / 2 ? 0 : 1 };
  const z = (u - (m * n) / 2 - 0.5) / Math.sqrt(variance);
  return { u, p: 1 - normalCdf(z) };
}

/** Φ(z) by the complementary error function (Numerical Recipes' erfc, |error| < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}
