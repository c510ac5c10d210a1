import type { ValidationIssue } from '../../src/experiment/types.js';
import { checkSettings, numberSetting, requireParameters, settingValue, type SettingRule } from '../settings.js';
import type { AlgorithmExperiment } from '../types.js';

/** The settings of Katib's pbt service (katib-spec §4.6). */
export interface PbtSettings {
  /** Where the template mounts each trial's checkpoint directory. */
  suggestionTrialDir: string;
  /** Members per generation. */
  nPopulation: number;
  /** Fraction of a generation that exploits (bottom) and is exploited (top). */
  truncationThreshold: number;
  /** Per-parameter probability that explore draws a fresh value instead of perturbing. */
  resampleProbability: number;
}

const RULES: Readonly<Record<string, SettingRule>> = {
  suggestion_trial_dir: { type: 'string' },
  n_population: { type: 'int', min: 5 },
  truncation_threshold: { type: 'float', min: 0, max: 1 },
  // Katib's check of this one compares a string with numbers and raises; here it works.
  resample_probability: { type: 'float', min: 0, max: 1 },
};

const REQUIRED = ['suggestion_trial_dir', 'n_population', 'truncation_threshold'] as const;

/** Every problem with a pbt experiment's settings and space. */
export function validatePbt(experiment: AlgorithmExperiment, name: string): ValidationIssue[] {
  const issues = [...checkSettings(experiment, name, RULES), ...requireParameters(experiment, name)];
  for (const setting of REQUIRED) {
    if (settingValue(experiment, setting) === undefined) {
      issues.push({ path: 'spec.algorithm.algorithmSettings', message: `failed to validate ${setting}: the setting is required by algorithm ${name}` });
    }
  }
  if (settingValue(experiment, 'suggestion_trial_dir') === '') {
    issues.push({ path: 'spec.algorithm.algorithmSettings', message: 'failed to validate suggestion_trial_dir(): expected a directory path' });
  }
  (experiment.spec.parameters ?? []).forEach((p, i) => {
    // Katib lists each parameter's values as arange(min, max + step/2, step): a double needs a step.
    if (p.parameterType === 'double' && p.feasibleSpace?.step === undefined) {
      issues.push({ path: `spec.parameters[${i}].feasibleSpace.step`, message: `algorithm ${name} needs a step for double parameter "${p.name}"` });
    }
  });
  return issues;
}

/** Settings of an experiment already validated by `validatePbt`. */
export function readPbtSettings(experiment: AlgorithmExperiment): PbtSettings {
  return {
    suggestionTrialDir: settingValue(experiment, 'suggestion_trial_dir') ?? '',
    nPopulation: numberSetting(experiment, 'n_population', 5),
    truncationThreshold: numberSetting(experiment, 'truncation_threshold', 0.2),
    resampleProbability: numberSetting(experiment, 'resample_probability', 0),
  };
}
