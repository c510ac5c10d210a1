import { createCmaes } from '../../../algorithms/cmaes/index.js';
import { parametersArbitrary } from '../../support/arbitraries.js';
import { describeConformance } from '../conformance.js';

// Katib's cmaes needs at least two int/double parameters: the generated spaces are those
// of every other algorithm, kept when they have two (about half of them).
const numeric = (type: string) => type === 'int' || type === 'double';

describeConformance('cmaes', {
  create: createCmaes,
  parameters: parametersArbitrary().filter((ps) => ps.filter((p) => numeric(p.parameterType)).length >= 2),
  badSettings: [
    { name: 'sigma', value: '-0.5' },
    { name: 'sigma', value: 'x' },
    { name: 'restart_strategy', value: 'sometimes' },
    { name: 'random_state', value: '-1' },
    { name: 'no_such_setting', value: '1' },
  ],
  goodSettings: [
    { name: 'sigma', value: '0.1' },
    { name: 'restart_strategy', value: 'bipop' },
    { name: 'random_state', value: '42' },
  ],
});
