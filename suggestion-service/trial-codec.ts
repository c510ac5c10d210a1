import type { ObjectiveSpec } from '../src/experiment/types.js';
import { strategyFor, strategyValue } from '../src/trial/observation.js';
import type { ParameterAssignment, TrialConditionType, TrialRecord } from '../src/trial/types.js';
import { encodeObjective } from './experiment-codec.js';
import type { WireTrial, WireTrialCondition } from './wire.js';

/** Pure conversions of trials between Katib's wire messages and the plugin's TrialRecord. */

const CONDITIONS: Readonly<Record<WireTrialCondition, TrialConditionType>> = {
  CREATED: 'Created',
  RUNNING: 'Running',
  SUCCEEDED: 'Succeeded',
  KILLED: 'Killed',
  FAILED: 'Failed',
  METRICSUNAVAILABLE: 'MetricsUnavailable',
  EARLYSTOPPED: 'EarlyStopped',
  UNKNOWN: 'Created',
};
const WIRE_CONDITIONS: Readonly<Record<TrialConditionType, WireTrialCondition>> = {
  Created: 'CREATED',
  Running: 'RUNNING',
  Succeeded: 'SUCCEEDED',
  Killed: 'KILLED',
  Failed: 'FAILED',
  MetricsUnavailable: 'METRICSUNAVAILABLE',
  EarlyStopped: 'EARLYSTOPPED',
};

/** Katib's zero time, which the controller may send for an unset time. */
const ZERO_TIME = '0001-01-01T00:00:00';

function time(text: string | undefined): string | undefined {
  return text && !text.startsWith(ZERO_TIME) ? text : undefined;
}

/** What a wire Trial holds that a plugin uses, however it was decoded. */
export interface TrialParts {
  name: string;
  assignments: ParameterAssignment[];
  /** The wire condition: a name, or a number the .proto does not name; undefined without status. */
  condition: string | number | undefined;
  startTime: string;
  completionTime: string;
  metrics: Array<{ name: string; value: string }>;
  labels: Record<string, string> | undefined;
}

/**
 * A plugin trial record from a wire Trial's parts. Katib sends one value per metric,
 * chosen by its strategy: it becomes min, max and latest at once. UNKNOWN and numbers
 * the .proto does not name are Created (Katib sends UNKNOWN for a trial with no
 * condition yet); "" and Katib's zero time are unset times.
 */
export function trialFromParts(p: TrialParts): TrialRecord {
  const condition = typeof p.condition === 'string' && Object.hasOwn(CONDITIONS, p.condition) ? CONDITIONS[p.condition as WireTrialCondition] : 'Created';
  const startTime = time(p.startTime);
  const completionTime = time(p.completionTime);
  const record: TrialRecord = {
    name: p.name,
    parameterAssignments: p.assignments,
    condition,
    conditions: [{ type: condition, status: 'True', reason: '', message: '', lastTransitionTime: completionTime ?? startTime ?? '' }],
    creationTime: startTime ?? '',
  };
  if (startTime) record.startTime = startTime;
  if (completionTime) record.completionTime = completionTime;
  if (p.metrics.length > 0) record.observation = { metrics: p.metrics.map((m) => ({ name: m.name, min: m.value, max: m.value, latest: m.value })) };
  if (p.labels && Object.keys(p.labels).length > 0) record.labels = p.labels;
  return record;
}

export function decodeTrial(t: WireTrial): TrialRecord {
  return trialFromParts({
    name: t.name ?? '',
    assignments: (t.spec?.parameterAssignments?.assignments ?? []).map((a) => ({ name: a.name ?? '', value: a.value ?? '' })),
    condition: t.status?.condition,
    startTime: t.status?.startTime ?? '',
    completionTime: t.status?.completionTime ?? '',
    metrics: (t.status?.observation?.metrics ?? []).map((m) => ({ name: m.name ?? '', value: m.value ?? '' })),
    labels: t.spec?.labels ? { ...t.spec.labels } : undefined,
  });
}

/** Wire trials as plugin records, in creation order (see `inCreationOrder`). */
export function decodeTrials(trials: readonly WireTrial[] | undefined): TrialRecord[] {
  return inCreationOrder((trials ?? []).map(decodeTrial));
}

/**
 * Trials in creation order. Katib lists trials by name; their start time (set when the
 * trial is created) restores the order, with ties and trials not started yet kept in the
 * order received. Returns the same array when it is in order already.
 */
export function inCreationOrder(records: TrialRecord[]): TrialRecord[] {
  if (inTextOrder(records)) return records;
  const key = records.map((t) => {
    const ms = t.startTime === undefined ? NaN : Date.parse(t.startTime);
    return Number.isNaN(ms) ? Infinity : ms;
  });
  const order = records.map((_, i) => i);
  order.sort((a, b) => (key[a] as number) - (key[b] as number) || a - b);
  return order.map((i) => records[i] as TrialRecord);
}

/**
 * Whether the start times are all set, in one UTC format (same length, `T` at 10, `Z`
 * last) and ascending as text, which for RFC 3339 is ascending in time: the usual case,
 * checked without parsing a date. (A malformed time of that shape, such as month 13,
 * then keeps its place instead of going last.)
 */
function inTextOrder(records: readonly TrialRecord[]): boolean {
  let previous: string | undefined;
  for (const t of records) {
    const s = t.startTime;
    if (s === undefined || s.charCodeAt(10) !== 84 || s.charCodeAt(s.length - 1) !== 90) return false;
    if (previous !== undefined && (s.length !== previous.length || s < previous)) return false;
    previous = s;
  }
  return true;
}

/**
 * A trial as Katib's controller sends it: the latest condition, and one value per metric
 * by the metric's strategy ("" when the metric was never observed).
 */
export function encodeTrial(t: TrialRecord, objective?: ObjectiveSpec): WireTrial {
  const metrics = (t.observation?.metrics ?? []).map((m) => ({
    name: m.name,
    value: objective ? strategyValue(m, strategyFor(objective, m.name)) : m.latest,
  }));
  return {
    name: t.name,
    spec: {
      objective: objective ? encodeObjective(objective) : null,
      parameterAssignments: { assignments: t.parameterAssignments.map((a) => ({ name: a.name, value: a.value })) },
      labels: t.labels ?? {},
    },
    status: {
      startTime: t.startTime ?? '',
      completionTime: t.completionTime ?? '',
      condition: WIRE_CONDITIONS[t.condition],
      observation: { metrics },
    },
  };
}
