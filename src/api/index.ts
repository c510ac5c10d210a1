export { search, type SearchParameter, type RangeOptions } from './search.js';
export { tune, type TuneOptions } from './tune.js';
export { createStudy, type Study, type StudyTrial } from './study.js';
export type { StudyOptions } from './options.js';
export type { ExperimentResult, TrialResult } from './result.js';
