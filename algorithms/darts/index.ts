import type { ParameterAssignment } from '../../src/trial/types.js';
import { dartsSearchSpace } from '../nas/enumerate.js';
import { checkOperations } from '../nas/operations.js';
import { katibQuotes, pyJsonDumps } from '../nas/python-json.js';
import type { Algorithm, AlgorithmExperiment } from '../types.js';
import { checkDartsSettings, dartsSettingsDict } from './settings.js';

export { DARTS_DEFAULTS } from './settings.js';

/**
 * DARTS (Katib's `darts`; Liu et al. 2019), the suggestion side. The search itself (the
 * continuous relaxation and its bilevel optimisation) runs inside the trial; the
 * suggestion only tells it what to search: every trial gets the same three assignments,
 *   algorithm-settings: the training settings (see `dartsSettingsDict`),
 *   search-space: the candidate operations (see `dartsSearchSpace`),
 *   num-layers: graphConfig.numLayers as a decimal string ("0" when unset, as Katib),
 * the first two as Python json.dumps text with `"` replaced by `'`, as Katib's DARTS
 * trial program reads them.
 *
 * Katib's service answers its first call with `count` such trials and then fails on
 * every later call (its values exist only within the first call), so its examples set
 * maxTrialCount 1. Here every call answers `count` identical trials; a maxTrialCount above
 * 1 runs the same search several times.
 *
 * ```ts
 * const { assignments } = await createDarts().getSuggestions({ experiment, trials: [], count: 1, seed: 0 });
 * ```
 */
export function createDarts(): Algorithm {
  const name = 'darts';
  return {
    name,
    // Katib's check wants a parameter on every operation, which rejects its own darts-gpu.yaml
    // (a bare skip_connection); DARTS takes skip_connection as is, so it may have none.
    validateSettings: (experiment) => [
      ...checkOperations(experiment.spec.nasConfig, { parameterless: ['skip_connection'] }),
      ...checkDartsSettings(experiment, name),
    ],
    async getSuggestions({ experiment, count }) {
      const assignments = dartsAssignments(experiment);
      return { assignments: Array.from({ length: count }, () => assignments.map((a) => ({ ...a }))) };
    },
  };
}

/** The three assignments every DARTS trial of the experiment gets. */
export function dartsAssignments(experiment: AlgorithmExperiment): ParameterAssignment[] {
  const nas = experiment.spec.nasConfig ?? {};
  return [
    { name: 'algorithm-settings', value: katibQuotes(pyJsonDumps(dartsSettingsDict(experiment))) },
    { name: 'search-space', value: katibQuotes(pyJsonDumps(dartsSearchSpace(nas.operations ?? []))) },
    { name: 'num-layers', value: String(nas.graphConfig?.numLayers ?? 0) },
  ];
}
