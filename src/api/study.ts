import { errorMessage, ScribaError } from '../errors.js';
import {
  addTrial,
  appendLogs,
  counts,
  createState,
  finishTrial,
  getTrial,
  markExhausted,
  objectiveOf,
  startTrial,
  suggestionEnded,
  suggestionFailed,
  updateStatus,
} from '../loop/state.js';
import { activeCount, completedCount } from '../loop/status.js';
import { compileSpace, decodeAssignments, encodeAssignments, type ParameterValue } from '../search-space/index.js';
import { isCompleted, type ParameterAssignment } from '../trial/types.js';
import { metricLogs, type Metrics } from '../../trials/function-runner.js';
import { prepareStudy, type StudyOptions } from './options.js';
import { toResult, toTrialResult, type ExperimentResult, type TrialResult } from './result.js';

export interface StudyTrial {
  name: string;
  /** Typed values: numbers for double, int and discrete; strings for categorical. */
  parameters: Record<string, ParameterValue>;
  parameterAssignments: ParameterAssignment[];
}

/** Ask/tell access to an experiment, for callers who run trials themselves. */
export interface Study {
  readonly name: string;
  readonly seed: number;
  /** Whether the experiment has ended (goal, maxTrialCount, maxFailedTrialCount, exhausted space). */
  readonly done: boolean;
  /** A new trial to run. Rejects once the study has ended or every allowed trial is out. */
  ask(): Promise<StudyTrial>;
  /** Records intermediate metric values of a running trial. */
  report(trial: StudyTrial | string, metrics: Metrics): void;
  /** Ends a trial with its final metrics (a bare number is the objective metric). */
  tell(trial: StudyTrial | string, metrics: Metrics | number): TrialResult;
  /** Ends a trial as Failed. */
  fail(trial: StudyTrial | string, message: string): TrialResult;
  /**
   * Records a finished trial without asking the algorithm (Optuna's `add_trial`): results
   * known from elsewhere, to warm-start the search. The values must lie in the space.
   */
  add(parameters: Readonly<Record<string, ParameterValue>>, metrics: Metrics | number): TrialResult;
  /** The experiment as it is now. */
  result(): ExperimentResult;
}

/**
 * A study over the same engine as `tune()`, driven by the caller:
 *
 * ```ts
 * const study = createStudy({ parameters: { x: search.double({ min: -5, max: 5 }) }, objectiveType: 'minimize', maxTrialCount: 20 });
 * while (!study.done) {
 *   const trial = await study.ask();
 *   study.tell(trial, ((trial.parameters.x as number) - 2) ** 2);
 * }
 * ```
 *
 * The caller decides how many trials run at once; parallelTrialCount is not enforced.
 */
export function createStudy(options: StudyOptions): Study {
  const { experiment, algorithm, seed } = prepareStudy(options);
  const state = createState(experiment, seed);
  const space = compileSpace(experiment.spec.parameters ?? []);
  const metricName = objectiveOf(state).objectiveMetricName;
  let queue: Promise<unknown> = Promise.resolve();

  const settle = (): void => {
    updateStatus(state);
    if (state.exhausted && activeCount(counts(state)) === 0) {
      suggestionEnded(state, 'Experiment has succeeded because the search space is exhausted: the algorithm has no more suggestions');
    }
  };

  const ended = (): ScribaError =>
    new ScribaError('failed-precondition', `the study has ended: ${state.outcome?.reason} (${state.outcome?.message})`);

  const askOne = async (): Promise<StudyTrial> => {
    settle();
    if (state.outcome) throw ended();
    const c = counts(state);
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
      reply = await algorithm.getSuggestions({ experiment: { name: experiment.metadata.name, spec: experiment.spec }, trials: [...state.trials], count: 1, seed });
    } catch (error) {
      suggestionFailed(state, errorMessage(error));
      throw ended();
    }
    const assignments = reply.assignments[0];
    if (!assignments) {
      markExhausted(state);
      settle();
      throw state.outcome ? ended() : new ScribaError('failed-precondition', 'the search space is exhausted; tell() the results of the running trials');
    }
    const trial = addTrial(state, assignments, reply.trialNames?.[0], reply.labels?.[0]);
    startTrial(state, trial.name);
    updateStatus(state);
    return { name: trial.name, parameters: decodeAssignments(space, assignments), parameterAssignments: structuredClone(assignments) };
  };

  const runningTrial = (ref: StudyTrial | string): string => {
    const name = typeof ref === 'string' ? ref : ref?.name;
    let trial;
    try {
      trial = getTrial(state, name);
    } catch {
      throw new ScribaError('not-found', `no trial named ${JSON.stringify(name)} in study ${experiment.metadata.name}`);
    }
    if (isCompleted(trial.condition)) throw new ScribaError('failed-precondition', `trial ${name} has already ended (${trial.condition})`);
    return trial.name;
  };

  const checkMetrics = (metrics: Metrics | number): void => {
    const ok =
      typeof metrics === 'number' ||
      (typeof metrics === 'object' && metrics !== null && !Array.isArray(metrics) &&
        Object.values(metrics).every((v) => typeof v === 'number' || typeof v === 'string'));
    if (!ok) throw new ScribaError('invalid-argument', `metrics: expected a number or an object such as { ${metricName}: 0.5 }, got ${JSON.stringify(metrics)}`);
  };

  const end = (ref: StudyTrial | string, outcome: Parameters<typeof finishTrial>[2]): TrialResult => {
    const name = runningTrial(ref);
    const trial = finishTrial(state, name, outcome);
    settle();
    return toTrialResult(state, trial, space);
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
      appendLogs(state, runningTrial(ref), metricLogs(metrics, metricName));
    },
    tell(ref, metrics) {
      checkMetrics(metrics);
      appendLogs(state, runningTrial(ref), metricLogs(metrics, metricName));
      return end(ref, { status: 'completed' });
    },
    fail(ref, message) {
      return end(ref, { status: 'failed', message: String(message) });
    },
    add(parameters, metrics) {
      checkMetrics(metrics);
      const trial = addTrial(state, encodeAssignments(space, parameters));
      startTrial(state, trial.name);
      appendLogs(state, trial.name, metricLogs(metrics, metricName));
      return end(trial.name, { status: 'completed' });
    },
    result: () => toResult(state),
  };
}
