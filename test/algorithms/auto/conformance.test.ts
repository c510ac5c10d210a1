import { describe, expect, test } from 'vitest';
import { createAuto } from '../../../algorithms/auto/index.js';
import { getAlgorithm } from '../../../algorithms/registry.js';
import { loadExperiment } from '../../../src/experiment/load.js';
import { describeConformance } from '../conformance.js';
import { double, experiment } from './support.js';

describeConformance('auto', {
  create: () => createAuto(),
  badSettings: [
    { name: 'random_state', value: '-1' },
    { name: 'random_state', value: '1.5' },
    { name: 'algorithm', value: 'tpe' },
    { name: 'no_such_setting', value: '1' },
  ],
  goodSettings: [{ name: 'random_state', value: '42' }],
  // Long budgets for spaces of an odd number of parameters, so that CMA-ES is chosen where it can run.
  adapt: (spec) => ({ ...spec, maxTrialCount: (spec.parameters?.length ?? 0) % 2 === 1 ? 1000 : 50 }),
  runs: 30,
});

describe('auto: settings', () => {
  test('an unknown setting is refused by name, listing the one it takes', () => {
    const issues = createAuto().validateSettings(experiment([double('x')], 10, [{ name: 'n_startup_trials', value: '5' }]));
    expect(issues).toEqual([
      { path: 'spec.algorithm.algorithmSettings[0].name', message: 'unknown setting n_startup_trials for algorithm auto; known settings: random_state' },
    ]);
  });

  test('random_state must be an integer >= 0', () => {
    const issues = createAuto().validateSettings(experiment([double('x')], 10, [{ name: 'random_state', value: 'seven' }]));
    expect(issues).toEqual([{ path: 'spec.algorithm.algorithmSettings[0].value', message: 'failed to validate random_state(seven): expected an integer >= 0' }]);
  });

  test('it needs parameters', () => {
    expect(createAuto().validateSettings(experiment([], 10))).toEqual([{ path: 'spec.parameters', message: 'algorithm auto needs at least one parameter' }]);
  });

  test('the registry knows it, and a Katib Experiment naming it loads', () => {
    expect(getAlgorithm('auto').name).toBe('auto');
    const yaml = `
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: auto-demo
spec:
  objective:
    type: minimize
    objectiveMetricName: loss
  algorithm:
    algorithmName: auto
    algorithmSettings:
      - name: random_state
        value: "3"
  maxTrialCount: 20
  parameters:
    - name: lr
      parameterType: double
      feasibleSpace: { min: "0.001", max: "0.1" }
  trialTemplate:
    primaryContainerName: main
    trialParameters:
      - name: lr
        reference: lr
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            containers:
              - name: main
                image: node:20
                command: ["node", "-e", "console.log('loss=' + \${trialParameters.lr})"]
            restartPolicy: Never
`;
    const { issues } = loadExperiment(yaml);
    expect(issues).toEqual([]);
    const bad = loadExperiment(yaml.replace('name: random_state', 'name: sigma'));
    expect(bad.issues.map((i) => i.message)).toContain('unknown setting sigma for algorithm auto; known settings: random_state');
  });
});
