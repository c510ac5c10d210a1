import { createFunctionRunner, type Objective } from '../../trials/function-runner.js';
import type { TrialRecord } from '../trial/types.js';
import { runExperiment } from '../loop/run.js';
import type { ParameterValue } from '../search-space/index.js';
import { ScribaError } from '../errors.js';
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
  const state = await runExperiment({
    experiment,
    algorithm,
    seed,
    runner: createFunctionRunner(options.objective as Objective),
    ...(options.onTrialComplete ? { onTrialComplete: (trial: TrialRecord) => options.onTrialComplete?.(structuredClone(trial)) } : {}),
  });
  return toResult(state);
}
