import type { ValidationIssue } from '../../src/experiment/types.js';
import { checkSettings, settingsOf, type SettingRule } from '../settings.js';
import type { AlgorithmExperiment } from '../types.js';
import { pyDict, pyFloat, type PyJson } from '../nas/python-json.js';

/**
 * DARTS's training settings (Liu et al. 2019, "DARTS: Differentiable Architecture
 * Search", ICLR; Katib's defaults after quark0/darts and pt.darts, katib-spec §4.8), with
 * their Python types: the trial receives them as Python json.dumps text, so `5.0` stays
 * a float and `50` an int.
 */
export const DARTS_DEFAULTS: ReadonlyArray<readonly [string, PyJson]> = [
  ['num_epochs', 50],
  ['w_lr', pyFloat(0.025)],
  ['w_lr_min', pyFloat(0.001)],
  ['w_momentum', pyFloat(0.9)],
  ['w_weight_decay', pyFloat(3e-4)],
  ['w_grad_clip', pyFloat(5.0)],
  ['alpha_lr', pyFloat(3e-4)],
  ['alpha_weight_decay', pyFloat(1e-3)],
  ['batch_size', 128],
  ['num_workers', 4],
  ['init_channels', 16],
  ['print_step', 50],
  ['num_nodes', 4],
  ['stem_multiplier', 3],
];

const RULES: Readonly<Record<string, SettingRule>> = {
  num_epochs: { type: 'int', min: 1 },
  w_lr: { type: 'float', min: 0 },
  w_lr_min: { type: 'float', min: 0 },
  alpha_lr: { type: 'float', min: 0 },
  w_weight_decay: { type: 'float', min: 0 },
  alpha_weight_decay: { type: 'float', min: 0 },
  w_momentum: { type: 'float', min: 0 },
  w_grad_clip: { type: 'float', min: 0 },
  batch_size: { type: 'int', min: 1 },
  num_workers: { type: 'int', min: 0 },
  init_channels: { type: 'int', min: 1 },
  print_step: { type: 'int', min: 1 },
  num_nodes: { type: 'int', min: 1 },
  stem_multiplier: { type: 'int', min: 1 },
};

const NONE = 'None';

/**
 * Katib's darts settings check: the known names within their ranges, batch_size may be
 * "None"; other names are passed to the trial unchecked (Katib allows them).
 */
export function checkDartsSettings(experiment: AlgorithmExperiment, algorithm: string): ValidationIssue[] {
  const skipped = new Set(
    settingsOf(experiment).flatMap((s, i) => {
      const at = `spec.algorithm.algorithmSettings[${i}]`;
      if (!(s.name in RULES)) return [`${at}.name`];
      return s.name === 'batch_size' && s.value === NONE ? [`${at}.value`] : [];
    }),
  );
  return checkSettings(experiment, algorithm, RULES).filter((issue) => !skipped.has(issue.path));
}

/**
 * The `algorithm-settings` dict: the defaults, each overridden in place by the user's
 * value (a string, as written; "None" becomes null), other names appended in order.
 */
export function dartsSettingsDict(experiment: AlgorithmExperiment): PyJson {
  const entries = new Map<string, PyJson>(DARTS_DEFAULTS);
  for (const s of settingsOf(experiment)) entries.set(s.name, s.value === NONE ? null : s.value);
  return pyDict([...entries]);
}
