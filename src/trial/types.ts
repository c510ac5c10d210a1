/**
 * Trials as Katib records them: string-valued assignments, a condition history,
 * observation logs and the per-metric observation (min / max / latest).
 */

/** Katib's parameter assignment: every value travels as a string. */
export interface ParameterAssignment {
  name: string;
  value: string;
}

export type TrialConditionType =
  | 'Created'
  | 'Running'
  | 'Succeeded'
  | 'Killed'
  | 'Failed'
  | 'MetricsUnavailable'
  | 'EarlyStopped';

/** Conditions after which a trial never changes again (Katib §2.5 "Completed"). */
export const COMPLETED_CONDITIONS: readonly TrialConditionType[] = [
  'Succeeded',
  'Killed',
  'Failed',
  'EarlyStopped',
  'MetricsUnavailable',
];

export interface TrialCondition {
  type: TrialConditionType;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/** The value Katib records for a metric that was never reported. */
export const UNAVAILABLE = 'unavailable';

/** One row of Katib's observation log: (trial, timestamp, metric, value). */
export interface MetricLog {
  timeStamp: string;
  name: string;
  value: string;
}

/** A metric's summary over its log; each field is a number as a string, or `unavailable`. */
export interface MetricObservation {
  name: string;
  min: string;
  max: string;
  latest: string;
}

export interface Observation {
  metrics: MetricObservation[];
}

export interface TrialRecord {
  name: string;
  parameterAssignments: ParameterAssignment[];
  /** The latest condition type (Katib: the last element of status.conditions). */
  condition: TrialConditionType;
  conditions: TrialCondition[];
  observation?: Observation;
  labels?: Record<string, string>;
  creationTime: string;
  startTime?: string;
  completionTime?: string;
}

export function isCompleted(condition: TrialConditionType): boolean {
  return COMPLETED_CONDITIONS.includes(condition);
}
