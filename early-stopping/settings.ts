import { checkSettings, type SettingRule } from '../algorithms/settings.js';
import type { EarlyStoppingSpec, ValidationIssue } from '../src/experiment/types.js';
import { parseNumber } from '../src/search-space/check.js';

const ALGORITHM_PATH = 'spec.algorithm.';
const EARLY_STOPPING_PATH = 'spec.earlyStopping.';

/**
 * Early-stopping settings checked with the algorithms' rules and Katib's messages
 * ("unknown setting S for algorithm A", "failed to validate S(V): ..."), located under
 * `spec.earlyStopping.algorithmSettings`.
 */
export function checkEarlyStoppingSettings(
  spec: EarlyStoppingSpec,
  algorithm: string,
  rules: Readonly<Record<string, SettingRule>>,
): ValidationIssue[] {
  return checkSettings({ name: '', spec: { algorithm: spec } }, algorithm, rules).map((issue) => ({
    ...issue,
    path: issue.path.startsWith(ALGORITHM_PATH) ? EARLY_STOPPING_PATH + issue.path.slice(ALGORITHM_PATH.length) : issue.path,
  }));
}

/** A numeric early-stopping setting already validated, or the default. */
export function earlyStoppingNumber(spec: EarlyStoppingSpec | undefined, name: string, fallback: number): number {
  const text = spec?.algorithmSettings?.find((s) => s.name === name)?.value;
  return parseNumber(text) ?? fallback;
}
