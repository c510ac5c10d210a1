import type { Algorithm } from '../../algorithms/types.js';
import type { TrialRunner } from '../../trials/types.js';
import { errorMessage } from '../errors.js';
import type { Experiment } from '../experiment/types.js';
import type { TrialRecord } from '../trial/types.js';
import {
  addTrial,
  appendLogs,
  complete,
  counts,
  createState,
  finishTrial,
  markExhausted,
  startTrial,
  suggestionEnded,
  suggestionFailed,
  updateStatus,
  type ExperimentState,
  type StateRecorder,
} from './state.js';
import { activeCount, trialsToAdd, type TerminalCondition } from './status.js';

export interface RunOptions {
  /** A new experiment (defaulted and validated), or the state of one to continue. */
  experiment: Experiment | ExperimentState;
  algorithm: Algorithm;
  runner: TrialRunner;
  /** The seed of a new experiment (a continued one keeps its own). */
  seed?: number;
  recorder?: StateRecorder;
  /** Called after each trial ends, with the state as it is then. */
  onTrialComplete?: (trial: TrialRecord, state: ExperimentState) => void;
  /**
   * Asked before each new batch of trials and again once its suggestions arrive: once it
   * returns a condition (a timeout), no new trial starts and the running ones finish; the
   * experiment then ends with it, unless one of Katib's terminal rules fired meanwhile.
   */
  stop?: () => TerminalCondition | undefined;
  /** At most this many trials run at once, whatever parallelTrialCount says (the machine's limit). */
  maxParallel?: number;
}

/**
 * Katib's experiment controller without Kubernetes (katib-spec §3.1, §3.2): keep
 * parallelTrialCount trials active, asking the algorithm for exactly the missing number;
 * apply the terminal rules after every change; once complete, create nothing more and
 * let the running trials finish (Katib never kills them).
 */
export async function runExperiment(options: RunOptions): Promise<ExperimentState> {
  const { algorithm, runner } = options;
  const state =
    'trials' in options.experiment ? options.experiment : createState(options.experiment, options.seed ?? 0, options.recorder);
  const { experiment } = state;
  const inFlight = new Map<string, Promise<void>>();

  const launch = (trial: TrialRecord): void => {
    startTrial(state, trial.name);
    const done = Promise.resolve()
      .then(() => runner.run({ experiment, trial, report: (logs) => appendLogs(state, trial.name, logs), signal: new AbortController().signal }))
      .catch((error: unknown) => ({ status: 'failed' as const, message: errorMessage(error) }))
      .then((outcome) => {
        const finished = finishTrial(state, trial.name, outcome);
        options.onTrialComplete?.(finished, state);
      })
      .finally(() => inFlight.delete(trial.name));
    inFlight.set(trial.name, done);
  };

  // A continued experiment first runs the trials it had not finished.
  for (const trial of state.trials) if (trial.condition === 'Created') launch(trial);

  let stopped: TerminalCondition | undefined;
  for (;;) {
    updateStatus(state);
    stopped ??= options.stop?.();
    if (!state.outcome && !state.exhausted && !stopped) {
      const c = counts(state);
      const count = Math.min(trialsToAdd(experiment.spec, c), Math.max((options.maxParallel ?? Infinity) - activeCount(c), 0));
      if (count > 0) {
        const reply = await requestSuggestions(state, algorithm, count);
        if (reply === undefined) continue; // the suggestion failed; the experiment is now Failed
        stopped ??= options.stop?.();
        if (!stopped) {
          if (reply.exhausted) markExhausted(state);
          reply.assignments.forEach((assignments, i) => {
            launch(addTrial(state, assignments, reply.trialNames?.[i], reply.labels?.[i]));
          });
        }
        updateStatus(state);
      }
    }
    if (inFlight.size === 0) {
      updateStatus(state);
      if (!state.outcome && state.exhausted) {
        suggestionEnded(state, 'Experiment has succeeded because the search space is exhausted: the algorithm has no more suggestions');
      }
      if (!state.outcome && stopped) complete(state, stopped);
      if (!state.outcome) {
        // Unreachable by the arithmetic of §3.2: nothing active always leaves room for a trial.
        suggestionFailed(state, `no trial is active and none can be created (${activeCount(counts(state))} active)`);
      }
      return state;
    }
    await Promise.race(inFlight.values());
  }
}

interface CheckedReply {
  assignments: TrialRecord['parameterAssignments'][];
  trialNames?: string[];
  labels?: Record<string, string>[];
  exhausted: boolean;
}

/** Asks the algorithm for `count` assignments; a failure or a wrong count fails the experiment. */
async function requestSuggestions(
  state: ExperimentState,
  algorithm: Algorithm,
  count: number,
): Promise<CheckedReply | undefined> {
  const { metadata, spec } = state.experiment;
  try {
    const reply = await algorithm.getSuggestions({
      experiment: { name: metadata.name, spec },
      trials: [...state.trials],
      count,
      seed: state.seed,
    });
    const got = reply.assignments.length;
    if (got > count || (got < count && !reply.exhausted)) {
      throw new Error(`algorithm ${algorithm.name} returned ${got} assignments, expected ${count}`);
    }
    return { ...reply, exhausted: reply.exhausted === true };
  } catch (error) {
    suggestionFailed(state, errorMessage(error));
    return undefined;
  }
}
