import { errorMessage, ScribaError } from '../errors.js';
import { liveStopping } from '../loop/early-stopping.js';
import {
  addTrial,
  appendLogs,
  counts,
  createState,
  endExhausted,
  finishTrial,
  getTrial,
  markExhausted,
  objectiveOf,
  recordAlgorithmSettings,
  requestExperiment,
  startTrial,
  suggestionFailed,
  updateStatus,
} from '../loop/state.js';
import { activeCount, completedCount } from '../loop/status.js';
import { compileSpace, decodeAssignments, encodeAssignments } from '../search-space/index.js';
import { isCompleted, type ParameterAssignment, type TrialRecord } from '../trial/types.js';
import { metricLogs, type Metrics } from '../../trials/function-runner.js';
import { prepareStudy, STUDY_OPTION_KEYS, type StudyOptions } from './options.js';
import { toResult, toTrialResult, type ExperimentResult, type TrialResult, type Values } from './result.js';
import type { ParameterValues, SearchSpaceOptions } from './search.js';

/** Options of `tune()` that a Study, whose caller runs the trials, has no use for. */
const TUNE_ONLY: Readonly<Record<string, string>> = Object.fromEntries(
  ['objective', 'onTrialComplete', 'timeout', 'store', 'resumePolicy'].map((key) => [
    key,
    'an option of tune(), not of createStudy(): a Study runs no trials itself, its caller does',
  ]),
);

export interface StudyTrial<P extends Values = Values> {
  name: string;
  /** Typed values: numbers for double, int and discrete; the listed strings for categorical. */
  parameters: P;
  parameterAssignments: ParameterAssignment[];
  /** Labels the algorithm gave the trial (PBT's generation and parent), if any. */
  labels?: Record<string, string>;
}

/** Ask/tell access to an experiment, for callers who run trials themselves. */
export interface Study<P extends Values = Values> {
  readonly name: string;
  readonly seed: number;
  /**
   * Whether the experiment has ended: goal reached, maxTrialCount or maxFailedTrialCount
   * reached, or the space exhausted (a grid). Without maxTrialCount the caller's loop decides.
   */
  readonly done: boolean;
  /**
   * A new trial to run. Rejects once the study has ended, when every allowed trial is out,
   * or when parallelTrialCount (if given) trials are asked and not yet told.
   */
  ask(): Promise<StudyTrial<P>>;
  /**
   * Records intermediate metric values of a running trial. Returns true when early stopping
   * (the `earlyStopping` option) decided the trial stops: it is then EarlyStopped already,
   * keeps what it reported, and needs no tell(); stop its work. Later reports are ignored.
   */
  report(trial: StudyTrial<P> | string, metrics: Metrics): boolean;
  /** Whether early stopping has stopped the trial (Optuna's `should_prune()`). */
  shouldStop(trial: StudyTrial<P> | string): boolean;
  /**
   * Ends a trial with its final metrics (a bare number is the objective metric), or with what
   * it reported when none are given. An early-stopped trial stays EarlyStopped: its result is returned.
   */
  tell(trial: StudyTrial<P> | string, metrics?: Metrics | number): TrialResult<P>;
  /** Ends a trial as Failed (an early-stopped trial stays EarlyStopped). */
  fail(trial: StudyTrial<P> | string, message: string): TrialResult<P>;
  /**
   * Records a finished trial without asking the algorithm (Optuna's `add_trial`): results
   * known from elsewhere, to warm-start the search. The values must lie in the space.
   */
  add(parameters: Readonly<P>, metrics: Metrics | number): TrialResult<P>;
  /** The experiment as it is now. */
  result(): ExperimentResult<P>;
}

/**
 * A study over the same engine as `tune()`, driven by the caller:
 *
 * ```ts
 * const study = createStudy({ parameters: { x: search.double({ min: -5, max: 5 }) }, objectiveType: 'minimize' });
 * for (let i = 0; i < 20 && !study.done; i++) {
 *   const trial = await study.ask();
 *   study.tell(trial, (trial.parameters.x - 2) ** 2);
 * }
 * ```
 *
 * The caller decides how many trials run at once (at most parallelTrialCount, if given)
 * and, without maxTrialCount, when to stop.
 */
export function createStudy<S extends SearchSpaceOptions>(options: StudyOptions<S>): Study<ParameterValues<S>> {
  type P = ParameterValues<S>;
  const { experiment, algorithm, seed } = prepareStudy(options, { knownKeys: STUDY_OPTION_KEYS, explainedKeys: TUNE_ONLY });
  const parallel = options.parallelTrialCount;
  const state = createState(experiment, seed);
  const space = compileSpace(experiment.spec.parameters ?? []);
  const metricName = objectiveOf(state).objectiveMetricName;
  const stopping = liveStopping(state);
  let queue: Promise<unknown> = Promise.resolve();

  const settle = (): void => {
    updateStatus(state);
    if (state.exhausted && activeCount(counts(state)) === 0) endExhausted(state);
  };

  const ended = (): ScribaError =>
    new ScribaError('failed-precondition', `the study has ended: ${state.outcome?.reason} (${state.outcome?.message})`);

  const askOne = async (): Promise<StudyTrial<P>> => {
    settle();
    if (state.outcome) throw ended();
    const c = counts(state);
    if (parallel !== undefined && activeCount(c) >= parallel) {
      throw new ScribaError(
        'failed-precondition',
        `${activeCount(c)} trials are running, parallelTrialCount ${parallel}; tell() or fail() one before asking another`,
      );
    }
    const max = experiment.spec.maxTrialCount;
    if (state.exhausted || (max !== undefined && completedCount(c) + activeCount(c) >= max)) {
      throw new ScribaError(
        'failed-precondition',
        state.exhausted
          ? `the search space is exhausted; tell() the results of the ${activeCount(c)} running trials`
          : `all ${max} trials of maxTrialCount have been asked; tell() the results of the ${activeCount(c)} running trials`,
      );
    }
    let reply;
    try {
      reply = await algorithm.getSuggestions({ experiment: requestExperiment(state), trials: [...state.trials], count: 1, seed });
    } catch (error) {
      suggestionFailed(state, errorMessage(error));
      throw ended();
    }
    recordAlgorithmSettings(state, reply.settingsUpdate);
    const assignments = reply.assignments[0];
    if (!assignments && reply.waiting && !reply.exhausted) {
      throw new ScribaError(
        'failed-precondition',
        `algorithm ${algorithm.name} waits for the ${activeCount(counts(state))} running trials: tell() or fail() them before asking another`,
      );
    }
    if (!assignments) {
      markExhausted(state, reply.exhaustedMessage);
      settle();
      throw state.outcome ? ended() : new ScribaError('failed-precondition', 'the search space is exhausted; tell() the results of the running trials');
    }
    const trial = addTrial(state, assignments, reply.trialNames?.[0], reply.labels?.[0]);
    startTrial(state, trial.name);
    updateStatus(state);
    if (reply.exhausted) markExhausted(state, reply.exhaustedMessage);
    return {
      name: trial.name,
      parameters: decodeAssignments(space, assignments) as P,
      parameterAssignments: structuredClone(assignments),
      ...(trial.labels ? { labels: { ...trial.labels } } : {}),
    };
  };

  const findTrial = (ref: StudyTrial<P> | string): TrialRecord => {
    const name = typeof ref === 'string' ? ref : ref?.name;
    try {
      return getTrial(state, name);
    } catch {
      throw new ScribaError('not-found', `no trial named ${JSON.stringify(name)} in study ${experiment.metadata.name}`);
    }
  };

  const runningTrial = (ref: StudyTrial<P> | string): string => {
    const trial = findTrial(ref);
    if (isCompleted(trial.condition)) throw new ScribaError('failed-precondition', `trial ${trial.name} has already ended (${trial.condition})`);
    return trial.name;
  };

  /** An early-stopped trial, which tell() and fail() leave as it is. */
  const earlyStopped = (ref: StudyTrial<P> | string): TrialRecord | undefined => {
    const trial = findTrial(ref);
    return trial.condition === 'EarlyStopped' ? trial : undefined;
  };

  const checkMetrics = (metrics: Metrics | number): void => {
    const ok =
      typeof metrics === 'number' ||
      (typeof metrics === 'object' && metrics !== null && !Array.isArray(metrics) &&
        Object.values(metrics).every((v) => typeof v === 'number' || typeof v === 'string'));
    if (!ok) throw new ScribaError('invalid-argument', `metrics: expected a number or an object such as { ${metricName}: 0.5 }, got ${JSON.stringify(metrics)}`);
  };

  const end = (ref: StudyTrial<P> | string, outcome: Parameters<typeof finishTrial>[2]): TrialResult<P> => {
    const name = runningTrial(ref);
    const trial = finishTrial(state, name, outcome);
    stopping?.ended(trial);
    settle();
    return toTrialResult(state, trial, space) as TrialResult<P>;
  };

  return {
    name: experiment.metadata.name,
    seed,
    get done() {
      settle();
      return state.outcome !== undefined;
    },
    ask() {
      const next = queue.then(askOne);
      queue = next.catch(() => undefined);
      return next;
    },
    report(ref, metrics) {
      checkMetrics(metrics);
      if (earlyStopped(ref)) return true;
      const name = runningTrial(ref);
      const logs = metricLogs(metrics, metricName);
      const keep = stopping?.reported(getTrial(state, name), logs);
      appendLogs(state, name, keep === undefined ? logs : logs.slice(0, keep));
      if (keep === undefined) return false;
      end(name, { status: 'earlyStopped' });
      return true;
    },
    shouldStop: (ref) => earlyStopped(ref) !== undefined,
    tell(ref, metrics) {
      const stopped = earlyStopped(ref);
      if (stopped) return toTrialResult(state, stopped, space) as TrialResult<P>;
      if (metrics !== undefined) {
        checkMetrics(metrics);
        appendLogs(state, runningTrial(ref), metricLogs(metrics, metricName));
      }
      return end(ref, { status: 'completed' });
    },
    fail(ref, message) {
      const stopped = earlyStopped(ref);
      if (stopped) return toTrialResult(state, stopped, space) as TrialResult<P>;
      return end(ref, { status: 'failed', message: String(message) });
    },
    add(parameters, metrics) {
      checkMetrics(metrics);
      const trial = addTrial(state, encodeAssignments(space, parameters));
      startTrial(state, trial.name);
      appendLogs(state, trial.name, metricLogs(metrics, metricName));
      return end(trial.name, { status: 'completed' });
    },
    result: () => toResult(state) as ExperimentResult<P>,
  };
}
