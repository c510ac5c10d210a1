/**
 * Scriba: hyperparameter tuning for TypeScript, speaking Kubeflow Katib's Experiment.
 *
 * ```ts
 * import { tune, search } from 'scriba';
 * const result = await tune({
 *   objective: ({ x }) => (x - 2) ** 2,
 *   parameters: { x: search.double({ min: -5, max: 5 }) },
 *   objectiveType: 'minimize',
 *   maxTrialCount: 30,
 * });
 * ```
 */
export { tune, createStudy, search, BUILT_IN_ALGORITHMS, TIMEOUT_REASON } from './api/index.js';
export type {
  AlgorithmName,
  BuiltInAlgorithmName,
  ExperimentResult,
  ParameterValues,
  RangeOptions,
  SearchParameter,
  SearchSpaceOptions,
  Study,
  StudyOptions,
  StudyTrial,
  TrialResult,
  TuneOptions,
} from './api/index.js';
export { loadExperiment, parseExperimentObject, applyDefaults, validateExperiment, type LoadedExperiment } from './experiment/index.js';
export { MAX_EXPERIMENT_BYTES, MAX_GRID_COMBINATIONS, MAX_GRID_POINTS_PER_PARAMETER, MAX_LIST_VALUES, MAX_PARAMETERS } from './experiment/limits.js';
export type * from './experiment/types.js';
export { ScribaError, formatIssue, type ErrorCode } from './errors.js';
export type { ParameterValue } from './search-space/index.js';
export type { MetricLog, Observation, MetricObservation, ParameterAssignment, TrialConditionType, TrialRecord } from './trial/types.js';
export type { Metrics, Objective, ObjectiveContext } from '../trials/function-runner.js';
export { TrialPruned } from '../trials/function-runner.js';
export type { TrialRunner, TrialRun } from '../trials/types.js';
export { algorithmNames, getAlgorithm, registerAlgorithm } from '../algorithms/registry.js';
export type { Algorithm, AlgorithmExperiment, SuggestionReply, SuggestionRequest } from '../algorithms/types.js';
