import type { Experiment } from '../src/experiment/types.js';
import type { TrialOutcome } from '../src/loop/state.js';
import type { MetricLog, TrialRecord } from '../src/trial/types.js';

/** What a runner gets for one trial. */
export interface TrialRun {
  experiment: Experiment;
  trial: TrialRecord;
  /** Records observation-log rows (intermediate or final metric values) as they arrive. */
  report(logs: readonly MetricLog[]): void;
}

/**
 * Runs trials somewhere: in this process, as a local process, through a queue, on
 * Kubernetes. The loop keeps parallelTrialCount runs in flight; a runner only runs one
 * trial per call and says how it ended. A rejected promise counts as a failed trial.
 */
export interface TrialRunner {
  run(run: TrialRun): Promise<TrialOutcome>;
}
