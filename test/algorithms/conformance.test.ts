import { createGrid, gridSize } from '../../algorithms/grid/index.js';
import { createRandom } from '../../algorithms/random/index.js';
import { createTpe } from '../../algorithms/tpe/index.js';
import { describeConformance } from './conformance.js';

const unknownSetting = { name: 'no_such_setting', value: '1' };

describeConformance('random', {
  create: createRandom,
  badSettings: [{ name: 'random_state', value: '-1' }, { name: 'random_state', value: 'abc' }, unknownSetting],
  goodSettings: [{ name: 'random_state', value: '42' }],
});

describeConformance('grid', {
  create: createGrid,
  space: { doubleStep: 'required', maxParameters: 4 },
  badSettings: [{ name: 'random_state', value: '1.5' }, unknownSetting],
  goodSettings: [{ name: 'random_state', value: '0' }],
  adapt: (spec) => ({ ...spec, maxTrialCount: Math.min(10, gridSize({ name: 'g', spec })) }),
});

for (const multivariate of [false, true]) {
  describeConformance(multivariate ? 'multivariate-tpe' : 'tpe', {
    create: () => createTpe(multivariate),
    badSettings: [
      { name: 'n_startup_trials', value: '-1' },
      { name: 'n_ei_candidates', value: '0' },
      { name: 'gamma', value: '1' },
      { name: 'prior_weight', value: '0' },
      { name: 'random_state', value: 'x' },
      unknownSetting,
    ],
    goodSettings: [
      { name: 'n_startup_trials', value: '2' },
      { name: 'n_ei_candidates', value: '8' },
      { name: 'gamma', value: '0.25' },
      { name: 'prior_weight', value: '0.5' },
      { name: 'random_state', value: '7' },
    ],
    // Short startups so that the model, not the random start, makes most suggestions.
    adapt: (spec) => {
      const settings = spec.algorithm?.algorithmSettings ?? [];
      return { ...spec, algorithm: { algorithmName: spec.algorithm?.algorithmName ?? 'tpe', algorithmSettings: settings.length ? settings : [{ name: 'n_startup_trials', value: '3' }] } };
    },
  });
}
