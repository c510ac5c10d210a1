import { compileSpace, decodeAssignments, type ParameterValue, type SearchSpace } from '../search-space/index.js';
import type { ExperimentCondition, ExperimentState } from '../loop/state.js';
import { bestTrial, counts, experimentStatus, objectiveOf } from '../loop/state.js';
import type { TrialCounts } from '../loop/status.js';
import { objectiveValue } from '../trial/observation.js';
import type {
  MetricLog,
  Observation,
  ParameterAssignment,
  TrialCondition,
  TrialConditionType,
  TrialRecord,
} from '../trial/types.js';

/** Trial values by parameter name, as `tune()` and a Study type them from `parameters`. */
export type Values = Record<string, ParameterValue>;

export interface TrialResult<P extends Values = Values> {
  name: string;
  /** Typed values: numbers for double, int and discrete; the listed strings for categorical. */
  parameters: P;
  /** The same values as Katib writes them. */
  parameterAssignments: ParameterAssignment[];
  /** Labels the algorithm gave the trial (pbt: its generation and parent), if any. */
  labels?: Record<string, string>;
  condition: TrialConditionType;
  reason: string;
  message: string;
  conditions: TrialCondition[];
  /** Per metric: min, max and latest, as Katib records them (strings, or `unavailable`). */
  observation: Observation;
  /** The objective by its metric strategy, when it is a finite number. */
  value?: number;
  /** Every reported value, in order (Katib's observation log). */
  logs: MetricLog[];
  startTime?: string;
  completionTime?: string;
}

export interface ExperimentResult<P extends Values = Values> {
  name: string;
  /** Katib's experiment condition: Succeeded or Failed once complete, Running before. */
  status: 'Created' | 'Running' | 'Restarting' | 'Succeeded' | 'Failed';
  /**
   * Katib's reason, e.g. ExperimentMaxTrialsReached, ExperimentGoalReached, ExperimentFailed,
   * or Scriba's ExperimentTimeoutReached (`tune()`'s timeout).
   */
  reason: string;
  message: string;
  seed: number;
  bestTrial?: TrialResult<P>;
  trials: TrialResult<P>[];
  counts: TrialCounts;
  conditions: ExperimentCondition[];
}

/** A snapshot of the experiment as plain data, detached from the live state. */
export function toResult(state: ExperimentState): ExperimentResult {
  const space = compileSpace(state.experiment.spec.parameters ?? []);
  const best = bestTrial(state);
  return {
    name: state.experiment.metadata.name,
    ...experimentStatus(state),
    seed: state.seed,
    ...(best ? { bestTrial: toTrialResult(state, best, space) } : {}),
    trials: state.trials.map((t) => toTrialResult(state, t, space)),
    counts: counts(state),
    conditions: structuredClone(state.conditions),
  };
}

/** One trial as plain data, with typed parameters and its objective value. */
export function toTrialResult(
  state: ExperimentState,
  t: TrialRecord,
  space: SearchSpace = compileSpace(state.experiment.spec.parameters ?? []),
): TrialResult {
  const latest = t.conditions[t.conditions.length - 1];
  const value = objectiveValue(t, objectiveOf(state));
  return structuredClone({
    name: t.name,
    parameters: decodeAssignments(space, t.parameterAssignments),
    parameterAssignments: t.parameterAssignments,
    ...(t.labels ? { labels: { ...t.labels } } : {}),
    condition: t.condition,
    reason: latest?.reason ?? '',
    message: latest?.message ?? '',
    conditions: t.conditions,
    observation: t.observation ?? { metrics: [] },
    ...(value !== undefined ? { value } : {}),
    logs: state.logs.get(t.name) ?? [],
    ...(t.startTime ? { startTime: t.startTime } : {}),
    ...(t.completionTime ? { completionTime: t.completionTime } : {}),
  });
}
