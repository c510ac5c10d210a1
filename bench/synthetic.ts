import { createStudy } from '../src/api/study.js';
import { search, type SearchParameter } from '../src/api/search.js';
import { getFunction, type BenchFunction } from './functions/index.js';
import { protocolBudget, regretCurve, type SyntheticRun } from './protocol.js';

/** Scriba's name for an algorithm in result files (§6 asks engines for distinct names). */
export function samplerName(algorithm: string): string {
  return `scriba_${algorithm.replace(/-/g, '_')}`;
}

const DESCRIPTIONS: Record<string, string> = {
  random: 'Scriba random (Katib `random`): each parameter uniform on its range, one stream per (seed, trial index)',
  bayesianoptimization: 'Scriba bayesianoptimization (Katib `bayesianoptimization`): GP with Matern-5/2 ARD, Yeo-Johnson-warped standardised values, MAP hyperparameters; gp_hedge over LogEI, PI and LCB, screened candidates refined by gradient; 10 initial points from a maximin Latin hypercube',
  cmaes: 'Scriba cmaes (Katib `cmaes`): CMA-ES after Hansen 2016 in the unit cube, x0 at the centre, sigma0 = 1/6, popsize 4 + floor(3 ln d), margin method for discrete parameters, no restarts',
  sobol: 'Scriba sobol (Katib `sobol`): a Sobol\' sequence, Joe & Kuo direction numbers, linear matrix scramble and digital shift seeded by the run seed; trial k is point k',
  grid: 'Scriba grid (Katib `grid`): k = ceil(N^(1/d)) points per dimension, step (high-low)/(k-1), walked in product order (the last parameter fastest); the same for every seed',
};

export function samplerDescription(algorithm: string): string {
  return DESCRIPTIONS[algorithm] ?? `Scriba ${algorithm} (Katib \`${algorithm}\`) with its default settings`;
}

/** The search space of a protocol function: x0..x{d-1}, linear on the function's box (§1). */
export function benchParameters(fn: BenchFunction, algorithm: string, budget: number): Record<string, SearchParameter> {
  // Grid needs a step: the coarsest grid with at least `budget` points.
  const k = Math.max(2, Math.ceil(budget ** (1 / fn.dim) - 1e-9));
  return Object.fromEntries(
    fn.bounds.map(([min, max], i) => [
      `x${i}`,
      search.double(algorithm === 'grid' ? { min, max, step: (max - min) / (k - 1) } : { min, max }),
    ]),
  );
}

export interface SyntheticTask {
  algorithm: string;
  function: string;
  seed: number;
  /** Evaluations; the protocol's budget for the function when absent. */
  budget?: number;
  /** Algorithm settings (Katib's algorithmSettings), e.g. { n_ei_candidates: 64 }. */
  settings?: Readonly<Record<string, string>>;
}

/**
 * One protocol run (§1, §3, §4): N sequential ask → evaluate → tell rounds through the
 * Study API, timing each ask and tell but not the objective.
 */
export async function runSynthetic(task: SyntheticTask): Promise<SyntheticRun> {
  const fn = getFunction(task.function);
  const budget = task.budget ?? protocolBudget(fn.dim);
  const started = performance.now();
  const study = createStudy({
    name: 'bench',
    parameters: benchParameters(fn, task.algorithm, budget),
    objectiveType: 'minimize',
    objectiveMetricName: 'f',
    algorithm: task.algorithm,
    ...(task.settings ? { algorithmSettings: task.settings } : {}),
    maxTrialCount: budget,
    parallelTrialCount: 1,
    seed: task.seed,
  });
  const y: number[] = [];
  const askS: number[] = [];
  const tellS: number[] = [];
  let best = Infinity;
  let bestX: number[] = [];
  for (let i = 0; i < budget; i++) {
    const t0 = performance.now();
    let trial;
    try {
      trial = await study.ask();
    } catch {
      break; // the algorithm has no more points (a grid smaller than the budget): a truncated run
    }
    const t1 = performance.now();
    const x = fn.bounds.map((_, j) => trial.parameters[`x${j}`] as number);
    const value = fn.f(x);
    const t2 = performance.now();
    study.tell(trial, value);
    const t3 = performance.now();
    y.push(value);
    askS.push((t1 - t0) / 1000);
    tellS.push((t3 - t2) / 1000);
    if (value < best) {
      best = value;
      bestX = x;
    }
  }
  return {
    function: fn.name,
    dim: fn.dim,
    f_star: fn.fStar,
    sampler: samplerName(task.algorithm),
    seed: task.seed,
    budget,
    y,
    regret: regretCurve(y, fn.fStar),
    ask_s: askS,
    tell_s: tellS,
    best_x: bestX,
    wall_s: (performance.now() - started) / 1000,
    ...(y.length < budget ? { truncated: true } : {}),
  };
}

/** Every (algorithm, function, seed) task of a benchmark, in a stable order. */
export function syntheticTasks(
  algorithms: readonly string[],
  functions: readonly string[],
  seeds: readonly number[],
  budget?: number,
  settings?: Readonly<Record<string, string>>,
): SyntheticTask[] {
  return algorithms.flatMap((algorithm) =>
    functions.flatMap((fn) => seeds.map((seed) => ({ algorithm, function: fn, seed, ...(budget !== undefined ? { budget } : {}), ...(settings ? { settings } : {}) }))),
  );
}
