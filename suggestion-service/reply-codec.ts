import type { EarlyStoppingRule, SuggestionReply } from '../algorithms/types.js';
import type { MetricLog } from '../src/trial/types.js';
import { decodeAlgorithm, encodeAlgorithm } from './experiment-codec.js';
import type { Maybe, WireComparison, WireEarlyStoppingRule, WireGetSuggestionsReply, WireObservationLog } from './wire.js';

/** Pure conversions of replies, rules and observation logs between wire and plugin types. */

const COMPARISONS: Readonly<Record<EarlyStoppingRule['comparison'], WireComparison>> = {
  equal: 'EQUAL',
  less: 'LESS',
  greater: 'GREATER',
};

export function encodeRule(r: EarlyStoppingRule): WireEarlyStoppingRule {
  return { name: r.name, value: r.value, comparison: COMPARISONS[r.comparison], startStep: r.startStep };
}

/** A rule from the wire; an unknown comparison is an error, as the rule could not be enforced. */
export function decodeRule(w: WireEarlyStoppingRule): EarlyStoppingRule {
  const comparison = (Object.keys(COMPARISONS) as EarlyStoppingRule['comparison'][]).find((k) => COMPARISONS[k] === w.comparison);
  if (!comparison) throw new Error(`early stopping rule ${w.name ?? ''} has an unknown comparison ${String(w.comparison)}`);
  return { name: w.name ?? '', value: w.value ?? '', comparison, startStep: w.startStep ?? 0 };
}

/**
 * Katib's GetSuggestionsReply: one entry per assignment list, with the trial name and
 * labels the algorithm chose (empty when it chose none), the algorithm's state update in
 * `algorithm`, which the controller merges into the settings it sends next time.
 */
export function encodeSuggestionsReply(reply: SuggestionReply, algorithmName: string): WireGetSuggestionsReply {
  const wire: WireGetSuggestionsReply = {
    parameterAssignments: reply.assignments.map((assignments, i) => ({
      assignments: assignments.map((a) => ({ name: a.name, value: a.value })),
      trialName: reply.trialNames?.[i] ?? '',
      labels: reply.labels?.[i] ?? {},
    })),
    earlyStoppingRules: (reply.earlyStoppingRules ?? []).map(encodeRule),
  };
  if (reply.settingsUpdate) wire.algorithm = encodeAlgorithm({ algorithmName, algorithmSettings: reply.settingsUpdate });
  return wire;
}

export function decodeSuggestionsReply(wire: WireGetSuggestionsReply): SuggestionReply {
  const entries = wire.parameterAssignments ?? [];
  const reply: SuggestionReply = {
    assignments: entries.map((e) => (e.assignments ?? []).map((a) => ({ name: a.name ?? '', value: a.value ?? '' }))),
  };
  if (entries.some((e) => e.trialName)) reply.trialNames = entries.map((e) => e.trialName ?? '');
  if (entries.some((e) => e.labels && Object.keys(e.labels).length > 0)) reply.labels = entries.map((e) => ({ ...(e.labels ?? {}) }));
  if (wire.algorithm) reply.settingsUpdate = decodeAlgorithm(wire.algorithm).algorithmSettings ?? [];
  const rules = wire.earlyStoppingRules ?? [];
  if (rules.length > 0) reply.earlyStoppingRules = rules.map(decodeRule);
  return reply;
}

export function encodeObservationLog(logs: readonly MetricLog[]): WireObservationLog {
  return { metricLogs: logs.map((l) => ({ timeStamp: l.timeStamp, metric: { name: l.name, value: l.value } })) };
}

export function decodeObservationLog(wire: Maybe<WireObservationLog>): MetricLog[] {
  return (wire?.metricLogs ?? []).map((l) => ({ timeStamp: l.timeStamp ?? '', name: l.metric?.name ?? '', value: l.metric?.value ?? '' }));
}
