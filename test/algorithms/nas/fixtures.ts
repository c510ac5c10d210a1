import type { AlgorithmExperiment } from '../../../algorithms/types.js';
import type { AlgorithmSetting, NasConfig, NasOperation, ObjectiveSpec } from '../../../src/experiment/types.js';
import type { TrialConditionType, TrialRecord } from '../../../src/trial/types.js';

/** The operations of Katib's examples/v1beta1/nas/enas-cpu.yaml, as its YAML lists them. */
export const ENAS_CPU_OPERATIONS: NasOperation[] = [
  {
    operationType: 'convolution',
    parameters: [
      { name: 'filter_size', parameterType: 'categorical', feasibleSpace: { list: ['3', '5', '7'] } },
      { name: 'num_filter', parameterType: 'categorical', feasibleSpace: { list: ['32', '48', '64', '96', '128'] } },
      { name: 'stride', parameterType: 'categorical', feasibleSpace: { list: ['1', '2'] } },
    ],
  },
  {
    operationType: 'separable_convolution',
    parameters: [
      { name: 'filter_size', parameterType: 'categorical', feasibleSpace: { list: ['3', '5', '7'] } },
      { name: 'num_filter', parameterType: 'categorical', feasibleSpace: { list: ['32', '48', '64', '96', '128'] } },
      { name: 'stride', parameterType: 'categorical', feasibleSpace: { list: ['1', '2'] } },
      { name: 'depth_multiplier', parameterType: 'categorical', feasibleSpace: { list: ['1', '2'] } },
    ],
  },
  {
    operationType: 'depthwise_convolution',
    parameters: [
      { name: 'filter_size', parameterType: 'categorical', feasibleSpace: { list: ['3', '5', '7'] } },
      { name: 'stride', parameterType: 'categorical', feasibleSpace: { list: ['1', '2'] } },
      { name: 'depth_multiplier', parameterType: 'categorical', feasibleSpace: { list: ['1', '2'] } },
    ],
  },
  {
    operationType: 'reduction',
    parameters: [
      { name: 'reduction_type', parameterType: 'categorical', feasibleSpace: { list: ['max_pooling', 'avg_pooling'] } },
      { name: 'pool_size', parameterType: 'int', feasibleSpace: { min: '2', max: '3', step: '1' } },
    ],
  },
];

/** Katib's enas-cpu.yaml nasConfig: one layer, CIFAR-10 sizes. */
export const ENAS_CPU_NAS: NasConfig = {
  graphConfig: { numLayers: 1, inputSizes: [32, 32, 3], outputSizes: [10] },
  operations: ENAS_CPU_OPERATIONS,
};

/** The experiment of Katib's test_enas_service.py: 4 layers, convolution (2 ops) and reduction (2 ops). */
export const KATIB_TEST_NAS: NasConfig = {
  graphConfig: { numLayers: 4, inputSizes: [32, 32, 8], outputSizes: [10] },
  operations: [
    {
      operationType: 'convolution',
      parameters: [
        { name: 'filter_size', parameterType: 'categorical', feasibleSpace: { list: ['5'] } },
        { name: 'num_filter', parameterType: 'categorical', feasibleSpace: { list: ['128'] } },
        { name: 'stride', parameterType: 'categorical', feasibleSpace: { list: ['1', '2'] } },
      ],
    },
    {
      operationType: 'reduction',
      parameters: [
        { name: 'reduction_type', parameterType: 'categorical', feasibleSpace: { list: ['max_pooling'] } },
        { name: 'pool_size', parameterType: 'int', feasibleSpace: { min: '2', max: '3', step: '1' } },
      ],
    },
  ],
};

/** Small controller settings for tests whose point is not the defaults. */
export const SMALL: AlgorithmSetting[] = [
  { name: 'controller_hidden_size', value: '8' },
  { name: 'controller_train_steps', value: '3' },
];

export function nasExperiment(
  nasConfig: NasConfig,
  settings: AlgorithmSetting[] = [],
  o: { name?: string; algorithm?: string; objective?: ObjectiveSpec } = {},
): AlgorithmExperiment {
  return {
    name: o.name ?? 'enas-test',
    spec: {
      objective: o.objective ?? { type: 'maximize', objectiveMetricName: 'Validation-Accuracy' },
      algorithm: { algorithmName: o.algorithm ?? 'enas', algorithmSettings: settings },
      nasConfig,
    },
  };
}

/** A trial as the loop records it, with an objective value when given. */
export function trialOf(
  name: string,
  condition: TrialConditionType,
  o: { value?: number; labels?: Record<string, string>; metric?: string } = {},
): TrialRecord {
  const metric = o.metric ?? 'Validation-Accuracy';
  const v = o.value === undefined ? undefined : String(o.value);
  return {
    name,
    parameterAssignments: [],
    condition,
    conditions: [],
    creationTime: '2024-01-01T00:00:00Z',
    ...(v !== undefined ? { observation: { metrics: [{ name: metric, min: v, max: v, latest: v }] } } : {}),
    ...(o.labels ? { labels: o.labels } : {}),
  };
}
