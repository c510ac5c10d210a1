import type { ValidationIssue } from '../../src/experiment/types.js';
import { parseNumber } from '../../src/search-space/check.js';
import { checkSettings, settingsOf, type SettingRule } from '../settings.js';
import type { AlgorithmExperiment } from '../types.js';

/** The ENAS controller's settings, read (katib-spec §4.7); `null` where the user wrote "None" (the term is left out). */
export interface EnasSettings {
  hiddenSize: number;
  temperature: number | null;
  tanhConst: number | null;
  entropyWeight: number | null;
  baselineDecay: number;
  learningRate: number;
  skipTarget: number;
  skipWeight: number | null;
  trainSteps: number;
  logEverySteps: number;
}

interface SettingDef {
  key: keyof EnasSettings;
  fallback: number;
  rule: SettingRule;
  /** Katib accepts the literal "None" for these, dropping the term it controls. */
  none?: true;
}

/** Katib's names, defaults, types and ranges (floats: (low, high], high often unbounded). */
const DEFINITIONS: Readonly<Record<string, SettingDef>> = {
  controller_hidden_size: { key: 'hiddenSize', fallback: 64, rule: { type: 'int', min: 1 } },
  controller_temperature: { key: 'temperature', fallback: 5.0, rule: { type: 'float', above: 0 }, none: true },
  controller_tanh_const: { key: 'tanhConst', fallback: 2.25, rule: { type: 'float', above: 0 }, none: true },
  controller_entropy_weight: { key: 'entropyWeight', fallback: 1e-5, rule: { type: 'float', above: 0 }, none: true },
  controller_baseline_decay: { key: 'baselineDecay', fallback: 0.999, rule: { type: 'float', above: 0, max: 1 } },
  controller_learning_rate: { key: 'learningRate', fallback: 5e-5, rule: { type: 'float', above: 0, max: 1 } },
  controller_skip_target: { key: 'skipTarget', fallback: 0.4, rule: { type: 'float', above: 0, max: 1 } },
  controller_skip_weight: { key: 'skipWeight', fallback: 0.8, rule: { type: 'float', above: 0 }, none: true },
  controller_train_steps: { key: 'trainSteps', fallback: 50, rule: { type: 'int', min: 1 } },
  controller_log_every_steps: { key: 'logEverySteps', fallback: 10, rule: { type: 'int', min: 1 } },
};

export const ENAS_SETTING_NAMES: readonly string[] = Object.keys(DEFINITIONS);

const NONE = 'None';

/** Katib's settings check for enas: known names only, each of its type and range, "None" where allowed. */
export function checkEnasSettings(experiment: AlgorithmExperiment, algorithm: string): ValidationIssue[] {
  const rules = Object.fromEntries(Object.entries(DEFINITIONS).map(([name, d]) => [name, d.rule]));
  const settings = settingsOf(experiment);
  const noneAt = new Set(
    settings.flatMap((s, i) => (DEFINITIONS[s.name]?.none && s.value === NONE ? [`spec.algorithm.algorithmSettings[${i}].value`] : [])),
  );
  return checkSettings(experiment, algorithm, rules).filter((issue) => !noneAt.has(issue.path));
}

/** The settings of a validated experiment, defaults filled in; a repeated name takes its last value (as Katib). */
export function readEnasSettings(experiment: AlgorithmExperiment): EnasSettings {
  const out: Record<string, number | null> = {};
  for (const d of Object.values(DEFINITIONS)) out[d.key] = d.fallback;
  for (const s of settingsOf(experiment)) {
    const d = DEFINITIONS[s.name];
    if (!d) continue;
    out[d.key] = d.none && s.value === NONE ? null : (parseNumber(s.value) ?? d.fallback);
  }
  return out as unknown as EnasSettings;
}
