import { createRng } from '../../src/rng.js';
import { compileSpace, encodeValue, sampleValue } from '../../src/search-space/index.js';
import { checkSettings, numberSetting, requireParameters } from '../settings.js';
import type { Algorithm } from '../types.js';

/**
 * Random search (Katib's `random`, served by hyperopt): each parameter drawn
 * independently from its distribution (see `sampleValue`).
 *
 * Settings: `random_state` (int >= 0). Trial k of an experiment is drawn from its own
 * stream seeded by (seed, k), so suggestions do not depend on how trials were batched.
 */
export function createRandom(): Algorithm {
  const name = 'random';
  return {
    name,
    validateSettings: (experiment) => [
      ...checkSettings(experiment, name, { random_state: { type: 'int', min: 0 } }),
      ...requireParameters(experiment, name),
    ],
    async getSuggestions({ experiment, trials, count, seed }) {
      const space = compileSpace(experiment.spec.parameters ?? []);
      const base = numberSetting(experiment, 'random_state', seed);
      const assignments = Array.from({ length: count }, (_, i) => {
        const rng = createRng(base, name, trials.length + i);
        return space.domains.map((d) => ({ name: d.name, value: encodeValue(d, sampleValue(d, rng)) }));
      });
      return { assignments };
    },
  };
}
