import type { AlgorithmSetting, ValidationIssue } from '../../src/experiment/types.js';
import { parseNumber } from '../../src/search-space/check.js';
import { checkSettings, settingsOf, settingValue, type SettingRule } from '../settings.js';
import type { AlgorithmExperiment } from '../types.js';
import { bracketResource, bracketSize, budgetOf, MAX_BRACKET_SIZE, sMaxOf } from './brackets.js';

export const HYPERBAND = 'hyperband';

/**
 * Settings a user writes (katib-spec §4.5), and the state the algorithm writes back in
 * every reply under Katib's names, which the next request carries as settings: the
 * validator accepts both.
 */
const RULES: Readonly<Record<string, SettingRule>> = {
  r_l: { type: 'float', min: 0 },
  eta: { type: 'float' },
  resource_name: { type: 'string' },
  s_max: { type: 'int', min: 0 },
  b_l: { type: 'float', min: 0 },
  r: { type: 'float', min: 0 },
  n: { type: 'int', min: 0 },
  current_s: { type: 'int', min: -1 },
  current_i: { type: 'int', min: 0 },
  evaluating_trials: { type: 'int', min: 0 },
};

/** What a run of Hyperband is fixed by: R (r_l), η, s_max and the resource parameter. */
export interface HyperbandConfig {
  rl: number;
  eta: number;
  sMax: number;
  resourceName: string;
}

/** Where a run stands: bracket s, rung i, and how many of that rung's trials were handed out. */
export interface Position {
  s: number;
  i: number;
  issued: number;
}

/** η as Katib reads it: int(eta), and 3 when absent or <= 0. */
export function etaOf(experiment: AlgorithmExperiment): number {
  const x = parseNumber(settingValue(experiment, 'eta'));
  if (x === undefined) return 3;
  const eta = Math.trunc(x);
  return eta <= 0 ? 3 : eta;
}

/** Katib's ValidateAlgorithmSettings for hyperband, without its parallelTrialCount rule. */
export function validateHyperband(experiment: AlgorithmExperiment): ValidationIssue[] {
  const issues = checkSettings(experiment, HYPERBAND, RULES);
  const settings = settingsOf(experiment);
  const at = (name: string) => `spec.algorithm.algorithmSettings[${settings.findIndex((s) => s.name === name)}].value`;
  const bad = (name: string) => issues.some((issue) => issue.path === at(name));
  for (const required of ['r_l', 'resource_name']) {
    if (settingValue(experiment, required) === undefined) {
      issues.push({ path: 'spec.algorithm.algorithmSettings', message: `failed to validate ${required}: it is required for algorithm ${HYPERBAND}` });
    }
  }
  const eta = etaOf(experiment);
  const etaText = settingValue(experiment, 'eta');
  if (etaText !== undefined && !bad('eta') && eta === 1) {
    issues.push({ path: at('eta'), message: `failed to validate eta(${etaText}): expected an integer >= 2 (int(eta) is 1, which leaves no log base for s_max = floor(ln r_l / ln eta))` });
  }
  const rlText = settingValue(experiment, 'r_l');
  const rl = parseNumber(rlText);
  if (rlText !== undefined && rl !== undefined && !bad('r_l') && eta >= 2) {
    const sMax = sMaxOf(rl, eta);
    if (sMax < 0) {
      issues.push({ path: at('r_l'), message: `failed to validate r_l(${rlText}): expected a number >= 1 (eta^0), so that s_max = floor(ln r_l / ln eta) >= 0 and Hyperband has a bracket` });
    } else if (eta ** sMax > MAX_BRACKET_SIZE) {
      issues.push({ path: at('r_l'), message: `failed to validate r_l(${rlText}): its largest bracket would start eta^s_max = ${eta}^${sMax} configurations; expected at most ${MAX_BRACKET_SIZE.toLocaleString('en-US')}` });
    } else {
      const written = parseNumber(settingValue(experiment, 's_max'));
      if (written !== undefined && !bad('s_max') && written !== sMax) {
        issues.push({ path: at('s_max'), message: `failed to validate s_max(${written}): expected floor(ln r_l / ln eta) = ${sMax} for r_l ${rlText} and eta ${eta}` });
      }
    }
  }
  issues.push(...checkResource(experiment));
  return issues;
}

function checkResource(experiment: AlgorithmExperiment): ValidationIssue[] {
  const name = settingValue(experiment, 'resource_name');
  if (name === undefined) return [];
  const path = `spec.algorithm.algorithmSettings[${settingsOf(experiment).findIndex((s) => s.name === 'resource_name')}].value`;
  const parameter = (experiment.spec.parameters ?? []).find((p) => p.name === name);
  if (!parameter) {
    const names = (experiment.spec.parameters ?? []).map((p) => p.name);
    return [{ path, message: `failed to validate resource_name(${name}): expected the name of a parameter of the experiment${names.length ? ` (${names.join(', ')})` : ''}` }];
  }
  if (parameter.parameterType !== 'int' && parameter.parameterType !== 'double') {
    return [{ path, message: `failed to validate resource_name(${name}): parameter ${name} is ${parameter.parameterType}; expected an int or double parameter to carry the resource` }];
  }
  return [];
}

/** The run's constants, from settings `validateHyperband` accepted. */
export function configOf(experiment: AlgorithmExperiment): HyperbandConfig {
  const eta = etaOf(experiment);
  const rl = parseNumber(settingValue(experiment, 'r_l')) as number;
  return { rl, eta, sMax: sMaxOf(rl, eta), resourceName: settingValue(experiment, 'resource_name') as string };
}

/** The position the last reply wrote, or undefined before the first reply (or when a caller dropped it). */
export function writtenPosition(experiment: AlgorithmExperiment): Position | undefined {
  const s = parseNumber(settingValue(experiment, 'current_s'));
  if (s === undefined) return undefined;
  const i = parseNumber(settingValue(experiment, 'current_i')) ?? 0;
  const issued = parseNumber(settingValue(experiment, 'evaluating_trials')) ?? 0;
  return { s, i, issued };
}

/** The state a reply carries, under Katib's names (katib-spec §4.5). */
export function stateSettings(config: HyperbandConfig, position: Position): AlgorithmSetting[] {
  const { rl, eta, sMax } = config;
  const s = position.s;
  const bracket = s >= 0 ? { n: bracketSize(sMax, eta, s), r: bracketResource(rl, eta, s) } : { n: 0, r: 0 };
  const values: Array<[string, number | string]> = [
    ['eta', eta],
    ['s_max', sMax],
    ['r_l', rl],
    ['b_l', budgetOf(rl, sMax)],
    ['r', bracket.r],
    ['n', bracket.n],
    ['current_s', s],
    ['current_i', position.i],
    ['resource_name', config.resourceName],
    ['evaluating_trials', position.issued],
  ];
  return values.map(([name, value]) => ({ name, value: String(value) }));
}
