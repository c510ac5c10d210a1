export type { EarlyStoppingAlgorithm, EarlyStoppingRequest, EarlyStoppingRule, ObservationLogReader, StoppingJudge } from './types.js';
export { earlyStoppingNames, getEarlyStopping, registerEarlyStopping } from './registry.js';
export { checkEarlyStoppingSettings } from './settings.js';
export { createMedianJudge, createMedianStop, MEDIANSTOP_DEFAULTS } from './medianstop/index.js';
export { ASHA_DEFAULTS, ashaSettings, createAsha, createAshaJudge, type AshaSettings } from './asha/index.js';
export { median, startStepMean } from './medianstop/median.js';
