import type { ParameterSpec } from '../../src/experiment/types.js';

/** The algorithms `auto` delegates to. */
export type Delegate = 'bayesianoptimization' | 'multivariate-tpe' | 'cmaes';

/** Why a delegate was chosen: the rule that fired, as recorded in the suggestion's labels. */
export type Rule = 'long-numeric-run' | 'high-dimensional' | 'long-history' | 'gaussian-process';

export interface Choice {
  algorithm: Delegate;
  rule: Rule;
}

/** What the choice reads of a search space: how many parameters of each kind. */
export interface SpaceShape {
  /** int and double parameters (what CMA-ES counts, katib-spec §4.4). */
  intOrDouble: number;
  /** discrete (numeric list) parameters. */
  discrete: number;
  /** categorical parameters. */
  categorical: number;
}

export interface ChoiceInput {
  shape: SpaceShape;
  /** The experiment's maxTrialCount; undefined when it has none (the run's length is unknown). */
  maxTrialCount: number | undefined;
  /** Trials that have ended Succeeded or EarlyStopped. */
  completed: number;
}

/** The thresholds of the rules; `createAuto` takes others (tests use a short GP phase). */
export interface Thresholds {
  /** Completed trials after which the GP hands over to TPE. */
  gpTrials: number;
  /** Parameters above which the GP is not used. */
  gpDimension: number;
  /** maxTrialCount from which an all-numeric space is given to CMA-ES for the whole run. */
  cmaesBudget: number;
}

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = {
  gpTrials: 250,
  gpDimension: 20,
  cmaesBudget: 1000,
};

export function shapeOf(parameters: readonly ParameterSpec[]): SpaceShape {
  const shape: SpaceShape = { intOrDouble: 0, discrete: 0, categorical: 0 };
  for (const p of parameters) {
    if (p.parameterType === 'categorical') shape.categorical++;
    else if (p.parameterType === 'discrete') shape.discrete++;
    else shape.intOrDouble++;
  }
  return shape;
}

/**
 * The delegate for the next suggestions: a pure function of the space's shape, the budget
 * and the number of completed trials, evaluated on every request. The rules follow
 * OptunaHub's AutoSampler (a GP first, then an algorithm whose ask does not grow as n³),
 * fitted to what Scriba's algorithms do on its benchmark and to what each can take over.
 */
export function chooseAlgorithm({ shape, maxTrialCount, completed }: ChoiceInput, t: Readonly<Thresholds> = DEFAULT_THRESHOLDS): Choice {
  const dimension = shape.intOrDouble + shape.discrete + shape.categorical;
  // Long runs over numbers only: CMA-ES keeps improving long after a GP's budget ends, at a
  // constant cost per ask. At 1000 trials its median log10 regret was -5.6, 0.9 and -5.3 on
  // sphere10, rosenbrock10 and ackley5 against -4.4, 1.8 and 0.2 for GP then TPE, whose TPE
  // phase barely moved (seeds 100-103, 100-101, 100-101). It rebuilds its state from its own labelled generations alone
  // (cmaes/replay.ts) and would ignore trials another algorithm made, so it cannot take over
  // a run: it is chosen from the first trial, for the whole run, or not at all. It needs two
  // int/double parameters and would draw categorical ones at random.
  if (maxTrialCount !== undefined && maxTrialCount >= t.cmaesBudget && shape.categorical === 0 && shape.intOrDouble >= 2) {
    return { algorithm: 'cmaes', rule: 'long-numeric-run' };
  }
  // Categorical parameters do not send a run to TPE, as they do in AutoSampler: Scriba's GP
  // (a Hamming kernel on them) beat both TPEs on the benchmark's mostly categorical space
  // (mixed_categorical, 6 of 8: median log10 regret -7.6 against -0.6 at best) and on those
  // with one categorical (mixed_mlp -6.3 against -2.8, mixed_log -5.5 against -2.1).

  // Many parameters: the GP's ARD fit and acquisition search grow with the dimension and a
  // few hundred points cannot inform them; multivariate TPE's cost is linear in it.
  if (dimension > t.gpDimension) return { algorithm: 'multivariate-tpe', rule: 'high-dimensional' };
  // A GP's ask costs O(n³) in completed trials (about 0.2 s at 200, 1.2 s at 1000; bench
  // results/bayesianoptimization/latency.json); past AutoSampler's 250, TPE, which reads any
  // history, continues from the GP's trials at a few milliseconds per ask.
  if (completed >= t.gpTrials) return { algorithm: 'multivariate-tpe', rule: 'long-history' };
  // Otherwise a GP: at the benchmark's budgets (100 or 200 trials) the best of Scriba's
  // algorithms, or level with it, on every protocol function and mixed space measured; its
  // weakest rows are goldstein_price (CMA-ES's median lower by 0.67, p = 0.11, 10 seeds)
  // and styblinski_tang5 (multivariate TPE's lower by 0.12, p = 0.66).
  return { algorithm: 'bayesianoptimization', rule: 'gaussian-process' };
}
