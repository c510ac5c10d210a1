import { describe, expect, test } from 'vitest';
import { createHistoryReader } from '../../algorithms/history.js';
import type { AlgorithmExperiment } from '../../algorithms/types.js';
import { compileSpace } from '../../src/search-space/index.js';
import type { TrialRecord } from '../../src/trial/types.js';

const experiment = (name: string, max = '10', type: 'minimize' | 'maximize' = 'minimize'): AlgorithmExperiment => ({
  name,
  spec: {
    parameters: [
      { name: 'x', parameterType: 'double', feasibleSpace: { min: '0', max } },
      { name: 'c', parameterType: 'categorical', feasibleSpace: { list: ['a', 'b'] } },
    ],
    objective: { type, objectiveMetricName: 'loss' },
    algorithm: { algorithmName: 'tpe' },
  },
});

/** A new record every call, as every gRPC request decodes. */
const trial = (name: string, x: string, condition: TrialRecord['condition'], loss?: string): TrialRecord => ({
  name,
  parameterAssignments: [
    { name: 'x', value: x },
    { name: 'c', value: 'b' },
  ],
  condition,
  conditions: [],
  creationTime: '2026-01-01T00:00:00Z',
  ...(loss !== undefined ? { observation: { metrics: [{ name: 'loss', min: loss, max: loss, latest: loss }] } } : {}),
});

describe('the history reader', () => {
  test('memory follows the largest request, not every trial name ever sent', () => {
    const read = createHistoryReader();
    const e = experiment('churn');
    const space = compileSpace(e.spec.parameters ?? []);
    for (let request = 0; request < 50; request++) {
      const trials = Array.from({ length: 500 }, (_, i) => trial(`r${request}-t${i}`, String(i % 10), 'Succeeded', String(i)));
      expect(read(e, space, trials).observations).toHaveLength(500);
    }
    expect(read.remembered(e)).toBeLessThanOrEqual(2 * 500 + 1024);
    // a trial sent again is still read correctly after being forgotten
    expect(read(e, space, [trial('r0-t3', '3', 'Succeeded', '7')]).observations).toEqual([{ point: [0.3, 0.75], value: 7, order: 0 }]);
  });

  test("Katib's rule: succeeded and early-stopped trials with a finite objective, running ones pending, maximize negated", () => {
    const read = createHistoryReader();
    const e = experiment('e', '10', 'maximize');
    const trials = [
      trial('t0', '5', 'Succeeded', '0.5'),
      trial('t1', '2', 'Running'),
      trial('t2', '1', 'Failed', '0.1'),
      trial('t3', '10', 'EarlyStopped', '2'),
      trial('t4', '3', 'Succeeded', 'NaN'),
      trial('t5', '11', 'Succeeded', '1'), // outside the space
    ];
    const { observations, pending } = read(e, compileSpace(e.spec.parameters ?? []), trials);
    expect(observations).toEqual([
      { point: [0.5, 0.75], value: -0.5, order: 0 },
      { point: [1, 0.75], value: -2, order: 3 },
    ]);
    expect(pending).toEqual([[0.2, 0.75]]);
  });

  test('new objects with the same names and strings read the same; a changed value or objective is read again', () => {
    const read = createHistoryReader();
    const e = experiment('e');
    const space = compileSpace(e.spec.parameters ?? []);
    const first = read(e, space, [trial('t0', '5', 'Succeeded', '0.5'), trial('t1', '2', 'Running')]);
    expect(read(e, space, [trial('t0', '5', 'Succeeded', '0.5'), trial('t1', '2', 'Running')])).toEqual(first);
    // t1 finished; t0's assignment was edited under the same name.
    const later = read(e, space, [trial('t0', '7.5', 'Succeeded', '0.5'), trial('t1', '2', 'Succeeded', '0.25')]);
    expect(later.observations).toEqual([
      { point: [0.75, 0.75], value: 0.5, order: 0 },
      { point: [0.2, 0.75], value: 0.25, order: 1 },
    ]);
    expect(read(e, space, [trial('t0', '7.5', 'Succeeded', '0.75')]).observations).toEqual([{ point: [0.75, 0.75], value: 0.75, order: 0 }]);
  });

  test('trials of the same name in another experiment, or under other parameters, are decoded in their own space', () => {
    const read = createHistoryReader();
    const narrow = experiment('e', '10');
    const wide = experiment('e', '20');
    const other = experiment('f', '20');
    const point = (e: AlgorithmExperiment) => read(e, compileSpace(e.spec.parameters ?? []), [trial('t0', '5', 'Succeeded', '1')]).observations[0]?.point;
    expect(point(narrow)).toEqual([0.5, 0.75]);
    expect(point(wide)).toEqual([0.25, 0.75]);
    expect(point(other)).toEqual([0.25, 0.75]);
    expect(point(narrow)).toEqual([0.5, 0.75]);
  });
});
