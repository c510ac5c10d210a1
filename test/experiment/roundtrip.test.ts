import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import {
  applyDefaults,
  loadExperiment,
  type Distribution,
  type Experiment,
  type MetricsCollectorSpec,
  type ParameterSpec,
} from '../../src/experiment/index.js';

/** `{ [key]: value }`, or nothing when fast-check's option gave null: absent fields stay absent. */
const opt = <K extends string, V>(key: K, value: V | null): { [P in K]?: V } =>
  (value === null ? {} : { [key]: value }) as { [P in K]?: V };

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const positive = fc.double({ noNaN: true, min: 1e-300, max: 1e300 });
const numeric = fc.oneof(finite, fc.integer({ min: -1e6, max: 1e6 })).map(String);
const metricName = fc.stringMatching(/^[A-Za-z][\w-]{0,10}$/);
const anyDistribution = fc.option(fc.constantFrom<Distribution>('uniform', 'logUniform', 'normal', 'logNormal'));

/** A double or int range: min <= max, a positive step maybe, log distributions on positive bounds. */
const numericSpace = (type: 'double' | 'int') =>
  anyDistribution.chain((distribution) => {
    const log = distribution === 'logUniform' || distribution === 'logNormal';
    const bound = type === 'int' ? fc.integer({ min: log ? 1 : -1000, max: 1000 }) : log ? positive : finite;
    const step = type === 'int' ? fc.integer({ min: 1, max: 50 }) : positive;
    return fc.record({ a: bound, b: bound, step: fc.option(step) }).map(({ a, b, step }) => ({
      min: String(Math.min(a, b)),
      max: String(Math.max(a, b)),
      ...opt('step', step === null ? null : String(step)),
      ...opt('distribution', distribution),
    }));
  });

const listSpace = (values: fc.Arbitrary<string>) =>
  fc.record({ list: fc.uniqueArray(values, { minLength: 1, maxLength: 6 }), distribution: anyDistribution })
    .map(({ list, distribution }) => ({ list, ...opt('distribution', distribution) }));

const parameter = (name: string): fc.Arbitrary<ParameterSpec> =>
  fc.oneof(
    numericSpace('double').map((feasibleSpace) => ({ name, parameterType: 'double' as const, feasibleSpace })),
    numericSpace('int').map((feasibleSpace) => ({ name, parameterType: 'int' as const, feasibleSpace })),
    listSpace(numeric).map((feasibleSpace) => ({ name, parameterType: 'discrete' as const, feasibleSpace })),
    listSpace(fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 })))
      .map((feasibleSpace) => ({ name, parameterType: 'categorical' as const, feasibleSpace })),
  );

const parameters = fc
  .uniqueArray(fc.stringMatching(/^[a-zA-Z][\w.-]{0,12}$/), { minLength: 1, maxLength: 6 })
  .chain((names) => fc.tuple(...names.map(parameter)));

const objective = fc
  .record({
    type: fc.constantFrom('minimize' as const, 'maximize' as const),
    objectiveMetricName: metricName,
    goal: fc.option(finite.map((x) => x + 0)), // + 0: JSON has no -0
    additional: fc.uniqueArray(metricName, { maxLength: 3 }),
    strategies: fc.array(fc.constantFrom('min' as const, 'max' as const, 'latest' as const), { maxLength: 4 }),
  })
  .map(({ type, objectiveMetricName, goal, additional, strategies }) => {
    const additionalMetricNames = additional.filter((m) => m !== objectiveMetricName);
    const metrics = [objectiveMetricName, ...additionalMetricNames];
    const metricStrategies = strategies.slice(0, metrics.length).map((value, i) => ({ name: metrics[i] as string, value }));
    return {
      type,
      objectiveMetricName,
      ...opt('goal', goal),
      ...(additionalMetricNames.length > 0 ? { additionalMetricNames } : {}),
      ...(metricStrategies.length > 0 ? { metricStrategies } : {}),
    };
  });

/**
 * maxTrialCount, parallelTrialCount and maxFailedTrialCount obeying rule 2, each maybe
 * unset; below 3 trials parallelTrialCount must be set, as its default 3 would exceed them.
 */
const counts = fc.option(fc.integer({ min: 1, max: 1000 })).chain((max) =>
  fc.record({
    maxTrialCount: fc.constant(max),
    parallelTrialCount: max !== null && max < 3 ? fc.integer({ min: 1, max }) : fc.option(fc.integer({ min: 1, max: max ?? 1000 })),
    maxFailedTrialCount: fc.option(fc.integer({ min: 0, max: max ?? 1000 })),
  }).map((c) => ({
    ...opt('maxTrialCount', c.maxTrialCount),
    ...opt('parallelTrialCount', c.parallelTrialCount),
    ...opt('maxFailedTrialCount', c.maxFailedTrialCount),
  })),
);

const collector = fc.option(
  fc.constantFrom<MetricsCollectorSpec>(
    { collector: { kind: 'StdOut' } },
    { collector: { kind: 'Push' } },
    { collector: { kind: 'File' } },
    { collector: { kind: 'File' }, source: { fileSystemPath: { path: '/out/metrics.json', kind: 'File', format: 'JSON' } } },
    { collector: { kind: 'TensorFlowEvent' }, source: { fileSystemPath: { path: '/logs/train' } } },
    { collector: { kind: 'PrometheusMetric' } },
    { source: { filter: { metricsFormat: ['([\\w|-]+)\\s*:\\s*([+-]?\\d*(\\.\\d+)?)'] } } },
  ),
);

/** A valid random-search Job experiment over a random search space. */
const experiment: fc.Arbitrary<Experiment> = fc
  .record({
    name: fc.stringMatching(/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/),
    namespace: fc.option(fc.constantFrom('kubeflow', 'team-a')),
    parameters,
    objective,
    counts,
    randomState: fc.option(fc.nat().map(String)),
    resumePolicy: fc.option(fc.constantFrom('Never' as const, 'LongRunning' as const, 'FromVolume' as const)),
    collector,
    retain: fc.option(fc.boolean()),
  })
  .map((g) => ({
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Experiment',
    metadata: { name: g.name, ...opt('namespace', g.namespace) },
    spec: {
      parameters: g.parameters,
      objective: g.objective,
      algorithm: {
        algorithmName: 'random',
        ...(g.randomState === null ? {} : { algorithmSettings: [{ name: 'random_state', value: g.randomState }] }),
      },
      ...g.counts,
      ...opt('resumePolicy', g.resumePolicy),
      ...opt('metricsCollectorSpec', g.collector),
      trialTemplate: {
        ...opt('retain', g.retain),
        primaryContainerName: 'training-container',
        trialParameters: g.parameters.map((p, i) => ({ name: `p${i}`, description: `parameter ${p.name}`, reference: p.name })),
        trialSpec: {
          apiVersion: 'batch/v1',
          kind: 'Job',
          spec: {
            template: {
              spec: {
                containers: [{
                  name: 'training-container',
                  image: 'docker.io/kubeflowkatib/pytorch-mnist-cpu:latest',
                  command: ['python3', '/opt/train.py', ...g.parameters.map((_, i) => `--arg${i}=\${trialParameters.p${i}}`)],
                }],
                restartPolicy: 'Never',
              },
            },
          },
        },
      },
    },
  }));

describe('serialise → loadExperiment round trip', () => {
  test('any valid experiment loads with no issue as its defaulted self, and again after reserialising', () => {
    fc.assert(
      fc.property(experiment, fc.boolean(), (original, asJson) => {
        const serialise = (e: Experiment) => (asJson ? JSON.stringify(e) : stringify(e));
        const loaded = loadExperiment(serialise(original));
        expect(loaded.issues).toEqual([]);
        expect(loaded.experiment).toEqual(applyDefaults(original));
        const defaulted = loaded.experiment as Experiment;
        expect(applyDefaults(defaulted)).toEqual(defaulted);
        const again = loadExperiment(serialise(defaulted));
        expect(again.issues).toEqual([]);
        expect(again.experiment).toEqual(defaulted);
      }),
      { numRuns: 200 },
    );
  });
});
