import type { TrialRecord } from '../../src/trial/types.js';

/**
 * The labels enas puts on each trial it suggests, so that the controller can be rebuilt
 * from the trials alone: the request ("generation", 0 for the first) and how many trials
 * the controller had learnt from when it sampled (see history.ts for their order). Katib
 * keeps the controller in a checkpoint file of the suggestion pod instead, and loses it
 * with the pod.
 */
export const ENAS_GENERATION_LABEL = 'enas.scriba.dev/generation';
export const ENAS_TRAINED_LABEL = 'enas.scriba.dev/trained';

const MAX_GENERATION = 1_000_000;

/**
 * How many trials the controller had learnt from at each earlier request, read from the
 * labels: index g is request g's count (0 for request 0). A request none of whose trials
 * is left, or whose label is unreadable, learnt nothing new: it gets the count before it.
 * Counts never decrease. The next request is number `counts.length`.
 */
export function readRequests(trials: readonly TrialRecord[]): number[] {
  const byGeneration = new Map<number, number>();
  let last = -1;
  for (const t of trials) {
    const text = t.labels?.[ENAS_GENERATION_LABEL];
    if (text === undefined || !/^\d+$/.test(text)) continue;
    const g = Number(text);
    // A request number no run reaches is a stray label, not a reason to replay a million requests.
    if (g > MAX_GENERATION) continue;
    last = Math.max(last, g);
    const trained = t.labels?.[ENAS_TRAINED_LABEL];
    if (!byGeneration.has(g) && trained !== undefined && /^\d+$/.test(trained)) byGeneration.set(g, Number(trained));
  }
  const counts: number[] = [];
  for (let g = 0; g <= last; g++) counts.push(g === 0 ? 0 : Math.max(counts[g - 1] ?? 0, byGeneration.get(g) ?? 0));
  return counts;
}
