import { createFunctionRunner, type Objective } from '../../trials/function-runner.js';
import type { TrialRecord } from '../trial/types.js';
import { runExperiment } from '../loop/run.js';
import type { ParameterValue } from '../search-space/index.js';
import { ScribaError } from '../errors.js';
import { openExperiment } from '../store/open.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { prepareStudy, type StudyOptions } from './options.js';
import { toResult, type ExperimentResult } from './result.js';

export interface TuneOptions<P extends Record<string, ParameterValue> = Record<string, ParameterValue>>
  extends StudyOptions {
  /**
   * Trains and evaluates one configuration. It receives the typed parameters and a
   * context whose `report(metrics)` records intermediate values; it returns the final
   * metrics (`{ loss: 0.1, accuracy: 0.97 }`, or a bare number for the objective metric).
   * A thrown error fails the trial with the error's message.
   */
  objective: Objective<P>;
  /** Called after each trial ends, e.g. for progress output. */
  onTrialComplete?: (trial: TrialRecord) => void;
  /**
   * A SQLite file to record the experiment in, as `scriba run` does (`scriba get trials NAME
   * --db FILE` then shows it). An unfinished experiment of the same name found there
   * continues where it stopped: its finished trials are kept, interrupted ones run again.
   */
  store?: string;
}

/**
 * Runs a whole experiment in this process and resolves to its result.
 *
 * ```ts
 * const result = await tune({
 *   objective: ({ x }) => ({ loss: (x as number - 2) ** 2 }),
 *   parameters: { x: search.double({ min: -5, max: 5 }) },
 *   objectiveMetricName: 'loss', objectiveType: 'minimize', maxTrialCount: 20,
 * });
 * console.log(result.bestTrial?.parameters);
 * ```
 */
export async function tune<P extends Record<string, ParameterValue> = Record<string, ParameterValue>>(
  options: TuneOptions<P>,
): Promise<ExperimentResult> {
  if (typeof options?.objective !== 'function') {
    throw ScribaError.fromIssues([{ path: 'objective', message: 'expected a function (parameters, context) => metrics' }], 'invalid tuning options');
  }
  const { experiment, algorithm, seed } = prepareStudy(options);
  const store = options.store === undefined ? undefined : new SqliteStore(options.store);
  try {
    const name = experiment.metadata.name;
    const stored = store && openExperiment(store, experiment, { seed, seedGiven: options.seed !== undefined });
    store?.claim(name);
    const state = await runExperiment({
      experiment: stored ?? experiment,
      algorithm,
      seed,
      runner: createFunctionRunner(options.objective as Objective),
      ...(options.onTrialComplete ? { onTrialComplete: (trial: TrialRecord) => options.onTrialComplete?.(structuredClone(trial)) } : {}),
    });
    store?.release(name);
    return toResult(state);
  } finally {
    store?.close();
  }
}
