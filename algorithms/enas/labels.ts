import type { TrialRecord } from '../../src/trial/types.js';

/**
 * The labels enas puts on each trial it suggests, so that the controller can be rebuilt
 * from the trials alone: the request ("generation", 0 for the first) and the reward the
 * controller was trained on in that request. Katib keeps the controller in a checkpoint
 * file of the suggestion pod instead, and loses it with the pod.
 */
export const ENAS_GENERATION_LABEL = 'enas.scriba.dev/generation';
export const ENAS_REWARD_LABEL = 'enas.scriba.dev/reward';

const MAX_GENERATION = 1_000_000;

/** The reward label of a request that did not train (the first, or one with no Succeeded trial yet). */
export const NO_REWARD = 'none';

/**
 * A reward as a label value: the 16 hex digits of its float64 bits (exact, and a valid
 * Kubernetes label value, which a decimal such as "-0.5" or "1e+21" is not).
 */
export function encodeReward(reward: number | null): string {
  if (reward === null) return NO_REWARD;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, reward);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

/** The reward a label value stands for; `null` for none or a value that is not one. */
export function decodeReward(text: string | undefined): number | null {
  if (text === undefined || !/^[0-9a-f]{16}$/.test(text)) return null;
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${text}`));
  const x = view.getFloat64(0);
  return Number.isFinite(x) ? x : null;
}

/**
 * What each earlier request trained on, read from the labels: index g holds the encoded
 * reward of request g (request 0 never trains; a request none of whose trials is left
 * counts as one that did not train). The next request is number `rewards.length`.
 */
export function readRequests(trials: readonly TrialRecord[]): string[] {
  const byGeneration = new Map<number, string>();
  let last = -1;
  for (const t of trials) {
    const text = t.labels?.[ENAS_GENERATION_LABEL];
    if (text === undefined || !/^\d+$/.test(text)) continue;
    const g = Number(text);
    // A request number no run reaches is a stray label, not a reason to replay a million requests.
    if (g > MAX_GENERATION) continue;
    last = Math.max(last, g);
    // The first trial of a request (in creation order) speaks for it; all carry the same.
    if (!byGeneration.has(g)) byGeneration.set(g, encodeReward(decodeReward(t.labels?.[ENAS_REWARD_LABEL])));
  }
  return Array.from({ length: last + 1 }, (_, g) => (g === 0 ? NO_REWARD : (byGeneration.get(g) ?? NO_REWARD)));
}
