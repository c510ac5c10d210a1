import { createRng } from '../../src/rng.js';
import { initialDistribution, type Distribution } from './distribution.js';
import { applyMargin, defaultMargin } from './margin.js';
import { strategyParameters } from './parameters.js';
import { separableParameters } from './separable.js';
import { firstRun, nextRun, type RestartStrategy, type RunPlan } from './restart.js';
import { sampleCandidate, type Candidate } from './sample.js';
import type { CmaSpace } from './space.js';
import { appendGeneration, EMPTY_LOG, terminationReason, type RunLog } from './termination.js';
import { updateDistribution } from './update.js';

/**
 * CMA-ES as a sequence of generations and runs, every step a pure function of the
 * configuration and what was told: the ask/tell core the plugin replays from the trials.
 */
export interface CmaConfig {
  space: CmaSpace;
  strategy: RestartStrategy;
  /** Default initial step size in the unit cube. */
  sigma0: number;
  /** Default population size. */
  lambda0: number;
  /** Factor of the population size from one large restart to the next (IPOP, BIPOP). */
  incPopsize: number;
  /** Learning-rate adaptation (Nomura et al. 2023). */
  lrAdapt: boolean;
  /** Separable CMA-ES: C kept diagonal (Ros & Hansen 2008). */
  separable: boolean;
  /** Seed of every stream: `random_state`, or the experiment's seed. */
  seed: number;
}

/** Where the search stands: the current run, its distribution and its log. */
export interface RunState {
  plan: RunPlan;
  dist: Distribution;
  /** This run's initial step size, the yardstick of TolX and TolUpSigma. */
  sigma0: number;
  log: RunLog;
}

/** What one evaluated candidate contributes to an update. */
export interface Told {
  /** The candidate's slot in its generation. */
  slot: number;
  /** Objective value to minimise. */
  value: number;
  /** Its evaluated point in CMA-ES coordinates, as decoded from the trial's assignment. */
  point: ArrayLike<number>;
}

/** The state before anything is told: run 0 at the centre of the cube. */
export function initialState(config: CmaConfig): RunState {
  return startRun(config, firstRun(config.lambda0));
}

function startRun(config: CmaConfig, plan: RunPlan): RunState {
  const n = config.space.n;
  // The first run starts at the centre, as Optuna's CmaEsSampler; restarts at a uniform
  // random point of the cube, as Auger & Hansen (2005) do.
  const rng = createRng(config.seed, 'cmaes-start', plan.index);
  const mean = Array.from({ length: n }, () => (plan.index === 0 ? 0.5 : rng.next()));
  const sigma0 = config.sigma0 * plan.sigmaFactor;
  const params = config.separable ? separableParameters(n, plan.lambda) : strategyParameters(n, plan.lambda);
  return { plan, dist: initialDistribution(params, mean, sigma0, config.lrAdapt), sigma0, log: EMPTY_LOG };
}

/** The candidate in `slot` of the current generation: a function of the state and (seed, run, generation, slot) alone. */
export function candidateFor(config: CmaConfig, state: RunState, slot: number): Candidate {
  const rng = createRng(config.seed, 'cmaes', state.plan.index, state.dist.generation, slot);
  return sampleCandidate(state.dist, config.space.kinds, rng);
}

/**
 * The point an update uses for a told candidate: the raw sample (for a discrete
 * coordinate its continuous value, which the margin method learns from, Hamano et al.
 * 2022 §3), recomputed from the slot, when it encodes to the evaluated assignment;
 * otherwise, for a trial whose values were changed after it was suggested, the decoded
 * point itself.
 */
export function toldPoint(config: CmaConfig, state: RunState, told: Told): Float64Array {
  const candidate = candidateFor(config, state, told.slot);
  const { kinds } = config.space;
  for (let j = 0; j < config.space.n; j++) {
    const units = config.space.units[j];
    const expected = kinds.thresholds[j] === undefined || units === undefined ? (candidate.x[j] as number) : (units[candidate.cells[j] as number] as number);
    if (!(Math.abs(expected - (told.point[j] as number)) <= 1e-9)) return Float64Array.from(told.point);
  }
  return candidate.x;
}

/**
 * Tells the current generation its λ evaluated candidates, in creation order: the update
 * (Hansen 2016, eqs. 41–47), the margin correction of discrete coordinates, and, when a
 * termination criterion holds, the next run of the restart strategy.
 */
export function advance(config: CmaConfig, state: RunState, told: readonly Told[]): RunState {
  const xs = told.map((t) => toldPoint(config, state, t));
  const fs = told.map((t) => t.value);
  let dist = updateDistribution(state.dist, xs, fs);
  if (config.space.kinds.thresholds.some((t) => t !== undefined)) {
    dist = applyMargin(dist, config.space.kinds, defaultMargin(dist.params.n, dist.params.lambda));
  }
  const log = appendGeneration(state.log, fs);
  const next: RunState = { plan: state.plan, dist, sigma0: state.sigma0, log };
  if (!finite(dist)) {
    // A distribution that overflowed cannot sample; even without a restart strategy the
    // run starts again with its own settings.
    return startRun(config, { ...state.plan, index: state.plan.index + 1 });
  }
  if (terminationReason(dist, log, state.sigma0, state.plan.maxGenerations) === undefined) return next;
  const uniforms = createRng(config.seed, 'cmaes-restart', state.plan.index + 1);
  const plan = nextRun(config.strategy, state.plan, state.plan.lambda * log.length, config.lambda0, uniforms, config.incPopsize);
  return plan ? startRun(config, plan) : next;
}

function finite(dist: Distribution): boolean {
  if (!(dist.sigma > 0 && Number.isFinite(dist.sigma))) return false;
  for (const v of dist.mean) if (!Number.isFinite(v)) return false;
  for (const v of dist.C) if (!Number.isFinite(v)) return false;
  return true;
}
