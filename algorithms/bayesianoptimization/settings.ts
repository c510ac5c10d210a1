import type { ValidationIssue } from '../../src/experiment/types.js';
import { checkSettings, numberSetting, settingsOf, settingValue, type SettingRule } from '../settings.js';
import type { AlgorithmExperiment } from '../types.js';
import type { AcquisitionName } from './acquisition.js';

/** Katib's settings of `bayesianoptimization` (skopt), katib-spec §4.3, with Katib's valid values. */
export const SETTINGS: Readonly<Record<string, SettingRule>> = {
  base_estimator: { type: 'string', oneOf: ['GP', 'RF', 'ET', 'GBRT'] },
  n_initial_points: { type: 'int', min: 0 },
  acq_func: { type: 'string', oneOf: ['gp_hedge', 'LCB', 'EI', 'PI', 'EIps', 'PIps'] },
  acq_optimizer: { type: 'string', oneOf: ['auto', 'sampling', 'lbfgs'] },
  random_state: { type: 'int', min: 0 },
};

/** Values Katib accepts that Scriba does not implement, with what to use instead. */
const UNSUPPORTED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  base_estimator: {
    RF: 'random-forest surrogates are not supported by Scriba; use GP',
    ET: 'extra-trees surrogates are not supported by Scriba; use GP',
    GBRT: 'gradient-boosted-tree surrogates are not supported by Scriba; use GP',
  },
  acq_func: {
    EIps: 'EIps (EI per second) needs a model of trial run time, which Scriba does not fit; use EI, PI, LCB or gp_hedge',
    PIps: 'PIps (PI per second) needs a model of trial run time, which Scriba does not fit; use EI, PI, LCB or gp_hedge',
  },
};

export type AcquisitionSetting = AcquisitionName | 'gp_hedge';

export interface BayesianOptimizationSettings {
  nInitialPoints: number;
  acqFunc: AcquisitionSetting;
  acqOptimizer: 'auto' | 'sampling' | 'lbfgs';
  randomState?: number;
}

/** Katib's validation of the settings, plus a clear refusal of the values Scriba does not implement. */
export function validateBayesianSettings(experiment: AlgorithmExperiment, algorithm: string): ValidationIssue[] {
  const issues = checkSettings(experiment, algorithm, SETTINGS);
  settingsOf(experiment).forEach((setting, i) => {
    const reason = UNSUPPORTED[setting.name]?.[setting.value];
    if (reason) {
      issues.push({
        path: `spec.algorithm.algorithmSettings[${i}].value`,
        message: `failed to validate ${setting.name}(${setting.value}): ${reason}`,
      });
    }
  });
  return issues;
}

/** The settings of a validated experiment, with skopt's defaults. */
export function readSettings(experiment: AlgorithmExperiment): BayesianOptimizationSettings {
  const randomState = numberSetting(experiment, 'random_state');
  return {
    nInitialPoints: numberSetting(experiment, 'n_initial_points', 10),
    acqFunc: (settingValue(experiment, 'acq_func') ?? 'gp_hedge') as AcquisitionSetting,
    acqOptimizer: (settingValue(experiment, 'acq_optimizer') ?? 'auto') as BayesianOptimizationSettings['acqOptimizer'],
    ...(randomState !== undefined ? { randomState } : {}),
  };
}
