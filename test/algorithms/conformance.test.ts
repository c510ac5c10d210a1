import { createGrid, gridSize } from '../../algorithms/grid/index.js';
import { createRandom } from '../../algorithms/random/index.js';
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
