import { describe, expect, test } from 'vitest';
import { createGrid, gridSize } from '../../algorithms/grid/index.js';
import type { ParameterSpec } from '../../src/experiment/types.js';
import type { ParameterAssignment, TrialConditionType, TrialRecord } from '../../src/trial/types.js';
import { experimentOf } from './conformance.js';

const parameters: ParameterSpec[] = [
  { name: 'x', parameterType: 'int', feasibleSpace: { min: '1', max: '2' } },
  { name: 'y', parameterType: 'categorical', feasibleSpace: { list: ['a', 'b', 'c'] } },
];
const experiment = experimentOf(parameters, [], 'grid');

function trial(assignments: ParameterAssignment[], condition: TrialConditionType = 'Succeeded', i = 0): TrialRecord {
  return { name: `t${i}`, parameterAssignments: assignments, condition, conditions: [], creationTime: '' };
}
const key = (a: ParameterAssignment[]) => a.map((x) => `${x.name}=${x.value}`).join(',');

describe('grid', () => {
  test('walks the product in order, the last parameter fastest', async () => {
    const reply = await createGrid().getSuggestions({ experiment, trials: [], count: 6, seed: 1 });
    expect(reply.assignments.map(key)).toEqual(['x=1,y=a', 'x=1,y=b', 'x=1,y=c', 'x=2,y=a', 'x=2,y=b', 'x=2,y=c']);
    expect(reply.exhausted).toBeUndefined();
  });

  test('suggests every combination exactly once across requests, then says exhausted', async () => {
    const grid = createGrid();
    const trials: TrialRecord[] = [];
    const conditions: TrialConditionType[] = ['Running', 'Failed', 'Succeeded', 'EarlyStopped', 'MetricsUnavailable'];
    for (let round = 0; round < 3; round++) {
      const reply = await grid.getSuggestions({ experiment, trials, count: 2, seed: round });
      expect(reply.assignments).toHaveLength(2);
      reply.assignments.forEach((a) => trials.push(trial(a, conditions[trials.length % conditions.length], trials.length)));
    }
    expect(new Set(trials.map((t) => key(t.parameterAssignments))).size).toBe(6);
    const last = await grid.getSuggestions({ experiment, trials, count: 2, seed: 9 });
    expect(last).toEqual({ assignments: [], exhausted: true });
  });

  test('a partial last batch is returned with exhausted', async () => {
    const trials = [trial([{ name: 'x', value: '1' }, { name: 'y', value: 'a' }])];
    const reply = await createGrid().getSuggestions({ experiment, trials, count: 10, seed: 1 });
    expect(reply.assignments).toHaveLength(5);
    expect(reply.exhausted).toBe(true);
  });

  test('recognises a point written differently ("0.10" is 0.1) and ignores points off the grid', async () => {
    const space: ParameterSpec[] = [{ name: 'r', parameterType: 'double', feasibleSpace: { min: '0', max: '0.2', step: '0.1' } }];
    const e = experimentOf(space, [], 'grid');
    const trials = [trial([{ name: 'r', value: '0.10' }]), trial([{ name: 'r', value: '0.15' }]), trial([{ name: 'q', value: '1' }])];
    const reply = await createGrid().getSuggestions({ experiment: e, trials, count: 3, seed: 1 });
    expect(reply.assignments.map(key)).toEqual(['r=0', 'r=0.2']);
  });

  test('counts combinations as Katib does: int by step, double min..max by step, lists', () => {
    const e = experimentOf(
      [
        { name: 'a', parameterType: 'int', feasibleSpace: { min: '1', max: '10', step: '3' } }, // 1,4,7,10
        { name: 'b', parameterType: 'double', feasibleSpace: { min: '0.01', max: '0.05', step: '0.02' } }, // .01,.03,.05
        { name: 'c', parameterType: 'discrete', feasibleSpace: { list: ['1', '2'] } },
      ],
      [],
      'grid',
    );
    expect(gridSize(e)).toBe(24);
  });

  test('rejects a double without step and a maxTrialCount beyond the grid', () => {
    const noStep = experimentOf([{ name: 'lr', parameterType: 'double', feasibleSpace: { min: '0', max: '1' } }], [], 'grid');
    expect(createGrid().validateSettings(noStep).map((i) => i.path)).toEqual(['spec.parameters[0].feasibleSpace.step']);
    const tooMany = { ...experiment, spec: { ...experiment.spec, maxTrialCount: 7 } };
    const issues = createGrid().validateSettings(tooMany);
    expect(issues).toEqual([{ path: 'spec.maxTrialCount', message: expect.stringContaining('6 combinations') }]);
    expect(createGrid().validateSettings({ ...experiment, spec: { ...experiment.spec, maxTrialCount: 6 } })).toEqual([]);
  });
});
