import { decodeValue, toUnit, type Domain, type ParameterValue, type SearchSpace } from '../src/search-space/index.js';
import { objectiveValue } from '../src/trial/observation.js';
import type { TrialRecord } from '../src/trial/types.js';
import type { AlgorithmExperiment } from './types.js';

/** A finished trial as a model-based algorithm sees it: its point, its value to minimise, its creation order. */
export interface Observed {
  point: readonly number[];
  /** The objective value, negated for maximize: every model minimises. */
  value: number;
  /** The trial's index in the experiment's trials. */
  order: number;
}

export interface History {
  observations: Observed[];
  /** Points of trials that are created or running: suggestions must not repeat them. */
  pending: (readonly number[])[];
}

/** A parameter value's coordinate in the algorithm's own encoding (by default its unit-cube coordinate). */
export type PointOf = (d: Domain, value: ParameterValue) => number;

/** Reads a history from an experiment's trials, for one space. */
export type HistoryReader = (experiment: AlgorithmExperiment, space: SearchSpace, trials: readonly TrialRecord[]) => History;

/**
 * What model-based algorithms learn from (Katib's rule for hyperopt, Optuna and skopt):
 * Succeeded and EarlyStopped trials with a finite objective value, negated for maximize;
 * trials still created or running are pending. Failed trials and assignments that no
 * longer fit the space are left out.
 *
 * The reader caches decoded points by assignment list and values by observation (pure
 * functions of the trial records), sparing a re-parse of the whole history per request.
 */
export function createHistoryReader(pointOf: PointOf = toUnit): HistoryReader {
  const points = new WeakMap<TrialRecord['parameterAssignments'], number[] | null>();
  const values = new WeakMap<NonNullable<TrialRecord['observation']>, number | null>();

  const decodePoint = (space: SearchSpace, assignments: TrialRecord['parameterAssignments']): number[] | null => {
    try {
      const byName = new Map(assignments.map((a) => [a.name, a.value]));
      return space.domains.map((d) => pointOf(d, decodeValue(d, byName.get(d.name) ?? '')));
    } catch {
      return null;
    }
  };

  return (experiment, space, trials) => {
    const objective = experiment.spec.objective;
    const sign = objective?.type === 'maximize' ? -1 : 1;
    const observations: Observed[] = [];
    const pending: number[][] = [];
    trials.forEach((trial, order) => {
      const running = trial.condition === 'Created' || trial.condition === 'Running';
      const done = trial.condition === 'Succeeded' || trial.condition === 'EarlyStopped';
      if (!running && !done) return;
      let point = points.get(trial.parameterAssignments);
      if (point === undefined) {
        point = decodePoint(space, trial.parameterAssignments);
        points.set(trial.parameterAssignments, point);
      }
      if (point === null) return;
      if (running) {
        pending.push(point);
        return;
      }
      const observation = trial.observation;
      if (!observation || !objective) return;
      let value = values.get(observation);
      if (value === undefined) {
        value = objectiveValue(trial, objective) ?? null;
        values.set(observation, value);
      }
      if (value !== null && Number.isFinite(value)) observations.push({ point, value: sign * value, order });
    });
    return { observations, pending };
  };
}
