import { failureCauses, formatFailureCause, type FailureCause } from '../loop/failures.js';
import { bestTrial, counts, experimentStatus, objectiveOf, type ExperimentState } from '../loop/state.js';
import { completedCount } from '../loop/status.js';
import { objectiveValue, strategyFor } from '../trial/observation.js';
import type { TrialRecord } from '../trial/types.js';

/** The end-of-run summary, in the shapes of Katib's Experiment status (katib-spec §2.1). */
export interface RunSummary {
  name: string;
  status: string;
  reason: string;
  message: string;
  trials: { total: number; succeeded: number; failed: number; earlyStopped: number; metricsUnavailable: number; killed: number; running: number; pending: number };
  bestTrial?: {
    name: string;
    parameterAssignments: TrialRecord['parameterAssignments'];
    observation: NonNullable<TrialRecord['observation']>;
  };
  /** Why trials failed, most frequent first; only when some did. */
  failures?: FailureCause[];
}

/** Significant digits of every number shown to people (tables, summaries, progress). */
const SIGNIFICANT = 6;

/**
 * One rule for numbers: 6 significant digits, no float noise (0.30000000000000004 is 0.3),
 * no trailing zeros; text that is not a number (`unavailable`) as it is.
 */
export function formatNumber(value: string | number | undefined): string {
  if (value === undefined) return '-';
  const x = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(x)) return String(value);
  return String(Number(x.toPrecision(SIGNIFICANT)));
}

export function summarize(state: ExperimentState): RunSummary {
  const c = counts(state);
  const best = bestTrial(state);
  const failures = failureCauses(state.trials);
  return {
    name: state.experiment.metadata.name,
    ...experimentStatus(state),
    trials: {
      total: c.total,
      succeeded: c.succeeded,
      failed: c.failed,
      earlyStopped: c.earlyStopped,
      metricsUnavailable: c.metricsUnavailable,
      killed: c.killed,
      running: c.running,
      pending: c.pending,
    },
    ...(best
      ? { bestTrial: { name: best.name, parameterAssignments: best.parameterAssignments, observation: best.observation ?? { metrics: [] } } }
      : {}),
    ...(failures.length > 0 ? { failures } : {}),
  };
}

/** The summary for people: status, counts and the best trial. */
export function formatSummary(s: RunSummary): string {
  const t = s.trials;
  const lines = [
    `Experiment ${s.name} ${s.status} (${s.reason}): ${s.message}`,
    `Trials: ${t.total} total, ${t.succeeded} succeeded, ${t.failed} failed, ${t.earlyStopped} early stopped, ${t.metricsUnavailable} metrics unavailable, ${t.killed} killed`,
  ];
  if (s.bestTrial) {
    lines.push(`Best trial ${s.bestTrial.name}: ${formatAssignments(s.bestTrial.parameterAssignments)}`, `  ${formatMetrics(s.bestTrial.observation)}`);
  } else {
    const finished = s.status === 'Succeeded' || s.status === 'Failed';
    lines.push(finished ? 'No best trial: no trial succeeded with a usable objective value.' : 'No trial has an objective value yet.');
  }
  for (const cause of s.failures ?? []) lines.push(formatFailureCause(cause));
  return lines.join('\n');
}

/** `lr=0.0123457 hidden=16`: values that are numbers by the one rule, others as they are. */
export function formatAssignments(assignments: TrialRecord['parameterAssignments']): string {
  return assignments.map((a) => `${a.name}=${formatNumber(a.value)}`).join(' ');
}

/** `loss min=0.1 max=0.9 latest=0.1; accuracy ...` */
export function formatMetrics(observation: TrialRecord['observation']): string {
  return (observation?.metrics ?? []).map((m) => `${m.name} min=${formatNumber(m.min)} max=${formatNumber(m.max)} latest=${formatNumber(m.latest)}`).join('; ');
}

/** One line of progress: done / active / failed and the best value so far. */
export function progressLine(state: ExperimentState): string {
  const c = counts(state);
  const max = state.experiment.spec.maxTrialCount;
  const objective = objectiveOf(state);
  const best = bestTrial(state);
  const value = best ? objectiveValue(best, objective) : undefined;
  const bestText =
    value === undefined ? 'no objective value yet' : `best ${objective.objectiveMetricName}=${formatNumber(value)} (${strategyFor(objective, objective.objectiveMetricName)}) in ${best?.name}`;
  return `${state.experiment.metadata.name}: ${completedCount(c)}${max !== undefined ? `/${max}` : ''} done, ${c.running + c.pending} active, ${c.failed + c.metricsUnavailable} failed; ${bestText}`;
}

/** A kubectl-style table: upper-case headers, columns separated by three spaces. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('   ');
  return [line(headers), ...rows.map(line)].join('\n');
}

/** kubectl's age: 42s, 7m, 3h, 2d. */
export function age(since: string | undefined, now = Date.now()): string {
  if (!since) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
