import type { MetricStrategyType, ObjectiveSpec } from '../experiment/types.js';
import { ScribaError } from '../errors.js';
import {
  UNAVAILABLE,
  type MetricLog,
  type MetricObservation,
  type Observation,
  type TrialRecord,
} from './types.js';

/** The objective metric first, then the additional metrics, as Katib collects them. */
export function metricNames(objective: ObjectiveSpec): string[] {
  return [objective.objectiveMetricName, ...(objective.additionalMetricNames ?? [])];
}

/**
 * A metric's strategy: the experiment's, else Katib's default (katib-spec §2.2): min for
 * minimize, max for maximize, for the objective and (Katib's rule) additional metrics alike.
 */
export function strategyFor(objective: ObjectiveSpec, metric: string): MetricStrategyType {
  const explicit = objective.metricStrategies?.find((s) => s.name === metric);
  if (explicit) return explicit.value;
  return objective.type === 'maximize' ? 'max' : 'min';
}

/** A log value as a number, or `undefined` when it is not one (NaN counts as not a number). */
export function numericValue(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === UNAVAILABLE) return undefined;
  const lower = trimmed.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  const x = Number(trimmed);
  return Number.isNaN(x) ? undefined : x;
}

/** Milliseconds since the epoch of an RFC 3339 timestamp; a malformed one is an error (Katib §6). */
export function timestampMs(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new ScribaError('invalid-argument', `malformed metric timestamp "${text}": expected RFC 3339`);
  return ms;
}

/**
 * Summarises observation logs per metric as Katib's trial controller does (§6): every
 * field starts `unavailable`; numeric values update min and max; latest is the value
 * with the greatest timestamp (ties go to the later entry), numeric or not.
 */
export function observe(logs: readonly MetricLog[], names: readonly string[]): Observation {
  const metrics = names.map((name): MetricObservation => {
    let min = UNAVAILABLE;
    let max = UNAVAILABLE;
    let latest = UNAVAILABLE;
    let latestMs = -Infinity;
    for (const log of logs) {
      if (log.name !== name) continue;
      const ms = timestampMs(log.timeStamp);
      if (ms >= latestMs) {
        latestMs = ms;
        latest = log.value;
      }
      const x = numericValue(log.value);
      if (x === undefined) continue;
      if (min === UNAVAILABLE || x < Number(min)) min = formatMetric(x);
      if (max === UNAVAILABLE || x > Number(max)) max = formatMetric(x);
    }
    return { name, min, max, latest };
  });
  return { metrics };
}

/** The value Katib takes from an observation by strategy (§3.1 step 5): min or max, else latest. */
export function strategyValue(m: MetricObservation, strategy: MetricStrategyType): string {
  if (strategy === 'min') return m.min !== UNAVAILABLE ? m.min : m.latest;
  if (strategy === 'max') return m.max !== UNAVAILABLE ? m.max : m.latest;
  return m.latest;
}

/** Whether the objective was observed at all: Katib's test for Succeeded vs MetricsUnavailable. */
export function objectiveAvailable(observation: Observation | undefined, objective: ObjectiveSpec): boolean {
  const m = observation?.metrics.find((x) => x.name === objective.objectiveMetricName);
  return m !== undefined && m.latest !== UNAVAILABLE;
}

/**
 * The trial's objective value by its strategy, when it is a finite number. NaN, ±Infinity
 * and non-numeric values are recorded in the observation but never rank a trial.
 */
export function objectiveValue(trial: TrialRecord, objective: ObjectiveSpec): number | undefined {
  return finiteValue(objectiveText(trial, objective));
}

/** The objective metric's value as recorded, picked by the metric's strategy; undefined when not observed. */
export function objectiveText(trial: TrialRecord, objective: ObjectiveSpec): string | undefined {
  const m = trial.observation?.metrics.find((x) => x.name === objective.objectiveMetricName);
  return m && strategyValue(m, strategyFor(objective, m.name));
}

/** A recorded value that is text, not a number of any kind (a DARTS genotype); `nan` and `inf` are numbers. */
export function isText(text: string | undefined): boolean {
  if (text === undefined || text.trim() === '' || text === UNAVAILABLE || numericValue(text) !== undefined) return false;
  return !/^[+-]?nan$/i.test(text.trim());
}

/** A recorded value as a finite number, or undefined. */
export function finiteValue(text: string | undefined): number | undefined {
  const x = text === undefined ? undefined : numericValue(text);
  return x !== undefined && Number.isFinite(x) ? x : undefined;
}

/** Metric values as strings, the way Katib stores them. */
export function formatMetric(x: number | string): string {
  return typeof x === 'string' ? x : String(x);
}
