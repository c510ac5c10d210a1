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

describe('grid size limits', () => {
  const one = (feasibleSpace: ParameterSpec['feasibleSpace'], parameterType: ParameterSpec['parameterType'] = 'double') =>
    experimentOf([{ name: 'x', parameterType, feasibleSpace }], [], 'grid');

  test.each([
    // 1 / 1e-300 + 1 points, as a double: 1e300.
    { case: 'a double step of 1e-300', space: { min: '0', max: '1', step: '1e-300' }, type: 'double' as const, field: 'step', points: '1e300' },
    // 9e15 - (-9e15) + 1 points, by the default int step of 1.
    { case: 'an int range of ±9e15', space: { min: '-9e15', max: '9e15' }, type: 'int' as const, field: 'max', points: '1.8e16' },
    { case: 'an int range of ±9e15 with step 1', space: { min: '-9e15', max: '9e15', step: '1' }, type: 'int' as const, field: 'step', points: '1.8e16' },
    { case: 'one point over the limit', space: { min: '1', max: '10000001' }, type: 'int' as const, field: 'max', points: '10,000,001' },
  ])('refuses $case, naming the parameter and the field', ({ space, type, field, points }) => {
    const issues = createGrid().validateSettings(one(space, type));
    expect(issues).toEqual([
      {
        path: `spec.parameters[0].feasibleSpace.${field}`,
        message: `grid of ${points} points for parameter "x" exceeds the limit of 10,000,000 points per parameter`,
      },
    ]);
  });

  test('counts without listing: 10,000,000 points is within the limit, and its last value is computed from its index', async () => {
    const e = one({ min: '1', max: '10000000' }, 'int');
    expect(createGrid().validateSettings(e)).toEqual([]);
    expect(gridSize(e)).toBe(10_000_000);
    const trials = [trial([{ name: 'x', value: '1' }])];
    const reply = await createGrid().getSuggestions({ experiment: e, trials, count: 2, seed: 1 });
    expect(reply.assignments.map(key)).toEqual(['x=2', 'x=3']);
  });

  test('refuses more than 1e15 combinations in all, though each parameter is within its limit', () => {
    const e = experimentOf(
      ['a', 'b', 'c'].map((name) => ({ name, parameterType: 'int' as const, feasibleSpace: { min: '1', max: '1000000' } })),
      [],
      'grid',
    );
    expect(gridSize(e)).toBe(1e18);
    expect(createGrid().validateSettings(e)).toEqual([
      { path: 'spec.parameters', message: 'grid of 1e18 combinations exceeds the limit of 1e15 combinations' },
    ]);
  });

  test('a categorical list counts its values (and stays below the list limit)', () => {
    const list = Array.from({ length: 11 }, (_, i) => `v${i}`);
    const e = experimentOf(
      [
        { name: 'a', parameterType: 'int', feasibleSpace: { min: '1', max: '10000000' } },
        { name: 'b', parameterType: 'int', feasibleSpace: { min: '1', max: '10000000' } },
        { name: 'c', parameterType: 'categorical', feasibleSpace: { list } },
      ],
      [],
      'grid',
    );
    expect(createGrid().validateSettings(e)).toEqual([
      { path: 'spec.parameters', message: 'grid of 1.1e15 combinations exceeds the limit of 1e15 combinations' },
    ]);
  });
});
