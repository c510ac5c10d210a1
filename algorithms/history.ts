import { decodeValue, toUnit, type Domain, type ParameterValue, type SearchSpace } from '../src/search-space/index.js';
import { finiteValue, objectiveText } from '../src/trial/observation.js';
import type { TrialRecord } from '../src/trial/types.js';
import { createRecent } from './recent.js';
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
 * Decoding a long history on every request would dominate a suggestion, so the reader
 * remembers each trial's point and objective value: by assignment list (a Study keeps its
 * trial objects), else by experiment, parameters and trial name (a gRPC request brings new
 * objects each time), reused while the assignment's names and values and the objective's
 * recorded text are the same. Both are pure functions of those strings.
 */
export function createHistoryReader(pointOf: PointOf = toUnit): HistoryReader & { remembered(experiment: AlgorithmExperiment): number } {
  const byAssignments = new WeakMap<TrialRecord['parameterAssignments'], Remembered>();
  const byExperiment = createRecent<Map<string, Remembered>>(REMEMBERED_EXPERIMENTS);
  const memoryOf = (experiment: AlgorithmExperiment): Map<string, Remembered> =>
    byExperiment(`${experiment.name}\u0001${JSON.stringify(experiment.spec.parameters ?? [])}`, () => new Map());

  const decodePoint = (space: SearchSpace, assignments: TrialRecord['parameterAssignments']): number[] | null => {
    try {
      const byName = new Map(assignments.map((a) => [a.name, a.value]));
      return space.domains.map((d) => pointOf(d, decodeValue(d, byName.get(d.name) ?? '')));
    } catch {
      return null;
    }
  };

  const read: HistoryReader = (experiment, space, trials) => {
    const memory = memoryOf(experiment);
    const rememberedOf = (trial: TrialRecord): Remembered => {
      const assignments = trial.parameterAssignments;
      const own = byAssignments.get(assignments);
      if (own) return own;
      const named = memory.get(trial.name);
      if (named && sameAssignments(named.assignments, assignments)) return named;
      const fresh: Remembered = { assignments: assignments.map((a) => [a.name, a.value]), point: decodePoint(space, assignments) };
      memory.set(trial.name, fresh);
      // Only new assignment lists go in the WeakMap: a Study's are found there next time; a
      // gRPC request's are garbage after it, and filling the WeakMap with them costs more than it saves.
      byAssignments.set(assignments, fresh);
      return fresh;
    };
    const objective = experiment.spec.objective;
    const sign = objective?.type === 'maximize' ? -1 : 1;
    const observations: Observed[] = [];
    const pending: number[][] = [];
    trials.forEach((trial, order) => {
      const running = trial.condition === 'Created' || trial.condition === 'Running';
      const done = trial.condition === 'Succeeded' || trial.condition === 'EarlyStopped';
      if (!running && !done) return;
      const remembered = rememberedOf(trial);
      const point = remembered.point;
      if (point === null) return;
      if (running) {
        pending.push(point);
        return;
      }
      if (!objective) return;
      const text = objectiveText(trial, objective);
      if (text !== remembered.text) {
        remembered.text = text;
        remembered.value = finiteValue(text);
      }
      const value = remembered.value;
      if (value !== undefined) observations.push({ point, value: sign * value, order });
    });
    forgetAbsent(memory, trials);
    return { observations, pending };
  };
  /** How many trials of the experiment it remembers by name. */
  const remembered = (experiment: AlgorithmExperiment): number => memoryOf(experiment).size;
  return Object.assign(read, { remembered });
}

/**
 * Requests may name different trials each time (a gRPC client is free to): once the memory
 * holds many more trials than the request, the ones it did not bring are forgotten, so that
 * memory follows the largest request, not the sum of all requests.
 */
function forgetAbsent(memory: Map<string, Remembered>, trials: readonly TrialRecord[]): void {
  if (memory.size <= 2 * trials.length + 1024) return;
  const present = new Set(trials.map((t) => t.name));
  for (const name of memory.keys()) if (!present.has(name)) memory.delete(name);
}

/** How many experiments a reader remembers trials of by name (least recently used first out). */
const REMEMBERED_EXPERIMENTS = 16;

/** What the reader keeps of a trial: its assignment as strings, its point, its objective as recorded and as a number. */
interface Remembered {
  assignments: (readonly [string, string])[];
  point: number[] | null;
  text?: string | undefined;
  value?: number | undefined;
}

function sameAssignments(remembered: readonly (readonly [string, string])[], assignments: TrialRecord['parameterAssignments']): boolean {
  if (remembered.length !== assignments.length) return false;
  for (let i = 0; i < assignments.length; i++) {
    const [name, value] = remembered[i] as readonly [string, string];
    const a = assignments[i] as TrialRecord['parameterAssignments'][number];
    if (a.name !== name || a.value !== value) return false;
  }
  return true;
}
