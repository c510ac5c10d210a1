// Tunes a small neural network on the "two moons" classification problem with tune().
// Run with: node examples/quickstart.mjs
import { search, tune } from 'scriba';
import { trainNetwork } from './lib/two-moons.mjs';

const result = await tune({
  name: 'two-moons',
  objective: (parameters, { report }) => trainNetwork(parameters, ({ loss, accuracy }) => report({ loss, accuracy })),
  parameters: {
    lr: search.double({ min: 1e-3, max: 0.5, distribution: 'logUniform' }),
    hidden: search.int({ min: 2, max: 24 }),
    l2: search.double({ min: 1e-6, max: 1e-1, distribution: 'logUniform' }),
    activation: search.categorical(['relu', 'tanh']),
    epochs: search.discrete([20, 40, 60]),
  },
  objectiveMetricName: 'loss',
  additionalMetricNames: ['accuracy'],
  objectiveType: 'minimize',
  algorithm: 'random',
  maxTrialCount: 24,
  parallelTrialCount: 3,
  seed: 2026,
  timeout: 300, // seconds: no new trial starts after five minutes
  onTrialComplete: (trial) => {
    // trial is as result.trials holds it: typed parameters, and the objective as `value`
    console.log(`${trial.name}  ${trial.condition.padEnd(9)}  ${trial.parameters.activation.padEnd(4)}  best loss ${trial.value?.toFixed(4) ?? '-'}`);
  },
});

const best = result.bestTrial;
console.log(`\n${result.status} (${result.reason}): ${result.counts.succeeded} of ${result.counts.total} trials succeeded`);
console.log(`best trial ${best.name}: validation loss ${best.value.toFixed(4)}, accuracy ${best.observation.metrics[1].max}`);
console.log('parameters:', best.parameters);
