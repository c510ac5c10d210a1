import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { AlgorithmExperiment } from '../../algorithms/types.js';
import { createMedianStop, getEarlyStopping, MEDIANSTOP_DEFAULTS } from '../../early-stopping/index.js';
import type { ObservationLogReader } from '../../early-stopping/types.js';
import { ScribaError } from '../../src/errors.js';
import type { ObjectiveType } from '../../src/experiment/types.js';
import type { MetricLog, TrialConditionType, TrialRecord } from '../../src/trial/types.js';

function experimentWith(settings: Array<{ name: string; value: string }>, type: ObjectiveType = 'minimize'): AlgorithmExperiment {
  return {
    name: 'es',
    spec: {
      parameters: [{ name: 'x', parameterType: 'double', feasibleSpace: { min: '0', max: '1' } }],
      objective: { type, objectiveMetricName: 'loss', additionalMetricNames: ['accuracy'] },
      algorithm: { algorithmName: 'random' },
      earlyStopping: { algorithmName: 'medianstop', algorithmSettings: settings },
    },
  };
}

function trial(name: string, condition: TrialConditionType = 'Succeeded'): TrialRecord {
  return { name, parameterAssignments: [{ name: 'x', value: '0.5' }], condition, conditions: [], creationTime: '' };
}

/** A reader over fixed logs per trial (objective `loss`, plus an `accuracy` that must not be read). */
function reader(byTrial: Record<string, number[]>, reads: string[] = []): ObservationLogReader {
  return async (trialName, metricName) => {
    reads.push(`${trialName}/${metricName}`);
    const values = byTrial[trialName] ?? [];
    const logs: MetricLog[] = values.map((v, i) => ({ timeStamp: `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`, name: metricName, value: String(v) }));
    return metricName === 'loss' ? logs : logs.map((l) => ({ ...l, value: '999' }));
  };
}

describe('medianstop rules', () => {
  test('the rule: median of the first start_step means of Succeeded trials, GREATER for minimize', async () => {
    // start_step 2. Means: a (1+3)/2 = 2, b (2+2)/2 = 2, c (4+6)/2 = 5, e (100+100)/2 = 100.
    // Sorted 2 2 5 100 -> median (2 + 5) / 2 = 3.5 (Katib's mean: 109 / 4 = 27.25).
    const reads: string[] = [];
    const logs = { a: [1, 3, 50], b: [2, 2], c: [4, 6, 0], e: [100, 100], r: [0, 0], f: [0, 0], s: [0, 0] };
    const trials = [trial('a'), trial('b'), trial('r', 'Running'), trial('c'), trial('f', 'Failed'), trial('s', 'EarlyStopped'), trial('e')];
    const rules = await createMedianStop().getEarlyStoppingRules({
      experiment: experimentWith([{ name: 'start_step', value: '2' }]),
      trials,
      readLog: reader(logs, reads),
    });
    expect(rules).toEqual([{ name: 'loss', value: '3.5', comparison: 'greater', startStep: 2 }]);
    expect(reads.sort()).toEqual(['a/loss', 'b/loss', 'c/loss', 'e/loss']);
  });

  test('maximize: LESS; the defaults are min_trials_required 3 and start_step 4', async () => {
    // Means of the first 4: a (1+2+3+4)/4 = 2.5, b 5, c 0.5 -> median 2.5.
    const logs = { a: [1, 2, 3, 4, 100], b: [5, 5, 5, 5], c: [0.5] };
    const rules = await createMedianStop().getEarlyStoppingRules({ experiment: experimentWith([], 'maximize'), trials: [trial('a'), trial('b'), trial('c')], readLog: reader(logs) });
    expect(rules).toEqual([{ name: 'loss', value: '2.5', comparison: 'less', startStep: MEDIANSTOP_DEFAULTS.startStep }]);
    expect(MEDIANSTOP_DEFAULTS).toEqual({ minTrialsRequired: 3, startStep: 4 });
  });

  test('no rule before min_trials_required Succeeded trials have a numeric log', async () => {
    const stop = createMedianStop();
    const e = experimentWith([{ name: 'min_trials_required', value: '3' }, { name: 'start_step', value: '1' }]);
    const logs = { a: [1], b: [2], c: [], d: [4] };
    expect(await stop.getEarlyStoppingRules({ experiment: e, trials: [trial('a'), trial('b')], readLog: reader(logs) })).toEqual([]);
    // c succeeded but reported nothing: it does not count.
    expect(await stop.getEarlyStoppingRules({ experiment: e, trials: [trial('a'), trial('b'), trial('c')], readLog: reader(logs) })).toEqual([]);
    expect(await stop.getEarlyStoppingRules({ experiment: e, trials: [trial('a'), trial('b'), trial('c'), trial('d')], readLog: reader(logs) })).toEqual([
      { name: 'loss', value: '2', comparison: 'greater', startStep: 1 },
    ]);
  });

  test('an experiment without objective is an invalid request', async () => {
    const e = experimentWith([]);
    delete e.spec.objective;
    await expect(createMedianStop().getEarlyStoppingRules({ experiment: e, trials: [trial('a')], readLog: reader({}) })).rejects.toBeInstanceOf(ScribaError);
  });

  test('property: the rule depends on the trials, not on their order; a fresh instance gives the same', async () => {
    const logsArb = fc.array(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }), { minLength: 3, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(logsArb, fc.integer({ min: 1, max: 5 }), fc.integer(), async (series, startStep, seed) => {
        const logs = Object.fromEntries(series.map((s, i) => [`t${i}`, s]));
        const trials = series.map((_, i) => trial(`t${i}`));
        const shuffled = [...trials].sort((a, b) => Math.sin(a.name.length * 7 + Number(a.name.slice(1)) + seed) - Math.sin(b.name.length * 7 + Number(b.name.slice(1)) + seed));
        const e = experimentWith([{ name: 'start_step', value: String(startStep) }]);
        const one = await createMedianStop().getEarlyStoppingRules({ experiment: e, trials, readLog: reader(logs) });
        const other = await createMedianStop().getEarlyStoppingRules({ experiment: e, trials: shuffled, readLog: reader(logs) });
        expect(other).toEqual(one);
        expect(one).toHaveLength(1);
      }),
      { numRuns: 50 },
    );
  });
});

describe('medianstop settings (Katib\'s validation, katib-spec §5)', () => {
  const validate = (settings: Array<{ name: string; value: string }>) => createMedianStop().validateSettings({ algorithmName: 'medianstop', algorithmSettings: settings });

  test('accepts its settings', () => {
    expect(validate([])).toEqual([]);
    expect(validate([{ name: 'min_trials_required', value: '1' }, { name: 'start_step', value: '2' }])).toEqual([]);
  });

  test.each([
    { setting: { name: 'min_trials_required', value: '0' }, path: 'spec.earlyStopping.algorithmSettings[0].value', message: 'failed to validate min_trials_required(0): expected an integer > 0' },
    { setting: { name: 'min_trials_required', value: 'two' }, path: 'spec.earlyStopping.algorithmSettings[0].value', message: 'failed to validate min_trials_required(two): expected an integer > 0' },
    { setting: { name: 'start_step', value: '0' }, path: 'spec.earlyStopping.algorithmSettings[0].value', message: 'failed to validate start_step(0): expected an integer >= 1' },
    { setting: { name: 'start_step', value: '2.5' }, path: 'spec.earlyStopping.algorithmSettings[0].value', message: 'failed to validate start_step(2.5): expected an integer >= 1' },
    { setting: { name: 'patience', value: '3' }, path: 'spec.earlyStopping.algorithmSettings[0].name', message: 'unknown setting patience for algorithm medianstop; known settings: min_trials_required, start_step' },
  ])('rejects $setting.name=$setting.value', ({ setting, path, message }) => {
    expect(validate([setting])).toEqual([{ path, message }]);
  });
});

describe('early-stopping registry', () => {
  test('medianstop and asha by name; an unknown name is Katib\'s error', () => {
    expect(getEarlyStopping('medianstop').name).toBe('medianstop');
    expect(getEarlyStopping('asha').name).toBe('asha');
    expect(() => getEarlyStopping('nope')).toThrow(/^unknown algorithm name nope; known early stopping algorithms: medianstop, asha$/);
  });
});
