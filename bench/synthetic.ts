import { createStudy } from '../src/api/study.js';
import { search, type SearchParameter } from '../src/api/search.js';
import { getFunction, type BenchFunction } from './functions/index.js';
import { getMixedFunction, type MixedFunction, type MixedParameter } from './functions/mixed.js';
import { protocolBudget, regretCurve, type SyntheticRun } from './protocol.js';

/** Scriba's name for an algorithm in result files (§6 asks engines for distinct names). */
export function samplerName(algorithm: string): string {
  return `scriba_${algorithm.replace(/-/g, '_')}`;
}

const DESCRIPTIONS: Record<string, string> = {
  random: 'Scriba random (Katib `random`): each parameter uniform on its range, one stream per (seed, trial index)',
  bayesianoptimization: 'Scriba bayesianoptimization (Katib `bayesianoptimization`): GP with Matern-5/2 ARD, Yeo-Johnson-warped standardised values, MAP hyperparameters; gp_hedge over LogEI, PI and LCB, screened candidates refined by gradient; 10 initial points from a maximin Latin hypercube',
  cmaes: 'Scriba cmaes (Katib `cmaes`): CMA-ES after Hansen 2016 in the unit cube, x0 at the centre, sigma0 = 1/6, popsize 4 + floor(3 ln d), full covariance, margin method for discrete parameters, no learning-rate adaptation, no restarts',
  sobol: 'Scriba sobol (Katib `sobol`): a Sobol\' sequence, Joe & Kuo direction numbers, linear matrix scramble and digital shift seeded by the run seed; trial k is point k',
  auto: 'Scriba auto (a Scriba extension, no Katib counterpart): cmaes for the whole run when maxTrialCount >= 1000 and every parameter is a number (two or more int/double); else multivariate-tpe above 20 parameters or from 250 completed trials; else bayesianoptimization; each with its defaults',
  grid: 'Scriba grid (Katib `grid`): k = ceil(N^(1/d)) points per dimension, step (high-low)/(k-1), walked in product order (the last parameter fastest); the same for every seed',
};

export function samplerDescription(algorithm: string): string {
  return DESCRIPTIONS[algorithm] ?? `Scriba ${algorithm} (Katib \`${algorithm}\`) with its default settings`;
}

/** The search space of a protocol function: x0..x{d-1}, linear on the function's box (§1). */
export function benchParameters(fn: BenchFunction, algorithm: string, budget: number): Record<string, SearchParameter> {
  return Object.fromEntries(
    fn.bounds.map(([min, max], i) => [`x${i}`, search.double(algorithm === 'grid' ? { min, max, step: gridStep(min, max, fn.dim, budget) } : { min, max })]),
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

/** Grid needs a step on every double: the coarsest grid with at least `budget` points. */
function gridStep(min: number, max: number, dim: number, budget: number): number {
  const k = Math.max(2, Math.ceil(budget ** (1 / dim) - 1e-9));
  return (max - min) / (k - 1);
}

/** A mixed space's parameter in Scriba's terms (Katib's types; log scale as `logUniform`). */
export function mixedParameter(p: MixedParameter, algorithm: string, dim: number, budget: number): SearchParameter {
  const distribution = 'log' in p && p.log ? { distribution: 'logUniform' as const } : {};
  switch (p.type) {
    case 'double': {
      // Katib's grid walks min, min + step, ... on the linear scale, log-scaled or not.
      const step = p.step ?? (algorithm === 'grid' ? gridStep(p.min, p.max, dim, budget) : undefined);
      return search.double({ min: p.min, max: p.max, ...(step !== undefined ? { step } : {}), ...distribution });
    }
    case 'int':
      return search.int({ min: p.min, max: p.max, ...(p.step !== undefined ? { step: p.step } : {}), ...distribution });
    case 'discrete':
      return search.discrete(p.values);
    case 'categorical':
      return search.categorical(p.values);
  }
}

/** What a run needs of its function: the space, the value of a trial's parameters, f*, the dimension. */
interface Objective {
  name: string;
  dim: number;
  fStar: number;
  parameters: Record<string, SearchParameter>;
  /** f of the trial's parameters, and the point as best_x records it (numbers only). */
  evaluate(parameters: Readonly<Record<string, unknown>>): { value: number; x?: number[]; params?: Record<string, number | string> };
}

function objective(name: string, algorithm: string, budget: number | undefined): Objective {
  const mixed: MixedFunction | undefined = getMixedFunction(name);
  if (mixed !== undefined) {
    const n = budget ?? protocolBudget(mixed.dim);
    return {
      name,
      dim: mixed.dim,
      fStar: mixed.fStar,
      parameters: Object.fromEntries(mixed.space.map((p) => [p.name, mixedParameter(p, algorithm, mixed.dim, n)])),
      evaluate: (parameters) => {
        const params = parameters as Record<string, number | string>;
        return { value: mixed.f(params), params };
      },
    };
  }
  const fn = getFunction(name);
  return {
    name,
    dim: fn.dim,
    fStar: fn.fStar,
    parameters: benchParameters(fn, algorithm, budget ?? protocolBudget(fn.dim)),
    evaluate: (parameters) => {
      const x = fn.bounds.map((_, j) => parameters[`x${j}`] as number);
      return { value: fn.f(x), x };
    },
  };
}

/** The Study of a run: the function's space, minimised, one trial at a time. */
function benchStudy(fn: Objective, algorithm: string, budget: number, seed: number, settings?: Readonly<Record<string, string>>) {
  return createStudy({
    name: 'bench',
    parameters: fn.parameters,
    objectiveType: 'minimize',
    objectiveMetricName: 'f',
    algorithm,
    ...(settings ? { algorithmSettings: settings } : {}),
    maxTrialCount: budget,
    parallelTrialCount: 1,
    seed,
  });
}

/**
 * One protocol run (§1, §3, §4): N sequential ask → evaluate → tell rounds through the
 * Study API, timing each ask and tell but not the objective. Mixed spaces (functions/mixed.ts)
 * run the same way and record best_params instead of best_x (their points are not all numbers).
 */
export async function runSynthetic(task: SyntheticTask): Promise<SyntheticRun> {
  const fn = objective(task.function, task.algorithm, task.budget);
  const budget = task.budget ?? protocolBudget(fn.dim);
  const started = performance.now();
  const study = benchStudy(fn, task.algorithm, budget, task.seed, task.settings);
  const y: number[] = [];
  const askS: number[] = [];
  const tellS: number[] = [];
  let best = Infinity;
  let bestX: number[] | undefined;
  let bestParams: Record<string, number | string> | undefined;
  for (let i = 0; i < budget; i++) {
    const t0 = performance.now();
    let trial;
    try {
      trial = await study.ask();
    } catch {
      break; // the algorithm has no more points (a grid smaller than the budget): a truncated run
    }
    const t1 = performance.now();
    const { value, x, params } = fn.evaluate(trial.parameters);
    const t2 = performance.now();
    study.tell(trial, value);
    const t3 = performance.now();
    y.push(value);
    askS.push((t1 - t0) / 1000);
    tellS.push((t3 - t2) / 1000);
    if (value < best) {
      best = value;
      bestX = x;
      bestParams = params;
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
    ...(bestX !== undefined ? { best_x: bestX } : {}),
    ...(bestParams !== undefined ? { best_params: { ...bestParams } } : {}),
    wall_s: (performance.now() - started) / 1000,
    ...(y.length < budget ? { truncated: true } : {}),
  };
}

/**
 * Why an algorithm cannot run a function's space (e.g. cmaes on a space with one number),
 * or undefined when it can: the Study's validation, as a user would meet it.
 */
export function refusal(algorithm: string, name: string, settings?: Readonly<Record<string, string>>): string | undefined {
  const fn = objective(name, algorithm, undefined);
  try {
    benchStudy(fn, algorithm, protocolBudget(fn.dim), 0, settings);
    return undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
  }
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
