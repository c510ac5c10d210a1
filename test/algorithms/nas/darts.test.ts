import { describe, expect, test } from 'vitest';
import { createDarts, dartsAssignments } from '../../../algorithms/darts/index.js';
import type { AlgorithmSetting, NasConfig } from '../../../src/experiment/types.js';
import { nasExperiment } from './fixtures.js';

/** Katib's examples/v1beta1/nas/darts-cpu.yaml: settings and nasConfig. */
const DARTS_CPU_SETTINGS: AlgorithmSetting[] = [
  { name: 'num_epochs', value: '1' },
  { name: 'num_nodes', value: '1' },
  { name: 'init_channels', value: '1' },
  { name: 'stem_multiplier', value: '1' },
];
const DARTS_CPU_NAS: NasConfig = {
  graphConfig: { numLayers: 1 },
  operations: [{ operationType: 'max_pooling', parameters: [{ name: 'filter_size', parameterType: 'categorical', feasibleSpace: { list: ['3'] } }] }],
};
const dartsCpu = nasExperiment(DARTS_CPU_NAS, DARTS_CPU_SETTINGS, { name: 'darts-cpu', algorithm: 'darts', objective: { type: 'maximize', objectiveMetricName: 'Best-Genotype' } });
const S = 'spec.algorithm.algorithmSettings';

describe('darts assignments (darts/service.py GetSuggestions)', () => {
  test("darts-cpu.yaml: Katib's three values, byte for byte", () => {
    // get_algorithm_settings: the defaults dict in its order, user values put in place as
    // strings; json.dumps spells 5.0 as 5.0 and 3e-4 as 0.0003; then " becomes '.
    expect(dartsAssignments(dartsCpu)).toEqual([
      {
        name: 'algorithm-settings',
        value:
          "{'num_epochs': '1', 'w_lr': 0.025, 'w_lr_min': 0.001, 'w_momentum': 0.9, 'w_weight_decay': 0.0003, 'w_grad_clip': 5.0, " +
          "'alpha_lr': 0.0003, 'alpha_weight_decay': 0.001, 'batch_size': 128, 'num_workers': 4, 'init_channels': '1', 'print_step': 50, " +
          "'num_nodes': '1', 'stem_multiplier': '1'}",
      },
      { name: 'search-space', value: "['max_pooling_3x3']" },
      { name: 'num-layers', value: '1' },
    ]);
  });

  test("test_darts_service.py: an unknown setting is appended, None becomes null, the search space as listed", () => {
    const e = nasExperiment(
      { graphConfig: { numLayers: 3 }, operations: [{ operationType: 'separable_convolution', parameters: [{ name: 'filter_size', parameterType: 'categorical', feasibleSpace: { list: ['3', '5'] } }] }] },
      [{ name: 'num_epoch', value: '10' }, { name: 'batch_size', value: 'None' }],
      { algorithm: 'darts' },
    );
    const [settings, space, layers] = dartsAssignments(e);
    const parsed = JSON.parse((settings?.value ?? '').replaceAll("'", '"')) as Record<string, unknown>;
    expect(parsed.num_epoch).toBe('10');
    expect(parsed.batch_size).toBeNull();
    expect(Object.keys(parsed).at(-1)).toBe('num_epoch');
    expect(space?.value).toBe("['separable_convolution_3x3', 'separable_convolution_5x5']");
    expect(layers?.value).toBe('3');
  });

  test('each request gets count identical trials', async () => {
    const reply = await createDarts().getSuggestions({ experiment: dartsCpu, trials: [], count: 2, seed: 0 });
    expect(reply.assignments).toEqual([dartsAssignments(dartsCpu), dartsAssignments(dartsCpu)]);
  });
});

describe('darts settings (darts/service.py validate_algorithm_settings)', () => {
  const validate = (settings: AlgorithmSetting[]) => createDarts().validateSettings(nasExperiment(DARTS_CPU_NAS, settings, { algorithm: 'darts' }));

  test("darts-cpu.yaml and test_darts_service.py's valid list pass (unknown num_epoch allowed)", () => {
    expect(validate(DARTS_CPU_SETTINGS)).toEqual([]);
    const valid = [
      ['num_epoch', '10'], ['w_lr', '0.01'], ['w_lr_min', '0.01'], ['alpha_lr', '0.01'], ['w_weight_decay', '0.25'], ['alpha_weight_decay', '0.25'],
      ['w_momentum', '0.9'], ['w_grad_clip', '5.0'], ['batch_size', '100'], ['num_workers', '0'], ['init_channels', '1'], ['print_step', '100'],
      ['num_nodes', '4'], ['stem_multiplier', '3'], ['batch_size', 'None'], ['w_lr', '0'],
    ].map(([name, value]) => ({ name: name as string, value: value as string }));
    expect(validate(valid)).toEqual([]);
  });

  test.each([
    ['num_epochs', '0', 'expected an integer >= 1'],
    ['w_lr', '-0.1', 'expected a number >= 0'],
    ['alpha_weight_decay', '-0.02', 'expected a number >= 0'],
    ['w_momentum', '-0.8', 'expected a number >= 0'],
    ['w_grad_clip', 'abc', 'expected a number >= 0'],
    ['batch_size', '0', 'expected an integer >= 1'],
    ['num_workers', '-1', 'expected an integer >= 0'],
    ['print_step', '0', 'expected an integer >= 1'],
    ['init_channels', '0', 'expected an integer >= 1'],
    ['num_nodes', '1.5', 'expected an integer >= 1'],
    ['stem_multiplier', 'None', 'expected an integer >= 1'],
  ])('%s = %s is rejected (test_darts_service.py and katib-spec §4.8)', (name, value, expected) => {
    expect(validate([{ name: 'extra', value: 'x' }, { name, value }])).toEqual([{ path: `${S}[1].value`, message: `failed to validate ${name}(${value}): ${expected}` }]);
  });

  test('NAS operation checks apply; a bare skip_connection is allowed (darts-gpu.yaml)', () => {
    const e = nasExperiment(
      { graphConfig: { numLayers: 3 }, operations: [{ operationType: 'skip_connection', parameters: [] }, { operationType: 'max_pooling', parameters: [] }] },
      [],
      { algorithm: 'darts' },
    );
    expect(createDarts().validateSettings(e)).toEqual([{ path: 'spec.nasConfig.operations[1].parameters', message: 'operation max_pooling needs at least one parameter' }]);
  });
});
