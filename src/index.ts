/**
 * Scriba: hyperparameter tuning for TypeScript, speaking Kubeflow Katib's Experiment.
 *
 * ```ts
 * import { tune, search } from 'scriba';
 * const result = await tune({
 *   objective: ({ x }) => ((x as number) - 2) ** 2,
 *   parameters: { x: search.double({ min: -5, max: 5 }) },
 *   objectiveType: 'minimize',
 *   maxTrialCount: 30,
 * });
 * ```
 */
export { tune, createStudy, search } from './api/index.js';
export type {
  ExperimentResult,
  RangeOptions,
  SearchParameter,
  Study,
  StudyOptions,
  StudyTrial,
  TrialResult,
  TuneOptions,
} from './api/index.js';
export { loadExperiment, parseExperimentObject, applyDefaults, validateExperiment } from './experiment/index.js';
export type * from './experiment/types.js';
export { ScribaError, formatIssue, type ErrorCode } from './errors.js';
export type { ParameterValue } from './search-space/index.js';
export type { MetricLog, Observation, MetricObservation, ParameterAssignment, TrialConditionType, TrialRecord } from './trial/types.js';
export type { Metrics, Objective, ObjectiveContext } from '../trials/function-runner.js';
export type { TrialRunner, TrialRun } from '../trials/types.js';
export { algorithmNames, getAlgorithm, registerAlgorithm } from '../algorithms/registry.js';
export type { Algorithm, AlgorithmExperiment, SuggestionReply, SuggestionRequest } from '../algorithms/types.js';
