import { createRng, type Rng } from '../../src/rng.js';
import { compileSpace, encodeValue, fromUnit } from '../../src/search-space/index.js';
import type { ParameterAssignment } from '../../src/trial/types.js';
import { createHistoryReader, type Observed } from '../history.js';
import { requireParameters } from '../settings.js';
import type { Algorithm } from '../types.js';
import { hedgeChoice, type AcquisitionName } from './acquisition.js';
import { maximinLatinHypercube } from './design.js';
import { coordinateOf, encodingOf, isSmooth, valueAt, type Encoding } from './encoding.js';
import { fitModel } from './fit.js';
import { maximizeAcquisitions } from './maximize.js';
import { warpedValues } from './outputs.js';
import { addFantasy, workspaceFor, type GpModel, type Workspace } from './posterior.js';
import { readSettings, validateBayesianSettings, type BayesianOptimizationSettings } from './settings.js';

/**
 * Gaussian-process Bayesian optimisation (Katib's `bayesianoptimization`, served by skopt
 * there). Each request refits the GP to every finished trial and maximises the
 * acquisition; nothing is kept between requests.
 *
 * - The first `n_initial_points` trials (default 10) are rows of one maximin Latin
 *   hypercube, seeded by the experiment alone so the rows of different requests fit
 *   together; later ones, or all of them after failed trials, are uniform draws.
 * - The model: Matern-5/2 ARD on the encoding of `encoding.ts`, values standardised and
 *   warped (`outputs.ts`), hyperparameters by maximum a posteriori (`fit.ts`).
 * - `acq_func`: EI (as LogEI), PI, LCB or gp_hedge; `acq_optimizer`: lbfgs (screening plus
 *   gradient refinement), sampling (screening only), auto (lbfgs if any parameter is
 *   continuous or has too many values to sweep, else sampling).
 * - Batches and running trials: kriging believer, each pending point a fantasised
 *   observation at its posterior mean.
 *
 * Suggestion i of a request draws from `createRng(random_state ?? seed, name,
 * trials.length + i)`.
 *
 * @example
 *   const reply = await createBayesianOptimization().getSuggestions({ experiment, trials, count: 1, seed: 0 });
 */
export function createBayesianOptimization(): Algorithm {
  const name = 'bayesianoptimization';
  const history = createHistoryReader(coordinateOf);
  return {
    name,
    validateSettings: (experiment) => [...validateBayesianSettings(experiment, name), ...requireParameters(experiment, name)],
    async getSuggestions({ experiment, trials, count, seed }) {
      const space = compileSpace(experiment.spec.parameters ?? []);
      const encoding = encodingOf(space);
      const settings = readSettings(experiment);
      const base = settings.randomState ?? seed;
      const { observations, pending } = history(experiment, space, trials);
      const taken: Float64Array[] = [...observations.map((o) => Float64Array.from(o.point)), ...pending.map((p) => Float64Array.from(p))];
      const batch: Float64Array[] = [];
      let model: { gp: GpModel; work: Workspace } | undefined;
      const assignments: ParameterAssignment[][] = [];
      for (let i = 0; i < count; i++) {
        const index = trials.length + i;
        const rng = createRng(base, name, index);
        let point: Float64Array;
        if (observations.length === 0 || observations.length + pending.length + i < settings.nInitialPoints) {
          point = initialPoint(encoding, settings.nInitialPoints, index, createRng(base, name, 'initial design'), rng);
        } else {
          if (!model) {
            model = buildModel(encoding, observations, [...pending.map((p) => Float64Array.from(p)), ...batch], count - i, rng);
          }
          point = modelPoint(model.gp, model.work, encoding, settings, observations, rng);
          point = unseen(point, taken, encoding, rng);
        }
        if (model && i < count - 1) addFantasy(model.gp, point, model.work);
        batch.push(point);
        taken.push(point);
        assignments.push(space.domains.map((d, j) => ({ name: d.name, value: encodeValue(d, valueAt(d, point[j] as number)) })));
      }
      return { assignments };
    },
  };
}

/** Row `index` of the experiment's initial Latin hypercube, or a uniform draw past its end. */
function initialPoint(encoding: Encoding, size: number, index: number, designRng: Rng, rng: Rng): Float64Array {
  const d = encoding.coordinates.length;
  if (index >= size) return randomPoint(encoding, rng);
  const design = maximinLatinHypercube(size, d, designRng);
  return toCoordinates(encoding, design.subarray(index * d, (index + 1) * d));
}

function randomPoint(encoding: Encoding, rng: Rng): Float64Array {
  return toCoordinates(
    encoding,
    Float64Array.from(encoding.coordinates, () => rng.next()),
  );
}

/** GP coordinates of the parameter values at a point of the unit cube (the shared transform). */
function toCoordinates(encoding: Encoding, u: Float64Array): Float64Array {
  return Float64Array.from(encoding.space.domains, (d, j) => coordinateOf(d, fromUnit(d, u[j] as number)));
}

function buildModel(encoding: Encoding, observations: readonly Observed[], pending: readonly Float64Array[], spare: number, rng: Rng): { gp: GpModel; work: Workspace } {
  const n = observations.length;
  const d = encoding.coordinates.length;
  const x = new Float64Array(n * d);
  observations.forEach((o, k) => x.set(o.point, k * d));
  const y = warpedValues(observations.map((o) => o.value));
  let best = Infinity;
  for (const v of y) best = Math.min(best, v);
  const gp = fitModel({ x, y, n, d, categorical: encoding.categorical }, best, { rng, spare: pending.length + spare });
  const work = workspaceFor(gp);
  for (const p of pending) addFantasy(gp, p, work);
  return { gp, work };
}

/** The incumbents that local candidates start from: the three best observations. */
function anchorsOf(observations: readonly Observed[]): Float64Array[] {
  return [...observations]
    .sort((a, b) => a.value - b.value)
    .slice(0, 3)
    .map((o) => Float64Array.from(o.point));
}

function modelPoint(
  gp: GpModel,
  work: Workspace,
  encoding: Encoding,
  settings: BayesianOptimizationSettings,
  observations: readonly Observed[],
  rng: Rng,
): Float64Array {
  const names: AcquisitionName[] = settings.acqFunc === 'gp_hedge' ? ['EI', 'PI', 'LCB'] : [settings.acqFunc];
  const gradient = settings.acqOptimizer === 'lbfgs' || (settings.acqOptimizer === 'auto' && encoding.coordinates.some(isSmooth));
  const candidates = candidateCount(gp.n, gp.d) * (gradient ? 1 : 2);
  const nominees = maximizeAcquisitions(gp, work, {
    encoding,
    names,
    rng,
    candidates,
    anchors: anchorsOf(observations),
    starts: gradient ? (names.length > 1 ? 3 : 5) : 0,
    // Each refinement step solves with the factor twice (≈ n² flops): 30 steps up to n ≈ 700.
    maxEvaluations: Math.max(10, Math.min(30, Math.round(1.5e7 / (gp.n * gp.n)))),
  });
  const chosen = names.length > 1 ? hedgeChoice(nominees.map((m) => -m.mean), rng) : 0;
  return (nominees[chosen] ?? (nominees[0] as (typeof nominees)[number])).point;
}

/**
 * Candidates screened per suggestion: up to 1000, fewer once the history is large, since
 * each costs a triangular solve of order n and n correlations (in 6-D: 909 at n = 100,
 * 312 at n = 200, the floor of 256 from n = 230).
 */
function candidateCount(n: number, d: number): number {
  return Math.max(256, Math.min(1000, Math.round(2e7 / (n * n + 20 * n * d))));
}

/**
 * The model's point, unless it repeats an observed or pending one (in a discrete space the
 * acquisition's maximum often is the incumbent itself): then the first of up to 100 uniform
 * draws that repeats nothing.
 */
function unseen(point: Float64Array, taken: readonly Float64Array[], encoding: Encoding, rng: Rng): Float64Array {
  if (!taken.some((t) => equal(t, point))) return point;
  for (let attempt = 0; attempt < 100; attempt++) {
    const candidate = randomPoint(encoding, rng);
    if (!taken.some((t) => equal(t, candidate))) return candidate;
  }
  return point;
}

function equal(a: Float64Array, b: Float64Array): boolean {
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
  return true;
}
