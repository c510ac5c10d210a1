import type { ValidationIssue } from '../experiment/types.js';
import type { TerminalCondition } from '../loop/status.js';

/**
 * Scriba's reason for an experiment ended by `tune()`'s timeout. Katib has no timeout; the
 * name follows its ExperimentMaxTrialsReached and ExperimentGoalReached.
 */
export const TIMEOUT_REASON = 'ExperimentTimeoutReached';

export function checkTimeout(timeout: unknown, path = 'timeout'): ValidationIssue[] {
  if (timeout === undefined) return [];
  // A trial's timer is a setTimeout, which holds at most 2^31 - 1 ms (24.8 days).
  const max = path === 'trialTimeout' ? 2_147_483 : Infinity;
  if (typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0 && timeout <= max) return [];
  if (typeof timeout === 'number' && timeout > max) return [{ path, message: `expected at most ${max} seconds (24.8 days), got ${timeout}` }];
  return [{ path, message: `expected a number of seconds > 0, got ${JSON.stringify(timeout) ?? String(timeout)}` }];
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
