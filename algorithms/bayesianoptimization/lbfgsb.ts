/**
 * Minimisation in a box by projected L-BFGS: the quasi-Newton direction of L-BFGS
 * (Nocedal & Wright 2006, Alg. 7.4, the two-loop recursion) restricted to the variables
 * that are free to move, and a backtracking Armijo search along the projected path
 * P(x + t·d) (Bertsekas 1982; the projected-path idea of Byrd, Lu, Nocedal & Zhu 1995).
 * Variables held at a bound by their gradient stay there for the step.
 *
 * Used for the GP's hyperparameters (a box in log space, 2–30 variables) and to refine
 * acquisition maxima in the unit cube, where the problems are small and smooth.
 */
export interface BoxProblem {
  /** f(x), writing ∇f(x) into `gradient`; a non-finite value marks a point to back away from. */
  evaluate(x: Float64Array, gradient: Float64Array): number;
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
}

export interface MinimizeOptions {
  maxIterations?: number;
  /** Evaluations of f in all, line searches included. */
  maxEvaluations?: number;
  /** Pairs of (step, gradient change) kept. */
  memory?: number;
  /** Stop when every projected-gradient component is below this. */
  gradientTolerance?: number;
  /** Stop when a step lowers f by less than this, relative to max(|f|, 1); 0 never stops on f alone. */
  relativeTolerance?: number;
}

export interface MinimizeResult {
  x: Float64Array;
  value: number;
  evaluations: number;
  iterations: number;
}

export function minimizeInBox(problem: BoxProblem, start: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const maxIterations = options.maxIterations ?? 100;
  const maxEvaluations = options.maxEvaluations ?? 200;
  const memory = options.memory ?? 8;
  const gradientTolerance = options.gradientTolerance ?? 1e-6;
  const relativeTolerance = options.relativeTolerance ?? 1e-10;
  const { lower, upper } = problem;
  const n = start.length;
  const clamp = (v: number, i: number): number => Math.min(upper[i] as number, Math.max(lower[i] as number, v));

  let x = Float64Array.from(start, clamp);
  let g = new Float64Array(n);
  let f = problem.evaluate(x, g);
  let evaluations = 1;
  let iterations = 0;
  if (!Number.isFinite(f)) return { x, value: f, evaluations, iterations };

  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const rhos: number[] = [];
  const free = new Uint8Array(n);
  const direction = new Float64Array(n);
  const alphas = new Float64Array(memory);

  while (iterations < maxIterations && evaluations < maxEvaluations) {
    iterations++;
    let projected = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      const gi = g[i] as number;
      projected = Math.max(projected, Math.abs(xi - clamp(xi - gi, i)));
      free[i] = (xi <= (lower[i] as number) && gi > 0) || (xi >= (upper[i] as number) && gi < 0) ? 0 : 1;
    }
    if (projected < gradientTolerance) break;

    twoLoop(g, free, steps, changes, rhos, alphas, direction);
    let slope = 0;
    for (let i = 0; i < n; i++) slope += (g[i] as number) * (direction[i] as number);
    if (!(slope < 0)) {
      // Not a descent direction (curvature pairs stale across the active set): restart.
      steps.length = changes.length = rhos.length = 0;
      twoLoop(g, free, steps, changes, rhos, alphas, direction);
      slope = 0;
      for (let i = 0; i < n; i++) slope += (g[i] as number) * (direction[i] as number);
      if (!(slope < 0)) break;
    }

    // Without curvature information the first trial step moves the largest component by 0.1.
    let t = 1;
    if (steps.length === 0) {
      let largest = 0;
      for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(direction[i] as number));
      t = 0.1 / largest;
    }
    const next = new Float64Array(n);
    const nextG = new Float64Array(n);
    let fNext = NaN;
    let accepted = false;
    for (let trial = 0; trial < 30 && evaluations < maxEvaluations; trial++) {
      let decrease = 0;
      for (let i = 0; i < n; i++) {
        next[i] = clamp((x[i] as number) + t * (direction[i] as number), i);
        decrease += (g[i] as number) * ((next[i] as number) - (x[i] as number));
      }
      fNext = problem.evaluate(next, nextG);
      evaluations++;
      if (Number.isFinite(fNext) && fNext <= f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      // Quadratic interpolation of the step, kept within [t/10, t/2].
      const quadratic = Number.isFinite(fNext) ? (-slope * t * t) / (2 * (fNext - f - slope * t)) : 0.1 * t;
      t = Math.min(0.5 * t, Math.max(0.1 * t, quadratic));
    }
    if (!accepted) {
      if (steps.length === 0) break;
      steps.length = changes.length = rhos.length = 0;
      continue;
    }

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = (next[i] as number) - (x[i] as number);
      y[i] = (nextG[i] as number) - (g[i] as number);
      sy += (s[i] as number) * (y[i] as number);
      yy += (y[i] as number) * (y[i] as number);
    }
    if (sy > 1e-12 * yy) {
      if (steps.length === memory) {
        steps.shift();
        changes.shift();
        rhos.shift();
      }
      steps.push(s);
      changes.push(y);
      rhos.push(1 / sy);
    }
    const reduction = f - fNext;
    x = next;
    g = nextG;
    f = fNext;
    // With no tolerance on f, steps that f can no longer resolve (a change below its rounding)
    // still move x towards a zero projected gradient, so only the gradient test ends the search.
    if (relativeTolerance > 0 && reduction <= relativeTolerance * Math.max(Math.abs(f), 1)) break;
  }
  return { x, value: f, evaluations, iterations };
}

/** direction = −H·g on the free variables (0 elsewhere), H the L-BFGS inverse-Hessian estimate. */
function twoLoop(
  g: Float64Array,
  free: Uint8Array,
  steps: Float64Array[],
  changes: Float64Array[],
  rhos: number[],
  alphas: Float64Array,
  direction: Float64Array,
): void {
  const n = g.length;
  for (let i = 0; i < n; i++) direction[i] = free[i] ? (g[i] as number) : 0;
  const m = steps.length;
  for (let k = m - 1; k >= 0; k--) {
    const s = steps[k] as Float64Array;
    const y = changes[k] as Float64Array;
    let a = 0;
    for (let i = 0; i < n; i++) if (free[i]) a += (s[i] as number) * (direction[i] as number);
    a *= rhos[k] as number;
    alphas[k] = a;
    for (let i = 0; i < n; i++) if (free[i]) direction[i] = (direction[i] as number) - a * (y[i] as number);
  }
  if (m > 0) {
    // Initial scaling γ = sᵀy / yᵀy of the newest pair (Nocedal & Wright 2006, eq. 7.20).
    const s = steps[m - 1] as Float64Array;
    const y = changes[m - 1] as Float64Array;
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      sy += (s[i] as number) * (y[i] as number);
      yy += (y[i] as number) * (y[i] as number);
    }
    const gamma = sy / yy;
    for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) * gamma;
  }
  for (let k = 0; k < m; k++) {
    const s = steps[k] as Float64Array;
    const y = changes[k] as Float64Array;
    let b = 0;
    for (let i = 0; i < n; i++) if (free[i]) b += (y[i] as number) * (direction[i] as number);
    b *= rhos[k] as number;
    const coefficient = (alphas[k] as number) - b;
    for (let i = 0; i < n; i++) if (free[i]) direction[i] = (direction[i] as number) + coefficient * (s[i] as number);
  }
  for (let i = 0; i < n; i++) direction[i] = free[i] ? -(direction[i] as number) : 0;
}
