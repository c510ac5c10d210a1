import { describe, expect, test } from 'vitest';
import { createRandom } from '../../algorithms/random/index.js';
import type { ParameterSpec } from '../../src/experiment/types.js';
import type { TrialRecord } from '../../src/trial/types.js';
import { experimentOf } from './conformance.js';

const parameters: ParameterSpec[] = [
  { name: 'lr', parameterType: 'double', feasibleSpace: { min: '1e-4', max: '1e-1', distribution: 'logUniform' } },
  { name: 'layers', parameterType: 'int', feasibleSpace: { min: '1', max: '8' } },
];

const asTrials = (assignments: TrialRecord['parameterAssignments'][]): TrialRecord[] =>
  assignments.map((a, i) => ({ name: `t${i}`, parameterAssignments: a, condition: 'Running', conditions: [], creationTime: '' }));

describe('random', () => {
  test('the k-th trial is the same however requests were batched', async () => {
    const experiment = experimentOf(parameters, [], 'random');
    const all = await createRandom().getSuggestions({ experiment, trials: [], count: 4, seed: 11 });
    const first = await createRandom().getSuggestions({ experiment, trials: [], count: 2, seed: 11 });
    const second = await createRandom().getSuggestions({ experiment, trials: asTrials(first.assignments), count: 2, seed: 11 });
    expect([...first.assignments, ...second.assignments]).toEqual(all.assignments);
    expect(new Set(all.assignments.map((a) => JSON.stringify(a))).size).toBe(4);
  });

  test('random_state fixes the draws whatever the experiment seed', async () => {
    const experiment = experimentOf(parameters, [{ name: 'random_state', value: '10' }], 'random');
    const a = await createRandom().getSuggestions({ experiment, trials: [], count: 3, seed: 1 });
    const b = await createRandom().getSuggestions({ experiment, trials: [], count: 3, seed: 2 });
    expect(b).toEqual(a);
    const unset = experimentOf(parameters, [], 'random');
    const c = await createRandom().getSuggestions({ experiment: unset, trials: [], count: 3, seed: 1 });
    const d = await createRandom().getSuggestions({ experiment: unset, trials: [], count: 3, seed: 2 });
    expect(d).not.toEqual(c);
  });

  test('needs parameters', () => {
    const nas = { name: 'n', spec: { objective: { type: 'minimize' as const, objectiveMetricName: 'loss' }, algorithm: { algorithmName: 'random' } } };
    expect(createRandom().validateSettings(nas)).toEqual([{ path: 'spec.parameters', message: expect.stringContaining('random') }]);
  });
});
