import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createSobol, SOBOL_MAX_DIMENSIONS } from '../../../algorithms/sobol/index.js';
import { scrambledSobol, sobolPoints } from '../../../algorithms/sobol/sequence.js';
import type { AlgorithmSetting, ParameterSpec } from '../../../src/experiment/types.js';
import { ScribaError } from '../../../src/errors.js';
import { createRng } from '../../../src/rng.js';
import type { ParameterAssignment, TrialRecord } from '../../../src/trial/types.js';
import { describeConformance, experimentOf } from '../conformance.js';

describeConformance('sobol', {
  create: createSobol,
  badSettings: [
    { name: 'random_state', value: '-1' },
    { name: 'random_state', value: '1.5' },
    { name: 'random_state', value: 'abc' },
    { name: 'no_such_setting', value: '1' },
  ],
  goodSettings: [{ name: 'random_state', value: '42' }],
});

const unit = (name: string): ParameterSpec => ({ name, parameterType: 'double', feasibleSpace: { min: '0', max: '1' } });
const box: ParameterSpec[] = [
  { name: 'x', parameterType: 'double', feasibleSpace: { min: '-5', max: '10' } },
  unit('y'),
  unit('z'),
];

const asTrials = (assignments: ParameterAssignment[][]): TrialRecord[] =>
  assignments.map((a, i) => ({ name: `t${i}`, parameterAssignments: a, condition: 'Succeeded', conditions: [], creationTime: '' }));

async function suggest(parameters: ParameterSpec[], count: number, seed: number, trials: TrialRecord[] = [], settings: AlgorithmSetting[] = []) {
  const reply = await createSobol().getSuggestions({ experiment: experimentOf(parameters, settings, 'sobol'), trials, count, seed });
  return reply.assignments;
}

const valuesOf = (assignments: ParameterAssignment[][], name: string) => assignments.map((a) => a.find((p) => p.name === name)!.value);

describe('sobol plugin: trial k is point k of the scrambled sequence', () => {
  test('continuous parameters get low + u (high - low) of the scrambled points, scramble seeded by the request seed', async () => {
    const points = sobolPoints(scrambledSobol(3, (j) => createRng(5, 'sobol', 'scramble', j)), 0, 8);
    const assignments = await suggest(box, 8, 5);
    assignments.forEach((a, k) => {
      const [u, v, w] = points[k]!;
      expect(Number(a[0]!.value)).toBeCloseTo(-5 + 15 * u!, 12);
      expect(Number(a[1]!.value)).toBeCloseTo(v!, 12);
      expect(Number(a[2]!.value)).toBeCloseTo(w!, 12);
    });
  });

  test('the k-th trial is the same however requests were batched, and whatever the trials hold', async () => {
    const all = await suggest(box, 7, 11);
    const first = await suggest(box, 3, 11);
    const second = await suggest(box, 4, 11, asTrials(first));
    expect([...first, ...second]).toEqual(all);
    // Only the number of trials matters: the history's values and conditions do not.
    const others = asTrials(await suggest(box, 3, 99)).map((t) => ({ ...t, condition: 'Failed' as const }));
    expect(await suggest(box, 4, 11, others)).toEqual(second);
  });

  test('random_state fixes the scramble whatever the experiment seed; without it the seed decides', async () => {
    const fixed = [{ name: 'random_state', value: '10' }];
    expect(await suggest(box, 4, 2, [], fixed)).toEqual(await suggest(box, 4, 1, [], fixed));
    expect(await suggest(box, 4, 10)).toEqual(await suggest(box, 4, 1, [], fixed));
    const a = await suggest(box, 4, 1);
    const b = await suggest(box, 4, 2);
    for (let k = 0; k < 4; k++) expect(b[k]).not.toEqual(a[k]);
  });
});

describe('sobol plugin: int, step and list parameters follow the unit-cube cells', () => {
  const cells: ParameterSpec[] = [
    { name: 'opt', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam'] } },
    { name: 'layers', parameterType: 'int', feasibleSpace: { min: '1', max: '4' } },
    { name: 'batch', parameterType: 'discrete', feasibleSpace: { list: ['128', '16', '64', '32'] } },
    { name: 'rate', parameterType: 'double', feasibleSpace: { min: '0.1', max: '0.8', step: '0.1' } },
  ];

  test('the first 8 trials take each of the 2 × 4 (opt, layers) pairs once, for any seed: a (0,3,2)-net', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const assignments = await suggest(cells, 8, seed);
        const pairs = assignments.map((a) => `${a[0]!.value}/${a[1]!.value}`);
        expect(new Set(pairs).size).toBe(8);
        // One coordinate per parameter, each stratified: 4 batches twice, 8 rates once.
        expect(valuesOf(assignments, 'batch').sort()).toEqual(['128', '128', '16', '16', '32', '32', '64', '64']);
        expect(new Set(valuesOf(assignments, 'rate')).size).toBe(8);
      }),
      { numRuns: 25 },
    );
  });
});

describe('sobol plugin: validation', () => {
  test('unknown settings get Katib\'s message at the setting\'s path', () => {
    const issues = createSobol().validateSettings(experimentOf(box, [{ name: 'scramble', value: 'false' }], 'sobol'));
    expect(issues).toEqual([
      { path: 'spec.algorithm.algorithmSettings[0].name', message: 'unknown setting scramble for algorithm sobol; known settings: random_state' },
    ]);
  });

  test(`a space of more than ${SOBOL_MAX_DIMENSIONS} parameters is refused; ${SOBOL_MAX_DIMENSIONS} are served`, async () => {
    const wide = Array.from({ length: SOBOL_MAX_DIMENSIONS + 1 }, (_, i) => unit(`p${i}`));
    const issues = createSobol().validateSettings(experimentOf(wide, [], 'sobol'));
    expect(issues).toEqual([{ path: 'spec.parameters', message: expect.stringMatching(/at most 1111 parameters .*got 1112/) }]);
    await expect(suggest(wide, 1, 0)).rejects.toBeInstanceOf(ScribaError);

    const widest = wide.slice(0, SOBOL_MAX_DIMENSIONS);
    expect(createSobol().validateSettings(experimentOf(widest, [], 'sobol'))).toEqual([]);
    const [assignment] = await suggest(widest, 1, 0);
    expect(assignment).toHaveLength(SOBOL_MAX_DIMENSIONS);
  });

  test('needs parameters', () => {
    const nas = { name: 'n', spec: { objective: { type: 'minimize' as const, objectiveMetricName: 'loss' }, algorithm: { algorithmName: 'sobol' } } };
    expect(createSobol().validateSettings(nas)).toEqual([{ path: 'spec.parameters', message: expect.stringContaining('sobol') }]);
  });
});
