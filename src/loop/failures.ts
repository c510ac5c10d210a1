import type { TrialRecord } from '../trial/types.js';

/** One reason trials failed, with how many failed for it. */
export interface FailureCause {
  message: string;
  count: number;
}

/** Conditions that count against maxFailedTrialCount (katib-spec §3.1). */
const FAILED_CONDITIONS = new Set(['Failed', 'MetricsUnavailable']);

/** Longest message kept; a trial's output can be a whole traceback. */
const MAX_LENGTH = 300;

/**
 * A failure message reduced to what identical failures share: the runner's first line
 * ("exit code 2") and the last line the program printed, which is where Python, Node and
 * shells put the error ("python3: can't open file ..."). Trial names and the lines
 * before the last differ between trials and would split one cause into many.
 */
export function failureKey(message: string): string {
  const [head = '', output = ''] = message.split(/; last output:\r?\n/, 2);
  const lines = output.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const first = (head.split(/\r?\n/)[0] ?? '').trim();
  const last = lines.at(-1);
  const key = last === undefined ? first : `${first}: ${last}`;
  return key.length > MAX_LENGTH ? `${key.slice(0, MAX_LENGTH - 1)}…` : key;
}

/**
 * The causes of the experiment's failed trials, most frequent first (ties: the cause seen
 * first), at most `limit` of them.
 *
 * @example
 * failureCauses(state.trials) // [{ message: "exit code 2: python3: can't open file ...", count: 5 }]
 */
export function failureCauses(trials: readonly TrialRecord[], limit = 3): FailureCause[] {
  const counts = new Map<string, number>();
  for (const trial of trials) {
    if (!FAILED_CONDITIONS.has(trial.condition)) continue;
    const message = trial.conditions.at(-1)?.message ?? trial.condition;
    const key = failureKey(message) || trial.condition;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  // Map keeps insertion order and the sort is stable, so ties stay in order of first appearance.
  return [...counts]
    .map(([message, count]) => ({ message, count }))
    .sort((a, b) => b.count - a.count)
    .slice(0, limit);
}

/** `5 trials failed: exit code 2: ...`, one line per cause. */
export function formatFailureCause(cause: FailureCause): string {
  return `${cause.count} ${cause.count === 1 ? 'trial' : 'trials'} failed: ${cause.message}`;
}
