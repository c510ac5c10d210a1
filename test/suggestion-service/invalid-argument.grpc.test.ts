import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getAlgorithm } from '../../algorithms/registry.js';
import type { ScribaServer } from '../../suggestion-service/server.js';
import { EarlyStoppingClient, HealthClient, SuggestionClient } from '../../suggestion-service/client.js';
import { encodeExperiment } from '../../suggestion-service/experiment-codec.js';
import type { WireExperiment, WireGetSuggestionsRequest, WireParameterSpec } from '../../suggestion-service/wire.js';
import { experiment, failure, serve, stopAll } from './support.js';

let server: ScribaServer;
let suggestion: SuggestionClient;
let earlyStopping: EarlyStoppingClient;

beforeAll(async () => {
  // A placeholder registered by name, as the registry holds algorithms still being written.
  const placeholder = (name: string) => {
    if (name === 'placeholder') throw new Error('placeholder: not implemented yet');
    return getAlgorithm(name);
  };
  server = await serve({ suggestion: { algorithm: 'all', getAlgorithm: placeholder }, earlyStopping: {} });
  suggestion = new SuggestionClient(server.address);
  earlyStopping = new EarlyStoppingClient(server.address);
});
afterAll(async () => {
  suggestion.close();
  earlyStopping.close();
  await stopAll();
});

const base = encodeExperiment(experiment('random')) as Required<WireExperiment> & { spec: NonNullable<WireExperiment['spec']> };

/** The random experiment with its first parameter replaced. */
function withParameter(p: WireParameterSpec): WireExperiment {
  const parameters = [p, ...(base.spec.parameterSpecs?.parameters ?? []).slice(1)];
  return { ...base, spec: { ...base.spec, parameterSpecs: { parameters } } };
}
function withAlgorithm(algorithmName: string, settings: Array<{ name: string; value: string }> = [], spec: Partial<NonNullable<WireExperiment['spec']>> = {}): WireExperiment {
  return { ...base, spec: { ...base.spec, ...spec, algorithm: { algorithmName, algorithmSettings: settings } } };
}
const double = (feasibleSpace: WireParameterSpec['feasibleSpace']): WireParameterSpec => ({ name: 'lr', parameterType: 'DOUBLE', feasibleSpace });

/** Malformed requests: each must be INVALID_ARGUMENT with details that name the field or setting. */
const TABLE: Array<{ case: string; experiment: WireExperiment | null; count?: number; details: string }> = [
  { case: 'no experiment', experiment: null, details: 'experiment: the request carries no experiment' },
  { case: 'an experiment without spec', experiment: { name: 'x', spec: null }, details: 'experiment.spec' },
  { case: 'parameter type UNKNOWN_TYPE', experiment: withParameter({ name: 'lr', parameterType: 'UNKNOWN_TYPE', feasibleSpace: { min: '0', max: '1' } }), details: 'spec.parameters[0].parameterType: unknown parameter type UNKNOWN_TYPE' },
  { case: 'a parameter type number no one knows', experiment: withParameter({ name: 'lr', parameterType: 9, feasibleSpace: { min: '0', max: '1' } }), details: 'spec.parameters[0].parameterType: unknown parameter type 9' },
  { case: 'a distribution number no one knows', experiment: withParameter(double({ min: '0', max: '1', distribution: 17 })), details: 'spec.parameters[0].feasibleSpace.distribution: unknown distribution 17' },
  { case: 'a non-numeric min', experiment: withParameter(double({ min: 'abc', max: '1' })), details: 'spec.parameters[0].feasibleSpace.min: expected a finite number, got "abc"' },
  { case: 'a non-numeric max', experiment: withParameter(double({ min: '0', max: '1e' })), details: 'spec.parameters[0].feasibleSpace.max: expected a finite number, got "1e"' },
  { case: 'max below min', experiment: withParameter(double({ min: '1', max: '0' })), details: 'spec.parameters[0].feasibleSpace.max: expected max >= min' },
  { case: 'a missing max', experiment: withParameter(double({ min: '0' })), details: 'spec.parameters[0].feasibleSpace.max: expected max to be set' },
  { case: 'a zero step', experiment: withParameter(double({ min: '0', max: '1', step: '0' })), details: 'spec.parameters[0].feasibleSpace.step: expected a step > 0' },
  { case: 'an int with fractional bounds', experiment: withParameter({ name: 'lr', parameterType: 'INT', feasibleSpace: { min: '0.5', max: '3' } }), details: 'spec.parameters[0].feasibleSpace.min: expected an integer for an int parameter' },
  { case: 'a categorical without list', experiment: withParameter({ name: 'lr', parameterType: 'CATEGORICAL', feasibleSpace: {} }), details: 'spec.parameters[0].feasibleSpace: feasibleSpace must not be empty' },
  { case: 'a discrete list of words', experiment: withParameter({ name: 'lr', parameterType: 'DISCRETE', feasibleSpace: { list: ['a'] } }), details: 'spec.parameters[0].feasibleSpace.list[0]: a discrete parameter takes numbers' },
  { case: 'log-uniform from zero', experiment: withParameter(double({ min: '0', max: '1', distribution: 'LOG_UNIFORM' })), details: 'spec.parameters[0].feasibleSpace.min: a logUniform distribution needs min > 0' },
  { case: 'two parameters with one name', experiment: withParameter({ name: 'units', parameterType: 'INT', feasibleSpace: { min: '1', max: '2' } }), details: 'spec.parameters[1].name: duplicate parameter name "units"' },
  { case: 'objective type UNKNOWN', experiment: { ...base, spec: { ...base.spec, objective: { type: 'UNKNOWN', objectiveMetricName: 'loss' } } }, details: 'spec.objective.type: unknown objective type UNKNOWN' },
  { case: 'an unknown algorithm', experiment: withAlgorithm('nope'), details: 'unknown algorithm name nope' },
  { case: 'no algorithm name', experiment: withAlgorithm(''), details: 'spec.algorithm.algorithmName: must be specified' },
  { case: 'an algorithm not implemented yet', experiment: withAlgorithm('placeholder'), details: 'algorithm placeholder is not available in this version of Scriba: placeholder: not implemented yet' },
  { case: 'a negative current_request_number', experiment: base, count: -1, details: 'current_request_number: expected an integer from 0 to 10000, got -1' },
  { case: 'a huge current_request_number', experiment: base, count: 2_000_000_000, details: 'current_request_number: expected an integer from 0 to 10000' },
  {
    case: 'a categorical list of 10,001 values',
    experiment: withParameter({ name: 'lr', parameterType: 'CATEGORICAL', feasibleSpace: { list: Array.from({ length: 10_001 }, (_, i) => `v${i}`) } }),
    details: 'spec.parameters[0].feasibleSpace.list: a list of 10,001 values exceeds the limit of 10,000 values',
  },
  {
    case: '1,001 parameters',
    experiment: { ...base, spec: { ...base.spec, parameterSpecs: { parameters: Array.from({ length: 1_001 }, () => double({ min: '0', max: '1' })).map((p, i) => ({ ...p, name: `p${i}` })) } } },
    details: 'spec.parameters: 1,001 parameters exceed the limit of 1,000 parameters',
  },
  { case: 'grid with a double without step', experiment: withAlgorithm('grid'), details: 'spec.parameters[0].feasibleSpace.step: algorithm grid needs a step for double parameter "lr"' },
];

/** Settings problems: found by ValidateAlgorithmSettings, with Katib's messages. */
const SETTINGS: Array<{ case: string; experiment: WireExperiment; details: string }> = [
  { case: 'a negative random_state', experiment: withAlgorithm('random', [{ name: 'random_state', value: '-1' }]), details: 'spec.algorithm.algorithmSettings[0].value: failed to validate random_state(-1): expected an integer >= 0' },
  { case: 'an unknown setting', experiment: withAlgorithm('tpe', [{ name: 'n_trees', value: '3' }]), details: 'spec.algorithm.algorithmSettings[0].name: unknown setting n_trees for algorithm tpe' },
  { case: 'a non-numeric gamma', experiment: withAlgorithm('multivariate-tpe', [{ name: 'gamma', value: 'half' }]), details: 'failed to validate gamma(half)' },
  {
    case: 'grid: maxTrialCount beyond the grid',
    experiment: withAlgorithm('grid', [], { maxTrialCount: 50, parameterSpecs: { parameters: [{ name: 'k', parameterType: 'INT', feasibleSpace: { min: '1', max: '4' } }] } }),
    details: 'spec.maxTrialCount: maxTrialCount 50 exceeds the 4 combinations of the grid',
  },
  {
    case: 'grid: a double step of 1e-300',
    experiment: withAlgorithm('grid', [], { parameterSpecs: { parameters: [double({ min: '0', max: '1', step: '1e-300' })] } }),
    details: 'spec.parameters[0].feasibleSpace.step: grid of 1e300 points for parameter "lr" exceeds the limit of 10,000,000 points per parameter',
  },
  {
    case: 'grid: an int range of ±9e15',
    experiment: withAlgorithm('grid', [], { parameterSpecs: { parameters: [{ name: 'k', parameterType: 'INT', feasibleSpace: { min: '-9e15', max: '9e15' } }] } }),
    details: 'spec.parameters[0].feasibleSpace.max: grid of 1.8e16 points for parameter "k" exceeds the limit of 10,000,000 points per parameter',
  },
  {
    case: 'cmaes: only categorical parameters',
    experiment: withAlgorithm('cmaes', [], {
      parameterSpecs: { parameters: [{ name: 'opt', parameterType: 'CATEGORICAL', feasibleSpace: { list: ['sgd', 'adam'] } }] },
    }),
    details: 'spec.parameters: CMA-ES only supports two or more dimensional continuous search space.',
  },
  {
    case: 'cmaes: an unknown restart strategy',
    experiment: withAlgorithm('cmaes', [{ name: 'restart_strategy', value: 'sometimes' }]),
    details: 'failed to validate restart_strategy(sometimes)',
  },
  { case: 'sobol: a setting it does not take', experiment: withAlgorithm('sobol', [{ name: 'seed', value: '1' }]), details: 'unknown setting seed for algorithm sobol' },
  {
    case: 'bayesianoptimization: an unknown base estimator',
    experiment: withAlgorithm('bayesianoptimization', [{ name: 'base_estimator', value: 'XX' }]),
    details: 'failed to validate base_estimator(XX)',
  },
];

describe('INVALID_ARGUMENT, never INTERNAL, a hang or a crash', () => {
  test.each(TABLE)('GetSuggestions: $case', async (row) => {
    const request: WireGetSuggestionsRequest = { experiment: row.experiment, trials: [], currentRequestNumber: row.count ?? 2 };
    const error = await failure(suggestion.getSuggestionsWire(request));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, expect.stringContaining(row.details)]);
  });

  test.each(TABLE.filter((row) => row.count === undefined))('ValidateAlgorithmSettings: $case', async (row) => {
    const error = await failure(suggestion.validateAlgorithmSettingsWire({ experiment: row.experiment }));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, expect.stringContaining(row.details)]);
  });

  test('a bad parameter and a bad setting: both RPCs list both, in the same words', async () => {
    const experiment = withAlgorithm('tpe', [{ name: 'n_trees', value: '3' }], {
      parameterSpecs: { parameters: [double({ min: '1', max: '0' }), ...(base.spec.parameterSpecs?.parameters ?? []).slice(1)] },
    });
    const validated = await failure(suggestion.validateAlgorithmSettingsWire({ experiment }));
    const suggested = await failure(suggestion.getSuggestionsWire({ experiment, trials: [], currentRequestNumber: 1 }));
    expect(validated.details).toContain('spec.parameters[0].feasibleSpace.max: expected max >= min');
    expect(validated.details).toContain('unknown setting n_trees for algorithm tpe');
    expect([suggested.code, suggested.details]).toEqual([status.INVALID_ARGUMENT, validated.details]);
  });

  test.each(SETTINGS)('ValidateAlgorithmSettings: $case', async (row) => {
    const error = await failure(suggestion.validateAlgorithmSettingsWire({ experiment: row.experiment }));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, expect.stringContaining(row.details)]);
  });

  // GetSuggestions refuses whatever ValidateAlgorithmSettings refuses, with the same details.
  test.each(SETTINGS)('GetSuggestions: $case', async (row) => {
    const validated = await failure(suggestion.validateAlgorithmSettingsWire({ experiment: row.experiment }));
    const error = await failure(suggestion.getSuggestionsWire({ experiment: row.experiment, trials: [], currentRequestNumber: 2 }));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, validated.details]);
  });

  test.each([
    { case: 'no early stopping spec', spec: null, details: 'early_stopping: the request carries no early stopping spec' },
    { case: 'an unknown early stopping algorithm', spec: { algorithmName: 'curve-fit' }, details: 'unknown algorithm name curve-fit' },
    { case: 'no early stopping algorithm name', spec: { algorithmName: '' }, details: 'spec.earlyStopping.algorithmName: must be specified' },
    { case: 'min_trials_required 0', spec: { algorithmName: 'medianstop', algorithmSettings: [{ name: 'min_trials_required', value: '0' }] }, details: 'failed to validate min_trials_required(0): expected an integer > 0' },
    { case: 'a fractional start_step', spec: { algorithmName: 'medianstop', algorithmSettings: [{ name: 'start_step', value: '1.5' }] }, details: 'failed to validate start_step(1.5)' },
    { case: 'an unknown medianstop setting', spec: { algorithmName: 'medianstop', algorithmSettings: [{ name: 'percentile', value: '50' }] }, details: 'unknown setting percentile for algorithm medianstop' },
  ])('ValidateEarlyStoppingSettings: $case', async (row) => {
    const error = await failure(earlyStopping.validateEarlyStoppingSettingsWire({ earlyStopping: row.spec }));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, expect.stringContaining(row.details)]);
  });

  test.each([
    { case: 'no experiment', experiment: null, details: 'experiment: the request carries no experiment' },
    { case: 'no early stopping in the experiment', experiment: base, details: 'spec.earlyStopping.algorithmName: must be specified' },
    { case: 'bad medianstop settings', experiment: { ...base, spec: { ...base.spec, earlyStopping: { algorithmName: 'medianstop', algorithmSettings: [{ name: 'start_step', value: '-3' }] } } }, details: 'failed to validate start_step(-3)' },
  ])('GetEarlyStoppingRules: $case', async (row) => {
    const error = await failure(earlyStopping.getEarlyStoppingRulesWire({ experiment: row.experiment, trials: [], dbManagerAddress: '127.0.0.1:1' }));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, expect.stringContaining(row.details)]);
  });

  test('after all of these the server still serves', async () => {
    const health = new HealthClient(server.address);
    expect(await health.check('manager.v1beta1.Suggestion')).toBe('SERVING');
    health.close();
    expect((await suggestion.getSuggestions({ experiment: experiment('random'), trials: [], count: 3 })).assignments).toHaveLength(3);
  });
});
