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
}
