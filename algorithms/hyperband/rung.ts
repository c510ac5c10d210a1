import type { ObjectiveSpec } from '../../src/experiment/types.js';
import { objectiveValue } from '../../src/trial/observation.js';
import { isCompleted, type TrialRecord } from '../../src/trial/types.js';

/**
 * Which bracket and rung a trial belongs to travels as labels on the trial (gRPC's
 * TrialSpec.labels, the store's trial labels), so membership is never guessed from
 * start times. `config` names the configuration, which keeps its label across rungs.
 */
export const LABEL_PREFIX = 'hyperband.suggestion.scriba.dev';
export const BRACKET_LABEL = `${LABEL_PREFIX}/bracket`;
export const RUNG_LABEL = `${LABEL_PREFIX}/rung`;
export const CONFIG_LABEL = `${LABEL_PREFIX}/config`;

export function rungLabels(s: number, i: number, config: string): Record<string, string> {
  return { [BRACKET_LABEL]: String(s), [RUNG_LABEL]: String(i), [CONFIG_LABEL]: config };
}

/** The trials labelled with bracket s, rung i, in the order the request lists them. */
export function rungTrials(trials: readonly TrialRecord[], s: number, i: number): TrialRecord[] {
  return trials.filter((t) => t.labels?.[BRACKET_LABEL] === String(s) && t.labels?.[RUNG_LABEL] === String(i));
}

/** Whether a trial has ended; only then does it rank. */
export function hasEnded(trial: TrialRecord): boolean {
  return isCompleted(trial.condition);
}

/** The objective value a trial ranks by: Succeeded or EarlyStopped with a finite value, else undefined. */
export function rankValue(trial: TrialRecord, objective: ObjectiveSpec): number | undefined {
  if (trial.condition !== 'Succeeded' && trial.condition !== 'EarlyStopped') return undefined;
  return objectiveValue(trial, objective);
}

/**
 * A rung's trials best first (Alg. 1, line 8's top_k): by the objective, ascending for
 * minimize; trials without a usable value (Failed, Killed, MetricsUnavailable) last; ties
 * in listing order.
 */
export function ranked(trials: readonly TrialRecord[], objective: ObjectiveSpec): TrialRecord[] {
  const sign = objective.type === 'maximize' ? -1 : 1;
  return trials
    .map((trial, index) => ({ trial, index, value: rankValue(trial, objective) }))
    .sort((a, b) => {
      if (a.value === undefined || b.value === undefined) {
        return a.value === b.value ? a.index - b.index : a.value === undefined ? 1 : -1;
      }
      return sign * (a.value - b.value) || a.index - b.index;
    })
    .map((x) => x.trial);
}
