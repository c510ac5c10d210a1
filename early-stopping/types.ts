import type { AlgorithmExperiment, EarlyStoppingRule } from '../algorithms/types.js';
import type { EarlyStoppingSpec, ValidationIssue } from '../src/experiment/types.js';
import type { MetricLog, TrialRecord } from '../src/trial/types.js';

export type { EarlyStoppingRule } from '../algorithms/types.js';

/**
 * Reads one metric of one trial's observation log, in time order (Katib's
 * GetObservationLog). The service supplies it: a DB manager client or a local store.
 */
export type ObservationLogReader = (trialName: string, metricName: string) => Promise<MetricLog[]>;

export interface EarlyStoppingRequest {
  experiment: AlgorithmExperiment;
  /** Every trial of the experiment, in creation order, in any condition. */
  trials: readonly TrialRecord[];
  readLog: ObservationLogReader;
}

/**
 * The live form of an early-stopping algorithm, as a local run applies it: told of every
 * trial that ends, asked after every objective report of a running trial. It holds what
 * it needs from the ended trials (medianstop: their start-step means), so a question
 * costs O(1) or O(log n), not a pass over the history.
 */
export interface StoppingJudge {
  /**
   * A trial ended, in any condition, with its objective values in report order (only the
   * finite numbers; index i is step i + 1).
   */
  trialEnded(trial: TrialRecord, values: readonly number[]): void;
  /**
   * A running trial reported its objective: whether it stops now, given its values so far
   * (finite numbers in report order; `values.length` is its step).
   */
  shouldStop(trial: TrialRecord, values: readonly number[]): boolean;
}

/**
 * An early-stopping plugin: Katib's EarlyStopping service contract as plain TypeScript.
 * Like an algorithm, it holds no state between calls: its rules are a function of the
 * experiment, the trials and their logs.
 */
export interface EarlyStoppingAlgorithm {
  /** Katib's `earlyStopping.algorithmName`. */
  readonly name: string;
  /** Katib's ValidateEarlyStoppingSettings. */
  validateSettings(spec: EarlyStoppingSpec): ValidationIssue[];
  /** The rules every new trial should carry now; [] while there is not enough history. */
  getEarlyStoppingRules(request: EarlyStoppingRequest): Promise<EarlyStoppingRule[]>;
  /** A judge for one experiment of a local run (loop, tune(), createStudy()); settings already validated. */
  createJudge(experiment: AlgorithmExperiment): StoppingJudge;
}
