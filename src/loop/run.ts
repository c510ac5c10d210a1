import type { Algorithm, SuggestionReply } from '../../algorithms/types.js';
import type { TrialRunner } from '../../trials/types.js';
import { errorMessage } from '../errors.js';
import type { Experiment } from '../experiment/types.js';
import type { MetricLog, TrialRecord } from '../trial/types.js';
import { liveStopping } from './early-stopping.js';
import {
  addTrial,
  appendLogs,
  complete,
  counts,
  createState,
  discardLogs,
  endExhausted,
  finishTrial,
  getTrial,
  markExhausted,
  recordAlgorithmSettings,
  requestExperiment,
  startTrial,
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
  /** Prepares a trial's checkpoint directory before it starts (PBT); its path goes to the runner. */
  checkpointDir?: (trial: TrialRecord) => string | undefined;
}

/** Why the loop aborted a trial's signal. */
export const EARLY_STOPPED_REASON = 'the trial was early stopped';

/**
 * Katib's experiment controller without Kubernetes (katib-spec §3.1, §3.2): keep
 * parallelTrialCount trials active, asking the algorithm for exactly the missing number;
 * apply early stopping at every report of a running trial, stopping the trials it rules
 * out through their runner; apply the terminal rules after every change; once complete,
 * create nothing more and let the running trials finish (Katib never kills them).
 */
export async function runExperiment(options: RunOptions): Promise<ExperimentState> {
  const { algorithm, runner } = options;
  const state =
    'trials' in options.experiment ? options.experiment : createState(options.experiment, options.seed ?? 0, options.recorder);
  const { experiment } = state;
  const inFlight = new Map<string, Promise<void>>();
  const stopping = liveStopping(state);
  const stopped = new Set<string>();

  const launch = (trial: TrialRecord): void => {
    // A trial still Running was left running elsewhere (on a queue worker): the runner re-attaches to it.
    const reattach = trial.condition === 'Running';
    if (!reattach) startTrial(state, trial.name);
    const recorded = state.logs.get(trial.name)?.length ?? 0;
    const controller = new AbortController();
    const report = (logs: readonly MetricLog[]): void => {
      // An early-stopped trial's log ends where the decision was made.
      if (stopped.has(trial.name)) return;
      const keep = stopping?.reported(getTrial(state, trial.name), logs);
      appendLogs(state, trial.name, keep === undefined ? logs : logs.slice(0, keep));
      if (keep !== undefined) {
        stopped.add(trial.name);
        controller.abort(new Error(EARLY_STOPPED_REASON));
      }
    };
    const done = Promise.resolve()
      .then(() => {
        const checkpointDir = options.checkpointDir?.(trial);
        return runner.run({
          experiment,
          trial,
          report,
          signal: controller.signal,
          recorded,
          ...(reattach ? { reattach } : {}),
          discardLogs: () => discardLogs(state, trial.name),
          ...(checkpointDir !== undefined ? { checkpointDir } : {}),
        });
      })
      .catch((error: unknown) => ({ status: 'failed' as const, message: errorMessage(error) }))
      .then((outcome) => {
        // However the runner saw its end (a process killed by SIGTERM), a stopped trial is EarlyStopped.
        const finished = finishTrial(state, trial.name, stopped.delete(trial.name) ? { status: 'earlyStopped' } : outcome);
        stopping?.ended(finished);
        options.onTrialComplete?.(finished, state);
      })
      .finally(() => inFlight.delete(trial.name));
    inFlight.set(trial.name, done);
  };

  // A continued experiment first runs the trials it had not finished.
  for (const trial of state.trials) if (trial.condition === 'Created' || trial.condition === 'Running') launch(trial);

  let ended: TerminalCondition | undefined;
  // The algorithm waits for running trials (a Hyperband rung): ask again once one has ended.
  let waiting = false;
  for (;;) {
    updateStatus(state);
    ended ??= options.stop?.();
    if (!state.outcome && !state.exhausted && !ended && !waiting) {
      const c = counts(state);
      const count = Math.min(trialsToAdd(experiment.spec, c), Math.max((options.maxParallel ?? Infinity) - activeCount(c), 0));
      if (count > 0) {
        const reply = await requestSuggestions(state, algorithm, count);
        if (reply === undefined) continue; // the suggestion failed; the experiment is now Failed
        ended ??= options.stop?.();
        if (!ended) {
          recordAlgorithmSettings(state, reply.settingsUpdate);
          if (reply.exhausted) markExhausted(state, reply.exhaustedMessage);
          waiting = reply.waiting && reply.assignments.length < count;
          reply.assignments.forEach((assignments, i) => {
            launch(addTrial(state, assignments, reply.trialNames?.[i], reply.labels?.[i]));
          });
        }
        updateStatus(state);
      }
    }
    if (inFlight.size === 0) {
      updateStatus(state);
      if (!state.outcome && state.exhausted) endExhausted(state);
      if (!state.outcome && waiting) {
        suggestionFailed(state, `algorithm ${algorithm.name} waits for running trials, but none is running`);
      }
      if (!state.outcome && ended) complete(state, ended);
      if (!state.outcome) {
        // Unreachable by the arithmetic of §3.2: nothing active always leaves room for a trial.
        suggestionFailed(state, `no trial is active and none can be created (${activeCount(counts(state))} active)`);
      }
      return state;
    }
    await Promise.race(inFlight.values());
    waiting = false;
  }
}

interface CheckedReply extends SuggestionReply {
  exhausted: boolean;
  waiting: boolean;
}

/** Asks the algorithm for `count` assignments; a failure or a wrong count fails the experiment. */
async function requestSuggestions(
  state: ExperimentState,
  algorithm: Algorithm,
  count: number,
): Promise<CheckedReply | undefined> {
  try {
    const reply = await algorithm.getSuggestions({
      experiment: requestExperiment(state),
      trials: [...state.trials],
      count,
      seed: state.seed,
    });
    const got = reply.assignments.length;
    if (got > count || (got < count && !reply.exhausted && !reply.waiting)) {
      throw new Error(`algorithm ${algorithm.name} returned ${got} assignments, expected ${count}`);
    }
    return { ...reply, exhausted: reply.exhausted === true, waiting: reply.waiting === true };
  } catch (error) {
    suggestionFailed(state, errorMessage(error));
    return undefined;
  }
}
