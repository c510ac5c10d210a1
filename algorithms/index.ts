export type { Algorithm, AlgorithmExperiment, EarlyStoppingRule, SuggestionReply, SuggestionRequest } from './types.js';
export { algorithmNames, getAlgorithm, registerAlgorithm, KATIB_ALGORITHM_NAMES } from './registry.js';
export { checkSettings, settingValue, numberSetting, type SettingRule } from './settings.js';
export { createRandom } from './random/index.js';
export { createGrid, gridSize } from './grid/index.js';
export { createTpe } from './tpe/index.js';
export { createPbt, PBT_GENERATION_LABEL, PBT_PARENT_LABEL } from './pbt/index.js';
export { createHyperband } from './hyperband/index.js';
