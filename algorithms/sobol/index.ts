import type { ValidationIssue } from '../../src/experiment/types.js';
import { ScribaError } from '../../src/errors.js';
import { createRng } from '../../src/rng.js';
import { compileSpace, unitToAssignment } from '../../src/search-space/index.js';
import { checkSettings, numberSetting, requireParameters } from '../settings.js';
import type { Algorithm, AlgorithmExperiment } from '../types.js';
import { SOBOL_MAX_DIMENSIONS } from './direction-numbers.js';
import { scrambledSobol, sobolPoints } from './sequence.js';

export { SOBOL_MAX_DIMENSIONS } from './direction-numbers.js';

/**
 * Quasi-random search (Katib's `sobol`, served by goptuna): a Sobol' sequence with Joe &
 * Kuo's (2008) direction numbers, scrambled by a random linear matrix scramble and digital
 * shift (Matoušek 1998), one coordinate per parameter in the order of `spec.parameters`,
 * mapped to values by the shared unit-cube transform (`fromUnit`): int, step and list
 * parameters take the value whose cell holds the coordinate.
 *
 * Settings: `random_state` (int >= 0) seeds the scramble; without it the experiment's
 * seed does. Trial k of the experiment is point k of the scrambled sequence, so
 * suggestions do not depend on how trials were batched, and a restarted service
 * continues the sequence from the trials alone.
 */
export function createSobol(): Algorithm {
  const name = 'sobol';
  return {
    name,
    validateSettings: (experiment) => [
      ...checkSettings(experiment, name, { random_state: { type: 'int', min: 0 } }),
      ...requireParameters(experiment, name),
      ...checkDimensions(experiment),
    ],
    async getSuggestions({ experiment, trials, count, seed }) {
      const space = compileSpace(experiment.spec.parameters ?? []);
      const tooWide = checkDimensions(experiment);
      if (tooWide.length > 0) throw ScribaError.fromIssues(tooWide);
      const base = numberSetting(experiment, 'random_state', seed);
      const sequence = scrambledSobol(space.domains.length, (dimension) => createRng(base, name, 'scramble', dimension));
      const points = sobolPoints(sequence, trials.length, count);
      return { assignments: points.map((u) => unitToAssignment(space, u)) };
    },
  };
}

/** A space wider than Joe & Kuo's table has no Sobol' dimensions for its last parameters. */
function checkDimensions(experiment: AlgorithmExperiment): ValidationIssue[] {
  const n = experiment.spec.parameters?.length ?? 0;
  if (n <= SOBOL_MAX_DIMENSIONS) return [];
  return [
    {
      path: 'spec.parameters',
      message: `algorithm sobol supports at most ${SOBOL_MAX_DIMENSIONS} parameters (the dimensions of Joe & Kuo's direction numbers), got ${n}`,
    },
  ];
}
