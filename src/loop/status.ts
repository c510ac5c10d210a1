import type { ExperimentSpec, ObjectiveSpec } from '../experiment/types.js';
import { objectiveValue } from '../trial/observation.js';
import type { TrialRecord } from '../trial/types.js';

/**
 * Katib's experiment-status arithmetic (katib-spec §3.1, §3.2) as pure functions over
 * the trial list.
 */

export interface TrialCounts {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  killed: number;
  earlyStopped: number;
  metricsUnavailable: number;
}

export interface TerminalCondition {
  type: 'Succeeded' | 'Failed';
  reason: string;
  message: string;
}

export const REASONS = {
  goalReached: 'ExperimentGoalReached',
  maxTrialsReached: 'ExperimentMaxTrialsReached',
  suggestionEndReached: 'ExperimentSuggestionEndReached',
  failed: 'ExperimentFailed',
} as const;

/** Counts trials by their latest condition (§3.1 step 4; Created counts as pending). */
export function countTrials(trials: readonly TrialRecord[]): TrialCounts {
  const c: TrialCounts = {
    total: trials.length,
    pending: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    killed: 0,
    earlyStopped: 0,
    metricsUnavailable: 0,
  };
  for (const t of trials) {
    switch (t.condition) {
      case 'Killed': c.killed++; break;
      case 'Failed': c.failed++; break;
      case 'Succeeded': c.succeeded++; break;
      case 'EarlyStopped': c.earlyStopped++; break;
      case 'Running': c.running++; break;
      case 'MetricsUnavailable': c.metricsUnavailable++; break;
      default: c.pending++;
    }
  }
  return c;
}

/** Trials that are not finished: pending + running. */
export function activeCount(c: TrialCounts): number {
  return c.pending + c.running;
}

/** Trials that finished, in any way (§3.1 step 6 "completed"). */
export function completedCount(c: TrialCounts): number {
  return c.succeeded + c.failed + c.killed + c.earlyStopped + c.metricsUnavailable;
}

/**
 * How many trials to create now (§3.2): fill up to parallelTrialCount, never past
 * maxTrialCount. Katib leaves MetricsUnavailable trials out of the used budget and so can
 * create more than maxTrialCount trials; Scriba counts every finished trial, so an
 * experiment never has more than maxTrialCount trials.
 */
export function trialsToAdd(spec: ExperimentSpec, c: TrialCounts): number {
  const parallel = spec.parallelTrialCount ?? 3;
  const active = activeCount(c);
  if (active >= parallel) return 0;
  const required =
    spec.maxTrialCount === undefined ? parallel : Math.min(spec.maxTrialCount - completedCount(c), parallel);
  return Math.max(required - active, 0);
}

/**
 * Whether a trial may be best or reach the goal: only trials that carry an observation in
 * Katib, Succeeded and EarlyStopped ones. A trial that reported values and then failed
 * (threw, exited non-zero, timed out) keeps its log but never ranks.
 */
export function canRank(trial: TrialRecord): boolean {
  return trial.condition === 'Succeeded' || trial.condition === 'EarlyStopped';
}

/**
 * The best trial (§3.1 step 5): in list order, the first ranking trial with a finite
 * objective value starts, and only a strictly better one replaces it. Katib lets a
 * non-numeric value become best; Scriba skips it, and NaN and ±Infinity, as unrankable.
 */
export function findBestTrial(trials: readonly TrialRecord[], objective: ObjectiveSpec): TrialRecord | undefined {
  let best: TrialRecord | undefined;
  let bestValue = 0;
  for (const t of trials) {
    if (!canRank(t)) continue;
    const v = objectiveValue(t, objective);
    if (v === undefined) continue;
    if (best === undefined || (objective.type === 'minimize' ? v < bestValue : v > bestValue)) {
      best = t;
      bestValue = v;
    }
  }
  return best;
}

/** Trials that count against maxFailedTrialCount (§3.1 step 6). */
export function failedCount(c: TrialCounts): number {
  return c.failed + c.metricsUnavailable;
}

export const MAX_FAILED_PREFIX = 'Experiment has failed because max failed count has reached';

export function maxFailedMessage(failed: number, maxFailedTrialCount: number): string {
  return `${MAX_FAILED_PREFIX} (${failed} failed trial${failed === 1 ? '' : 's'}, maxFailedTrialCount ${maxFailedTrialCount})`;
}

export function goalReached(objective: ObjectiveSpec, best: number | undefined): boolean {
  if (objective.goal === undefined || best === undefined) return false;
  return objective.type === 'minimize' ? best <= objective.goal : best >= objective.goal;
}

/** The first terminal rule that holds (§3.1 step 6), or undefined while the experiment goes on. */
export function terminalCondition(
  spec: ExperimentSpec,
  c: TrialCounts,
  bestValue: number | undefined,
): TerminalCondition | undefined {
  const objective = spec.objective as ObjectiveSpec;
  if (goalReached(objective, bestValue)) {
    return {
      type: 'Succeeded',
      reason: REASONS.goalReached,
      message: 'Experiment has succeeded because Objective goal has reached',
    };
  }
  const failed = failedCount(c);
  if (spec.maxFailedTrialCount !== undefined && failed > 0 && failed >= spec.maxFailedTrialCount) {
    return { type: 'Failed', reason: REASONS.failed, message: maxFailedMessage(failed, spec.maxFailedTrialCount) };
  }
  if (spec.maxTrialCount !== undefined && completedCount(c) >= spec.maxTrialCount) {
    return {
      type: 'Succeeded',
      reason: REASONS.maxTrialsReached,
      message: 'Experiment has succeeded because max trial count has reached',
    };
  }
  return undefined;
}
