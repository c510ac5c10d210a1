import type { AlgorithmSetting, ExperimentSpec, ValidationIssue } from '../src/experiment/types.js';
import type { ParameterAssignment, TrialRecord } from '../src/trial/types.js';

/** The experiment as a suggestion service sees it (Katib's gRPC `Experiment`: name and spec). */
export interface AlgorithmExperiment {
  name: string;
  spec: ExperimentSpec;
}

export interface EarlyStoppingRule {
  name: string;
  value: string;
  comparison: 'equal' | 'less' | 'greater';
  startStep: number;
}

export interface SuggestionRequest {
  experiment: AlgorithmExperiment;
  /** Every trial of the experiment so far, in creation order, in any condition. */
  trials: readonly TrialRecord[];
  /** How many new assignments are wanted now. */
  count: number;
  /**
   * The experiment's seed. It is the same for every request of an experiment; an
   * algorithm derives its per-request streams from it and the history (see `createRng`),
   * unless the user fixed `random_state` in the algorithm settings.
   */
  seed: number;
}

export interface SuggestionReply {
  /** One assignment list per new trial: exactly `count` of them unless `exhausted`. */
  assignments: ParameterAssignment[][];
  trialNames?: string[];
  labels?: Record<string, string>[];
  /**
   * State the algorithm persists between calls; Katib round-trips it as algorithm settings.
   * Every way in overlays these, by name, on `experiment.spec.algorithm.algorithmSettings`
   * of the next request (Katib's Suggestion status), and a local run stores them with the
   * experiment, so the next call, in this process or after a restart, sees them.
   */
  settingsUpdate?: AlgorithmSetting[];
  earlyStoppingRules?: EarlyStoppingRule[];
  /**
   * The algorithm has no more points to offer (a finished grid): `assignments` may then
   * hold fewer than `count`, and the experiment ends once its running trials finish.
   */
  exhausted?: boolean;
  /** With `exhausted`: why, in the experiment's words (e.g. "the last Hyperband bracket has ended"). */
  exhaustedMessage?: string;
  /**
   * Fewer than `count` assignments (perhaps none) because the next ones depend on trials
   * still running (a Hyperband rung): the caller asks again once one of them has ended.
   */
  waiting?: boolean;
}

/** An algorithm plugin: Katib's suggestion service contract as plain, stateless TypeScript. */
export interface Algorithm {
  /** Katib's `algorithmName`. */
  readonly name: string;
  /** Katib's ValidateAlgorithmSettings: every problem with the settings (and the space, for this algorithm). */
  validateSettings(experiment: AlgorithmExperiment): ValidationIssue[];
  getSuggestions(request: SuggestionRequest): Promise<SuggestionReply>;
}
