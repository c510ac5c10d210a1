import type { AlgorithmSetting, ValidationIssue } from '../src/experiment/types.js';
import { parseNumber } from '../src/search-space/check.js';
import type { AlgorithmExperiment } from './types.js';

/** How one algorithm setting is read and which values are valid. */
export interface SettingRule {
  type: 'int' | 'float' | 'string';
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Exclusive upper bound. */
  below?: number;
  /** Allowed values for strings. */
  oneOf?: readonly string[];
}

const SETTINGS_PATH = 'spec.algorithm.algorithmSettings';

export function settingsOf(experiment: AlgorithmExperiment): AlgorithmSetting[] {
  return experiment.spec.algorithm?.algorithmSettings ?? [];
}

/** The raw value of a setting, or `undefined` when it is not set. */
export function settingValue(experiment: AlgorithmExperiment, name: string): string | undefined {
  return settingsOf(experiment).find((s) => s.name === name)?.value;
}

/**
 * Validates settings against rules, with Katib's messages: "unknown setting S for
 * algorithm A" and "failed to validate S(V): ...", located at the setting's path.
 */
export function checkSettings(
  experiment: AlgorithmExperiment,
  algorithm: string,
  rules: Readonly<Record<string, SettingRule>>,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  settingsOf(experiment).forEach((setting, i) => {
    const rule = rules[setting.name];
    if (!rule) {
      const known = Object.keys(rules);
      issues.push({
        path: `${SETTINGS_PATH}[${i}].name`,
        message: `unknown setting ${setting.name} for algorithm ${algorithm}; ${known.length ? `known settings: ${known.join(', ')}` : 'it takes no settings'}`,
      });
      return;
    }
    const problem = checkValue(setting.value, rule);
    if (problem) {
      issues.push({
        path: `${SETTINGS_PATH}[${i}].value`,
        message: `failed to validate ${setting.name}(${setting.value}): ${problem}`,
      });
    }
  });
  return issues;
}

/** Reads a numeric setting already validated by `checkSettings`, or the default. */
export function numberSetting(experiment: AlgorithmExperiment, name: string, fallback: number): number;
export function numberSetting(experiment: AlgorithmExperiment, name: string): number | undefined;
export function numberSetting(experiment: AlgorithmExperiment, name: string, fallback?: number): number | undefined {
  const text = settingValue(experiment, name);
  const value = parseNumber(text);
  return value === undefined ? fallback : value;
}

function checkValue(text: string, rule: SettingRule): string | undefined {
  if (rule.type === 'string') {
    if (rule.oneOf && !rule.oneOf.includes(text)) return `expected one of ${rule.oneOf.join(', ')}`;
    return undefined;
  }
  const x = parseNumber(text);
  const what = rule.type === 'int' ? 'an integer' : 'a number';
  const bounds = [
    rule.min !== undefined ? `>= ${rule.min}` : '',
    rule.above !== undefined ? `> ${rule.above}` : '',
    rule.max !== undefined ? `<= ${rule.max}` : '',
    rule.below !== undefined ? `< ${rule.below}` : '',
  ].filter(Boolean);
  const expected = `expected ${what}${bounds.length ? ` ${bounds.join(' and ')}` : ''}`;
  if (x === undefined || !Number.isFinite(x) || (rule.type === 'int' && !Number.isInteger(x))) return expected;
  if (rule.min !== undefined && x < rule.min) return expected;
  if (rule.above !== undefined && x <= rule.above) return expected;
  if (rule.max !== undefined && x > rule.max) return expected;
  if (rule.below !== undefined && x >= rule.below) return expected;
  return undefined;
}

/** Issues for an algorithm that needs `spec.parameters` (every algorithm but the NAS ones). */
export function requireParameters(experiment: AlgorithmExperiment, algorithm: string): ValidationIssue[] {
  if (experiment.spec.parameters && experiment.spec.parameters.length > 0) return [];
  return [{ path: 'spec.parameters', message: `algorithm ${algorithm} needs at least one parameter` }];
}
