export type { EarlyStoppingAlgorithm, EarlyStoppingRequest, EarlyStoppingRule, ObservationLogReader } from './types.js';
export { earlyStoppingNames, getEarlyStopping, registerEarlyStopping } from './registry.js';
export { checkEarlyStoppingSettings } from './settings.js';
export { createMedianStop, MEDIANSTOP_DEFAULTS } from './medianstop/index.js';
export { median, startStepMean } from './medianstop/median.js';
