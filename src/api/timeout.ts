import type { ValidationIssue } from '../experiment/types.js';
import type { TerminalCondition } from '../loop/status.js';

/**
 * Scriba's reason for an experiment ended by `tune()`'s timeout. Katib has no timeout; the
 * name follows its ExperimentMaxTrialsReached and ExperimentGoalReached.
 */
export const TIMEOUT_REASON = 'ExperimentTimeoutReached';

export function checkTimeout(timeout: unknown): ValidationIssue[] {
  if (timeout === undefined) return [];
  if (typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0) return [];
  return [{ path: 'timeout', message: `expected a number of seconds > 0, got ${JSON.stringify(timeout) ?? String(timeout)}` }];
}

/**
 * The loop's stop rule for a timeout in seconds, counted from now by the wall clock
 * (`Date.now`, which tests can fake): once it has passed, no new trial starts.
 */
export function timeoutStop(seconds: number): () => TerminalCondition | undefined {
  const deadline = Date.now() + seconds * 1000;
  return () =>
    Date.now() >= deadline
      ? {
          type: 'Succeeded',
          reason: TIMEOUT_REASON,
          message: `Experiment has succeeded because its timeout of ${seconds} s has been reached`,
        }
      : undefined;
}
