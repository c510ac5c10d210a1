export { search, type ParameterValues, type RangeOptions, type SearchParameter, type SearchSpaceOptions } from './search.js';
export { tune, type TuneOptions } from './tune.js';
export { createStudy, type Study, type StudyTrial } from './study.js';
export type { StudyOptions } from './options.js';
export type { ExperimentResult, TrialResult } from './result.js';
export { BUILT_IN_ALGORITHMS, type AlgorithmName, type BuiltInAlgorithmName } from './algorithm-name.js';
export { TIMEOUT_REASON } from './timeout.js';
