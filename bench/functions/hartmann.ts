/**
 * The Hartmann functions of bench-protocol v1, §2 (also the base of Appendix A's
 * learning-curve asymptote):
 *
 *   f(x) = -Σ_{i=1..4} α_i exp(-Σ_j A_ij (x_j - P_ij)^2),   α = (1, 1.2, 3, 3.2).
 */

const ALPHA = [1.0, 1.2, 3.0, 3.2] as const;

/** §2, Hartmann 3-D constants (A.2 repeats them). */
const A3: ReadonlyArray<readonly number[]> = [
  [3.0, 10, 30],
  [0.1, 10, 35],
  [3.0, 10, 30],
  [0.1, 10, 35],
];
const P3: ReadonlyArray<readonly number[]> = [
  [3689, 1170, 2673],
  [4699, 4387, 7470],
  [1091, 8732, 5547],
  [381, 5743, 8828],
].map((row) => row.map((p) => 1e-4 * p));

/** §2, Hartmann 6-D constants. */
const A6: ReadonlyArray<readonly number[]> = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const P6: ReadonlyArray<readonly number[]> = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((p) => 1e-4 * p));

function hartmann(a: ReadonlyArray<readonly number[]>, p: ReadonlyArray<readonly number[]>, x: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < ALPHA.length; i++) {
    const ai = a[i] as readonly number[];
    const pi = p[i] as readonly number[];
    let inner = 0;
    for (let j = 0; j < ai.length; j++) {
      const diff = (x[j] as number) - (pi[j] as number);
      inner += (ai[j] as number) * (diff * diff);
    }
    sum += (ALPHA[i] as number) * Math.exp(-inner);
  }
  return -sum;
}

/**
 * Hartmann-3 on [0, 1]^3. Its true minimum with these constants is -3.862779787332663 at
 * (0.1145888723, 0.5556488969, 0.8525469839), not the often-quoted -3.86278214782076 (§2, notes).
 */
export function hartmann3(x: readonly number[]): number {
  return hartmann(A3, P3, x);
}

/** Hartmann-6 on [0, 1]^6; minimum -3.322368011415515 (§2). */
export function hartmann6(x: readonly number[]): number {
  return hartmann(A6, P6, x);
}
