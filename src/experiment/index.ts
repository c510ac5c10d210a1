export * from './types.js';
export { parseExperimentObject } from './parse.js';
export {
  applyDefaults,
  DEFAULT_METRICS_FILE,
  DEFAULT_PARALLEL_TRIAL_COUNT,
  DEFAULT_PROMETHEUS_PATH,
  DEFAULT_PROMETHEUS_PORT,
  DEFAULT_TFEVENT_DIR,
  JOB_FAILURE_CONDITION,
  JOB_SUCCESS_CONDITION,
  KUBEFLOW_JOB_KINDS,
  KUBEFLOW_JOB_PRIMARY_POD_LABELS,
  KUBEFLOW_JOB_SUCCESS_CONDITION,
  TRAIN_JOB_PRIMARY_POD_LABELS,
} from './defaults.js';
export { validateExperiment, EARLY_STOPPING_NAMES, METRICS_COLLECTOR_KINDS, type ValidateOptions } from './validate.js';
export { loadExperiment, YAML_PATH, type LoadedExperiment } from './load.js';
export {
  MAX_EXPERIMENT_BYTES,
  MAX_GRID_COMBINATIONS,
  MAX_GRID_POINTS_PER_PARAMETER,
  MAX_LIST_VALUES,
  MAX_PARAMETERS,
} from './limits.js';
