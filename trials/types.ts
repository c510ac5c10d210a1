import type { Experiment } from '../src/experiment/types.js';
import type { TrialOutcome } from '../src/loop/state.js';
import type { MetricLog, TrialRecord } from '../src/trial/types.js';

/** What a runner gets for one trial. */
export interface TrialRun {
  experiment: Experiment;
  trial: TrialRecord;
  /** Records observation-log rows (intermediate or final metric values) as they arrive. */
  report(logs: readonly MetricLog[]): void;
  /**
   * Aborted when the trial must stop before its end: early stopping, the experiment's
   * end. The runner then stops the trial's work (a process runner terminates the whole
   * process group: SIGTERM, SIGKILL after its grace period) and resolves; the loop, which
   * knows why it stopped the trial, records the outcome (EarlyStopped for early stopping).
   */
  signal: AbortSignal;
  /**
   * The trial's checkpoint directory, when the experiment keeps one per trial (PBT's
   * suggestion_trial_dir): already created, and filled with a copy of its parent's when
   * the trial has one. The runner shows it to the trial (SCRIBA_CHECKPOINT_DIR).
   */
  checkpointDir?: string;
  /** Rows of the trial's observation log already recorded: a trial continued after a crash. */
  recorded?: number;
  /** The trial was left Running by an earlier controller: a queue runner re-attaches to its job. */
  reattach?: boolean;
  /**
   * Discards the rows reported so far: the runner runs the trial again from its start
   * (the queue worker running it was lost), so its log starts over.
   */
  discardLogs?(): void;
}

/**
 * Runs trials somewhere: in this process, as a local process, through a queue, on
 * Kubernetes. The loop keeps parallelTrialCount runs in flight; a runner only runs one
 * trial per call and says how it ended. A rejected promise counts as a failed trial.
 */
export interface TrialRunner {
  run(run: TrialRun): Promise<TrialOutcome>;
}
