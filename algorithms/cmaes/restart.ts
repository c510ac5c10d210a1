/**
 * Restart strategies: which population size, step size and generation limit each run of
 * CMA-ES gets once the previous one has terminated.
 *
 * - IPOP (Auger & Hansen, "A Restart CMA Evolution Strategy With Increasing Population
 *   Size", CEC 2005): every restart multiplies the population size by `inc` (2).
 * - BIPOP (Hansen, "Benchmarking a BI-Population CMA-ES on the BBOB-2009 Function
 *   Testbed", GECCO 2009, §2): restarts alternate between a large-population regime
 *   (IPOP's growth) and a small-population regime with λ_s = ⌊λ_def (λ_l / λ_def)^(U²)⌋,
 *   λ_l the population of the latest large run, and σ0_s = σ0_def · 10^(−2U), whose runs
 *   stop after half the budget of the large regime; a small run comes next while the
 *   small regime has used fewer evaluations than the large one. As in the reference
 *   implementations (pycma's `fmin`, the `cmaes` library's BIPOP example, Optuna 3's
 *   CmaEsSampler), the first run's evaluations count towards the small regime, so the
 *   first restart is large.
 */

export type RestartStrategy = 'none' | 'ipop' | 'bipop';

export interface RunPlan {
  /** 0 for the first run, then one more per restart. */
  index: number;
  regime: 'first' | 'large' | 'small';
  lambda: number;
  /** The run's initial step size as a multiple of the default σ0. */
  sigmaFactor: number;
  /** Generations after which the run terminates (small BIPOP runs only). */
  maxGenerations: number;
  /** Large-regime runs so far, this one included. */
  largeRuns: number;
  /** Evaluations used by each regime in the runs before this one. */
  budgetSmall: number;
  budgetLarge: number;
}

/** Uniform draws in [0, 1) for a small BIPOP run's λ and σ0, from the caller's seeded stream. */
export interface Uniforms {
  next(): number;
}

export function firstRun(lambda0: number): RunPlan {
  return { index: 0, regime: 'first', lambda: lambda0, sigmaFactor: 1, maxGenerations: Infinity, largeRuns: 0, budgetSmall: 0, budgetLarge: 0 };
}

/**
 * The plan of the run after `previous`, which used `evaluations` evaluations (λ times its
 * generations), for default population `lambda0` and growth factor `inc`. `undefined`
 * with strategy `none`: the run goes on past its termination.
 */
export function nextRun(strategy: RestartStrategy, previous: RunPlan, evaluations: number, lambda0: number, uniforms: Uniforms, inc = 2): RunPlan | undefined {
  if (strategy === 'none') return undefined;
  const index = previous.index + 1;
  if (strategy === 'ipop') {
    return { ...firstRun(lambda0), index, regime: 'large', lambda: lambda0 * inc ** index, largeRuns: index };
  }
  const budgetSmall = previous.budgetSmall + (previous.regime === 'large' ? 0 : evaluations);
  const budgetLarge = previous.budgetLarge + (previous.regime === 'large' ? evaluations : 0);
  if (budgetSmall < budgetLarge) {
    const u = uniforms.next();
    const lambda = Math.max(2, Math.floor(lambda0 * (inc ** previous.largeRuns) ** (u * u)));
    return {
      index,
      regime: 'small',
      lambda,
      sigmaFactor: 10 ** (-2 * uniforms.next()),
      // pycma's maxiter = 0.5 budget_large / λ_s; its run stops once countiter ≥ maxiter.
      maxGenerations: Math.max(1, Math.ceil((0.5 * budgetLarge) / lambda)),
      largeRuns: previous.largeRuns,
      budgetSmall,
      budgetLarge,
    };
  }
  const largeRuns = previous.largeRuns + 1;
  return {
    index,
    regime: 'large',
    lambda: lambda0 * inc ** largeRuns,
    sigmaFactor: 1,
    maxGenerations: Infinity,
    largeRuns,
    budgetSmall,
    budgetLarge,
  };
}
