import { describe, expect, test } from 'vitest';
import { countOperations, dartsSearchSpace, enumerateOperations, parameterValues } from '../../../algorithms/nas/enumerate.js';
import { checkEnumerable, checkGraphConfig, checkOperations } from '../../../algorithms/nas/operations.js';
import { katibQuotes, pyDict, pyFloat, pyFloatRepr, pyJsonDumps } from '../../../algorithms/nas/python-json.js';
import type { NasConfig, NasOperation, ParameterSpec } from '../../../src/experiment/types.js';
import { ENAS_CPU_OPERATIONS, KATIB_TEST_NAS } from './fixtures.js';

const op = (operationType: string, parameters: ParameterSpec[]): NasOperation => ({ operationType, parameters });
const cat = (name: string, list: string[]): ParameterSpec => ({ name, parameterType: 'categorical', feasibleSpace: { list } });
const good = cat('filter_size', ['3']);
const P = 'spec.nasConfig.operations';

describe("Katib's NAS operation checks (pkg/suggestion/v1beta1/nas/common/validation.py)", () => {
  const cases: Array<[string, NasOperation[], { path: string; message: string }[]]> = [
    ['operationType missing', [op('convolution', [good]), op('', [good])], [{ path: `${P}[1].operationType`, message: 'operation 1 needs an operationType' }]],
    ['no parameters', [op('convolution', [])], [{ path: `${P}[0].parameters`, message: 'operation convolution needs at least one parameter' }]],
    [
      'parameter without a name',
      [op('convolution', [good, { name: '', parameterType: 'categorical', feasibleSpace: { list: ['1'] } }])],
      [{ path: `${P}[0].parameters[1].name`, message: 'parameter 1 of operation convolution needs a name' }],
    ],
    [
      'parameter without a type',
      [op('convolution', [{ name: 'stride', parameterType: 'unknown', feasibleSpace: { list: ['1'] } }])],
      [{ path: `${P}[0].parameters[0].parameterType`, message: 'parameter stride of operation convolution needs a parameterType: double, int, discrete or categorical' }],
    ],
    [
      'categorical without a list',
      [op('a', [good]), op('b', [good]), op('reduction', [{ name: 'reduction_type', parameterType: 'categorical', feasibleSpace: {} }])],
      [{ path: `${P}[2].parameters[0].feasibleSpace.list`, message: 'categorical parameter reduction_type of operation reduction needs a non-empty feasibleSpace.list' }],
    ],
    [
      'discrete with an empty list',
      [op('convolution', [{ name: 'num_filter', parameterType: 'discrete', feasibleSpace: { list: [] } }])],
      [{ path: `${P}[0].parameters[0].feasibleSpace.list`, message: 'discrete parameter num_filter of operation convolution needs a non-empty feasibleSpace.list' }],
    ],
    [
      'int without min and max',
      [op('reduction', [{ name: 'pool_size', parameterType: 'int', feasibleSpace: { step: '1' } }])],
      [{ path: `${P}[0].parameters[0].feasibleSpace`, message: 'int parameter pool_size of operation reduction needs feasibleSpace.min or feasibleSpace.max' }],
    ],
    [
      'double without a step',
      [op('dropout', [{ name: 'rate', parameterType: 'double', feasibleSpace: { min: '0.1', max: '0.5' } }])],
      [{ path: `${P}[0].parameters[0].feasibleSpace.step`, message: 'double parameter rate of operation dropout needs feasibleSpace.step > 0' }],
    ],
    [
      'double with step 0',
      [op('dropout', [{ name: 'rate', parameterType: 'double', feasibleSpace: { min: '0.1', max: '0.5', step: '0' } }])],
      [{ path: `${P}[0].parameters[0].feasibleSpace.step`, message: 'double parameter rate of operation dropout needs feasibleSpace.step > 0' }],
    ],
    [
      'double with a step that is not a number',
      [op('dropout', [{ name: 'rate', parameterType: 'double', feasibleSpace: { min: '0.1', max: '0.5', step: 'x' } }])],
      [{ path: `${P}[0].parameters[0].feasibleSpace.step`, message: 'double parameter rate of operation dropout: feasibleSpace.step must be a number, got "x"' }],
    ],
  ];
  test.each(cases)('%s', (_name, operations, expected) => {
    expect(checkOperations({ operations })).toEqual(expected);
  });

  test("Katib's example operations pass (enas-cpu.yaml, test_enas_service.py)", () => {
    expect(checkOperations({ operations: ENAS_CPU_OPERATIONS })).toEqual([]);
    expect(checkOperations(KATIB_TEST_NAS)).toEqual([]);
  });

  test('an int with only a min passes Katib\'s check; enumerating it needs both bounds', () => {
    const nas: NasConfig = { operations: [op('reduction', [{ name: 'pool_size', parameterType: 'int', feasibleSpace: { min: '2' } }])] };
    expect(checkOperations(nas)).toEqual([]);
    expect(checkEnumerable(nas)).toEqual([
      { path: `${P}[0].parameters[0].feasibleSpace.max`, message: 'enas lists every value of int parameter pool_size of operation reduction, so it needs feasibleSpace.max' },
    ]);
  });

  test('enumeration checks: operations, bounds, steps, duplicate names', () => {
    expect(checkEnumerable({ operations: [] })).toEqual([{ path: P, message: 'enas needs at least one operation' }]);
    const nas: NasConfig = {
      operations: [
        op('reduction', [
          { name: 'pool_size', parameterType: 'int', feasibleSpace: { min: '3', max: '2', step: '0' } },
          { name: 'pool_size', parameterType: 'int', feasibleSpace: { min: '1.5', max: '2' } },
        ]),
      ],
    };
    expect(checkEnumerable(nas)).toEqual([
      { path: `${P}[0].parameters[0].feasibleSpace.max`, message: 'int parameter pool_size of operation reduction: feasibleSpace.max (2) is below feasibleSpace.min (3)' },
      { path: `${P}[0].parameters[0].feasibleSpace.step`, message: 'int parameter pool_size of operation reduction: feasibleSpace.step must be a positive integer, got "0"' },
      { path: `${P}[0].parameters[1].name`, message: 'parameter pool_size of operation reduction is named twice in its operation' },
      { path: `${P}[0].parameters[1].feasibleSpace.min`, message: 'int parameter pool_size of operation reduction: feasibleSpace.min must be an integer, got "1.5"' },
    ]);
  });

  test('skip_connection may go without parameters where asked (darts)', () => {
    expect(checkOperations({ operations: [op('skip_connection', [])] }, { parameterless: ['skip_connection'] })).toEqual([]);
  });
});

describe('enas graphConfig checks (enas/service.py ValidateAlgorithmSettings)', () => {
  const G = 'spec.nasConfig.graphConfig';
  test('each missing field, with its path', () => {
    expect(checkGraphConfig({})).toEqual([
      { path: `${G}.inputSizes`, message: 'enas needs graphConfig.inputSizes (at least one size)' },
      { path: `${G}.outputSizes`, message: 'enas needs graphConfig.outputSizes (at least one size)' },
      { path: `${G}.numLayers`, message: 'enas needs graphConfig.numLayers, an integer >= 1' },
    ]);
    expect(checkGraphConfig({ graphConfig: { numLayers: 0, inputSizes: [32], outputSizes: [] } })).toEqual([
      { path: `${G}.outputSizes`, message: 'enas needs graphConfig.outputSizes (at least one size)' },
      { path: `${G}.numLayers`, message: 'enas needs graphConfig.numLayers, an integer >= 1, got 0' },
    ]);
    expect(checkGraphConfig(KATIB_TEST_NAS)).toEqual([]);
  });
});

describe('operation ids (enas/Operation.py SearchSpace)', () => {
  // enas-cpu.yaml, by hand: convolution 3·5·2 = 30 ids (0–29), separable_convolution
  // 3·5·2·2 = 60 (30–89), depthwise_convolution 3·2·2 = 12 (90–101), reduction 2·2 = 4
  // (102–105, pool_size 2..3 step 1 as ints). itertools.product: the last parameter varies fastest.
  const ops = enumerateOperations(ENAS_CPU_OPERATIONS);
  test('enas-cpu.yaml: 106 operations', () => {
    expect(ops).toHaveLength(106);
    expect(countOperations(ENAS_CPU_OPERATIONS)).toBe(106);
    expect(ops.map((o) => o.id)).toEqual(Array.from({ length: 106 }, (_, i) => i));
  });
  test.each([
    [0, 'convolution', [['filter_size', '3'], ['num_filter', '32'], ['stride', '1']]],
    [1, 'convolution', [['filter_size', '3'], ['num_filter', '32'], ['stride', '2']]],
    [2, 'convolution', [['filter_size', '3'], ['num_filter', '48'], ['stride', '1']]],
    [10, 'convolution', [['filter_size', '5'], ['num_filter', '32'], ['stride', '1']]],
    [29, 'convolution', [['filter_size', '7'], ['num_filter', '128'], ['stride', '2']]],
    [30, 'separable_convolution', [['filter_size', '3'], ['num_filter', '32'], ['stride', '1'], ['depth_multiplier', '1']]],
    [89, 'separable_convolution', [['filter_size', '7'], ['num_filter', '128'], ['stride', '2'], ['depth_multiplier', '2']]],
    [90, 'depthwise_convolution', [['filter_size', '3'], ['stride', '1'], ['depth_multiplier', '1']]],
    [101, 'depthwise_convolution', [['filter_size', '7'], ['stride', '2'], ['depth_multiplier', '2']]],
    [102, 'reduction', [['reduction_type', 'max_pooling'], ['pool_size', 2]]],
    [103, 'reduction', [['reduction_type', 'max_pooling'], ['pool_size', 3]]],
    [104, 'reduction', [['reduction_type', 'avg_pooling'], ['pool_size', 2]]],
    [105, 'reduction', [['reduction_type', 'avg_pooling'], ['pool_size', 3]]],
  ])('id %i is %s %j', (id, type, params) => {
    expect(ops[id]).toEqual({ id, type, params });
  });
  test("test_enas_service.py's operations: 4 ids", () => {
    expect(enumerateOperations(KATIB_TEST_NAS.operations ?? []).map((o) => [o.type, o.params])).toEqual([
      ['convolution', [['filter_size', '5'], ['num_filter', '128'], ['stride', '1']]],
      ['convolution', [['filter_size', '5'], ['num_filter', '128'], ['stride', '2']]],
      ['reduction', [['reduction_type', 'max_pooling'], ['pool_size', 2]]],
      ['reduction', [['reduction_type', 'max_pooling'], ['pool_size', 3]]],
    ]);
  });
  test('int and double values as Katib expands them', () => {
    expect(parameterValues({ name: 'k', parameterType: 'int', feasibleSpace: { min: '1', max: '7', step: '3' } })).toEqual([1, 4, 7]);
    expect(parameterValues({ name: 'k', parameterType: 'int', feasibleSpace: { min: '1', max: '3' } })).toEqual([1, 2, 3]);
    // np.arange(0.1, 0.5 + 0.1, 0.1): 0.1, 0.2, 0.1 + 2δ, ... with δ = 0.2 − 0.1; six values, the last (0.6) above max dropped.
    expect(parameterValues({ name: 'r', parameterType: 'double', feasibleSpace: { min: '0.1', max: '0.5', step: '0.1' } })).toEqual(
      [0.1, 0.2, 0.30000000000000004, 0.4, 0.5].map(pyFloat),
    );
    expect(parameterValues({ name: 'r', parameterType: 'double', feasibleSpace: { min: '0', max: '1', step: '0.5' } })).toEqual([0, 0.5, 1].map(pyFloat));
  });
});

describe('DARTS search space (darts/service.py get_search_space)', () => {
  test("test_darts_service.py: separable_convolution with filter sizes 3 and 5", () => {
    expect(dartsSearchSpace([op('separable_convolution', [cat('filter_size', ['3', '5'])])])).toEqual(['separable_convolution_3x3', 'separable_convolution_5x5']);
  });
  test('darts-gpu.yaml: skip_connection as is', () => {
    const operations = [
      op('separable_convolution', [cat('filter_size', ['3'])]),
      op('dilated_convolution', [cat('filter_size', ['3', '5'])]),
      op('avg_pooling', [cat('filter_size', ['3'])]),
      op('max_pooling', [cat('filter_size', ['3'])]),
      op('skip_connection', []),
    ];
    expect(dartsSearchSpace(operations)).toEqual(['separable_convolution_3x3', 'dilated_convolution_3x3', 'dilated_convolution_5x5', 'avg_pooling_3x3', 'max_pooling_3x3', 'skip_connection']);
  });
  test('darts-cpu.yaml: max_pooling 3', () => {
    expect(dartsSearchSpace([op('max_pooling', [cat('filter_size', ['3'])])])).toEqual(['max_pooling_3x3']);
  });
});

describe("Python's json.dumps", () => {
  test.each([
    [5.0, '5.0'],
    [0.025, '0.025'],
    [3e-4, '0.0003'],
    [1e-4, '0.0001'],
    [1e-5, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [0.30000000000000004, '0.30000000000000004'],
    [1e15, '1000000000000000.0'],
    [1e16, '1e+16'],
    [1.2345e22, '1.2345e+22'],
    [-2.5, '-2.5'],
    [-0, '-0.0'],
    [123.456, '123.456'],
  ])('repr(%d) = %s', (x, expected) => {
    expect(pyFloatRepr(x)).toBe(expected);
  });
  test('separators, ints, floats, None, ensure_ascii, key order', () => {
    const value = pyDict([
      ['n', 50],
      ['lr', pyFloat(5)],
      ['b', null],
      ['list', [1, 'a', true]],
      ['name', 'é"\\\n'],
    ]);
    expect(pyJsonDumps(value)).toBe('{"n": 50, "lr": 5.0, "b": null, "list": [1, "a", true], "name": "\\u00e9\\"\\\\\\n"}');
    expect(katibQuotes(pyJsonDumps([['a'], 'b']))).toBe("[['a'], 'b']");
  });
});
