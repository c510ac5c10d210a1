import { describe, expect, it } from 'vitest';
import { ScribaError } from '../../../src/errors.js';
import { decodeKatibJson, parseArchitecture, parseNnConfig } from '../../../nas/enas/katib-args.js';
import { layersFrom, operationFrom } from '../../../nas/enas/operations.js';
import { katibAssignments } from './katib-example.js';

/** The error a call throws; fails when it throws none or something other than a ScribaError. */
function errorOf(f: () => unknown): ScribaError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(ScribaError);
    return error as ScribaError;
  }
  throw new Error('expected an error');
}

const NN = "{'num_layers': 2, 'input_sizes': [32, 32, 3], 'output_sizes': [10], 'embedding': {'3': {'opt_id': 3, 'opt_type': 'convolution', 'opt_params': {'filter_size': '3', 'num_filter': '48', 'stride': '2'}}, '102': {'opt_id': 102, 'opt_type': 'reduction', 'opt_params': {'reduction_type': 'max_pooling', 'pool_size': 2}}}}";

describe('decoding Katib assignments', () => {
  it("reads JSON written with ' for \", plain JSON, and values with literal surrounding double quotes", () => {
    expect(decodeKatibJson('--architecture', '[[1], [0, 1]]')).toEqual([[1], [0, 1]]);
    expect(decodeKatibJson('--nn_config', "{'a': 'b'}")).toEqual({ a: 'b' });
    expect(decodeKatibJson('--nn_config', '{"a": "b"}')).toEqual({ a: 'b' });
    // --architecture="${...}" started without a shell keeps the quotes
    expect(decodeKatibJson('--architecture', '"[[1], [0, 1]]"')).toEqual([[1], [0, 1]]);
    expect(decodeKatibJson('--nn_config', `"{'a': 1}"`)).toEqual({ a: 1 });
    expect(decodeKatibJson('--nn_config', ` "{'a': 1}"\n`)).toEqual({ a: 1 });
  });

  it('parses what the enas suggestion writes for the enas-cpu example', () => {
    const a = katibAssignments([[3], [102, 1]]);
    expect(a.architecture).toBe('[[3], [102, 1]]');
    expect(a.nnConfig.startsWith("{'num_layers': 2, 'input_sizes': [32, 32, 3]")).toBe(true);
    const rows = parseArchitecture(a.architecture);
    expect(rows).toEqual([
      { opId: 3, skips: [] },
      { opId: 102, skips: [true] },
    ]);
    const config = parseNnConfig(a.nnConfig);
    expect(config).toMatchObject({ numLayers: 2, inputSizes: [32, 32, 3], outputSizes: [10] });
    // ids 0..29 are the convolutions: filter_size × num_filter × stride, in that order
    expect(layersFrom(rows, config).map((l) => l.operation)).toEqual([
      { type: 'convolution', filterSize: 3, numFilter: 48, stride: 2 },
      { type: 'reduction', reductionType: 'max_pooling', poolSize: 2, stride: 2 },
    ]);
    expect(layersFrom(parseArchitecture('"[[3], [102, 0]]"'), parseNnConfig(`"${NN}"`))[1]?.skips).toEqual([false]);
  });

  it("uses Katib's defaults for parameters an operation leaves out", () => {
    expect(operationFrom(0, { optType: 'convolution', optParams: {} })).toEqual({ type: 'convolution', filterSize: 3, numFilter: 64, stride: 1 });
    expect(operationFrom(0, { optType: 'separable_convolution', optParams: {} })).toEqual({
      type: 'separable_convolution',
      filterSize: 3,
      numFilter: 64,
      stride: 1,
      depthMultiplier: 1,
    });
    expect(operationFrom(0, { optType: 'depthwise_convolution', optParams: { filter_size: 5 } })).toEqual({
      type: 'depthwise_convolution',
      filterSize: 5,
      stride: 1,
      depthMultiplier: 1,
    });
    expect(operationFrom(0, { optType: 'reduction', optParams: { pool_size: '3' } })).toEqual({ type: 'reduction', reductionType: 'max_pooling', poolSize: 3, stride: 3 });
  });
});

describe('bad assignments get an invalid-argument error naming the flag', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['empty architecture', () => parseArchitecture(''), /^--architecture: expected JSON/],
    ['empty quoted architecture', () => parseArchitecture('""'), /^--architecture: expected JSON/],
    ['architecture not JSON', () => parseArchitecture('[[1], [0, 1]'), /^--architecture: not valid JSON/],
    ['architecture not a list', () => parseArchitecture("{'a': 1}"), /^--architecture: expected a non-empty list of layers/],
    ['empty list', () => parseArchitecture('[]'), /^--architecture: expected a non-empty list/],
    ['row too long', () => parseArchitecture('[[1, 0]]'), /^--architecture: layer 1 \(row 0\): expected a list of 1 integers/],
    ['row too short', () => parseArchitecture('[[1], [2]]'), /^--architecture: layer 2 \(row 1\): expected a list of 2 integers/],
    ['op id not an integer', () => parseArchitecture("[['conv']]"), /^--architecture: layer 1 \(row 0\): the operation id must be a non-negative integer/],
    ['skip flag 2', () => parseArchitecture('[[1], [0, 2]]'), /^--architecture: layer 2 \(row 1\): skip flag 0 must be 0 or 1, got 2/],
    ['nn_config not JSON', () => parseNnConfig("{'num_layers': 1"), /^--nn_config: not valid JSON/],
    ['nn_config a list', () => parseNnConfig('[1]'), /^--nn_config: expected an object/],
    ['num_layers missing', () => parseNnConfig("{'input_sizes': [1], 'output_sizes': [10], 'embedding': {}}"), /^--nn_config: num_layers must be a positive integer/],
    ['input_sizes empty', () => parseNnConfig("{'num_layers': 1, 'input_sizes': [], 'output_sizes': [10], 'embedding': {}}"), /^--nn_config: input_sizes must be a non-empty list/],
    ['output_sizes text', () => parseNnConfig("{'num_layers': 1, 'input_sizes': [1], 'output_sizes': ['10'], 'embedding': {}}"), /^--nn_config: output_sizes must be/],
    ['embedding a list', () => parseNnConfig("{'num_layers': 1, 'input_sizes': [1], 'output_sizes': [10], 'embedding': []}"), /^--nn_config: embedding must be an object/],
    ['embedding key', () => parseNnConfig("{'num_layers': 1, 'input_sizes': [1], 'output_sizes': [10], 'embedding': {'x': {'opt_type': 'reduction'}}}"), /^--nn_config: embedding key x is not an operation id/],
    ['embedding without opt_type', () => parseNnConfig("{'num_layers': 1, 'input_sizes': [1], 'output_sizes': [10], 'embedding': {'0': {'opt_id': 0}}}"), /^--nn_config: embedding 0 must be an object with a string opt_type/],
    ['layer count', () => layersFrom(parseArchitecture('[[3]]'), parseNnConfig(NN)), /^--architecture: has 1 layer rows but --nn_config num_layers is 2/],
    ['op not in embedding', () => layersFrom(parseArchitecture('[[3], [7, 0]]'), parseNnConfig(NN)), /^--architecture: layer 2 uses operation 7, which --nn_config's embedding does not describe/],
    ['unknown opt_type', () => operationFrom(4, { optType: 'dilated_convolution', optParams: {} }), /^--nn_config: embedding 4 \(dilated_convolution\): unknown opt_type/],
    ['bad parameter', () => operationFrom(4, { optType: 'convolution', optParams: { filter_size: '3.5' } }), /^--nn_config: embedding 4 \(convolution\): filter_size must be a positive integer, got 3.5/],
    ['zero stride', () => operationFrom(4, { optType: 'convolution', optParams: { stride: 0 } }), /stride must be a positive integer, got 0/],
    ['reduction type', () => operationFrom(4, { optType: 'reduction', optParams: { reduction_type: 'min_pooling' } }), /^--nn_config: embedding 4 \(reduction\): reduction_type must be max_pooling or avg_pooling/],
  ];
  it.each(cases)('%s', (_name, f, message) => {
    const error = errorOf(f);
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(message);
  });
});
