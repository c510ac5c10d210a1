import { createBayesianOptimization } from '../../../algorithms/bayesianoptimization/index.js';
import { describeConformance } from '../conformance.js';

describeConformance('bayesianoptimization', {
  create: createBayesianOptimization,
  badSettings: [
    { name: 'base_estimator', value: 'RF' },
    { name: 'base_estimator', value: 'SVM' },
    { name: 'n_initial_points', value: '-1' },
    { name: 'acq_func', value: 'EIps' },
    { name: 'acq_func', value: 'UCB' },
    { name: 'acq_optimizer', value: 'adam' },
    { name: 'random_state', value: 'x' },
    { name: 'no_such_setting', value: '1' },
  ],
  goodSettings: [
    { name: 'base_estimator', value: 'GP' },
    { name: 'n_initial_points', value: '5' },
    { name: 'acq_func', value: 'EI' },
    { name: 'acq_optimizer', value: 'lbfgs' },
    { name: 'random_state', value: '7' },
  ],
  // A short initial design, so that the model, not the design, makes most suggestions.
  adapt: (spec) => {
    const settings = spec.algorithm?.algorithmSettings ?? [];
    return { ...spec, algorithm: { algorithmName: 'bayesianoptimization', algorithmSettings: settings.length ? settings : [{ name: 'n_initial_points', value: '3' }] } };
  },
  runs: 40,
});
