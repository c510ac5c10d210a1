/**
 * Hyperband's bracket arithmetic (Li et al., JMLR 2018, "Hyperband", Algorithm 1), as
 * pure functions of R (Katib's `r_l`, the most resource one configuration gets) and η.
 *
 * Bracket s = s_max..0 starts n configurations on resource r and runs successive halving
 * on them: rung i = 0..s evaluates n_i configurations on r_i each, and the best
 * ⌊n_i/η⌋ go on to rung i+1. Table 1 of the paper lists the rungs for R = 81, η = 3.
 */

/** The most configurations a bracket may start (η^s_max): a larger R is refused at validation. */
export const MAX_BRACKET_SIZE = 1_000_000;

/** One rung of a bracket: n_i configurations, each given resource r_i. */
export interface Rung {
  n: number;
  r: number;
}

/**
 * s_max = ⌊log_η R⌋ (Alg. 1, line 1), the index of the largest bracket; -1 when R < 1,
 * which leaves no bracket at all. Exact for powers: ln 81 / ln 3 is 4.000000000000001 or
 * 3.9999999999999996 depending on rounding, so the float estimate is corrected by
 * comparing integer powers of η with R.
 */
export function sMaxOf(rl: number, eta: number): number {
  if (!(rl >= 1) || !Number.isFinite(rl) || !(eta >= 2)) return -1;
  let s = Math.floor(Math.log(rl) / Math.log(eta));
  while (s > 0 && eta ** s > rl) s--;
  while (eta ** (s + 1) <= rl) s++;
  return s;
}

/** B = (s_max + 1)·R, the budget every bracket spends (Alg. 1, line 1); Katib's `b_l`. */
export function budgetOf(rl: number, sMax: number): number {
  return (sMax + 1) * rl;
}

/**
 * n = ⌈(B/R)·η^s/(s+1)⌉ = ⌈(s_max+1)·η^s/(s+1)⌉, the configurations bracket s starts
 * (Alg. 1, line 3), in integer arithmetic: (5/3)·9 is 15.000000000000002 in floating point.
 */
export function bracketSize(sMax: number, eta: number, s: number): number {
  const numerator = (sMax + 1) * eta ** s;
  return Math.floor((numerator + s) / (s + 1));
}

/** r = R·η^-s, the resource of bracket s's first rung (Alg. 1, line 3). */
export function bracketResource(rl: number, eta: number, s: number): number {
  return rl / eta ** s;
}

/**
 * Rung i of bracket s (Alg. 1, lines 5–6): n_i = ⌊n·η^-i⌋ and r_i = r·η^i, written as
 * R/η^(s-i) so that R = 81, η = 3 gives whole numbers.
 */
export function rungOf(rl: number, eta: number, sMax: number, s: number, i: number): Rung {
  return { n: Math.floor(bracketSize(sMax, eta, s) / eta ** i), r: rl / eta ** (s - i) };
}

/** Every rung of bracket s, i = 0..s. */
export function bracketRungs(rl: number, eta: number, sMax: number, s: number): Rung[] {
  return Array.from({ length: s + 1 }, (_, i) => rungOf(rl, eta, sMax, s, i));
}

/** How many of a rung's n_i configurations go on to the next rung: ⌊n_i/η⌋ (Alg. 1, line 8). */
export function promotedCount(ni: number, eta: number): number {
  return Math.floor(ni / eta);
}

/** Trials a whole run takes when no rung is cut short: Σ over brackets and rungs of n_i. */
export function totalTrials(rl: number, eta: number): number {
  const sMax = sMaxOf(rl, eta);
  let total = 0;
  for (let s = sMax; s >= 0; s--) for (const rung of bracketRungs(rl, eta, sMax, s)) total += rung.n;
  return total;
}
