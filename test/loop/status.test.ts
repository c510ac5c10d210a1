import { describe, expect, test } from 'vitest';
import type { ExperimentSpec, ObjectiveSpec } from '../../src/experiment/types.js';
import { countTrials, findBestTrial, terminalCondition, trialsToAdd, type TrialCounts } from '../../src/loop/status.js';
import type { TrialConditionType, TrialRecord } from '../../src/trial/types.js';

const zero: TrialCounts = { total: 0, pending: 0, running: 0, succeeded: 0, failed: 0, killed: 0, earlyStopped: 0, metricsUnavailable: 0 };
const c = (over: Partial<TrialCounts>): TrialCounts => ({ ...zero, ...over });
const objective: ObjectiveSpec = { type: 'minimize', objectiveMetricName: 'loss' };

describe('trials to add (katib-spec §3.2)', () => {
  // required = parallel without maxTrialCount, else min(maxTrialCount - completed, parallel); add = max(required - active, 0)
  test.each([
    ['fresh experiment', { parallelTrialCount: 3, maxTrialCount: 12 }, c({}), 3],
    ['one running', { parallelTrialCount: 3, maxTrialCount: 12 }, c({ running: 1 }), 2],
    ['pending counts as active', { parallelTrialCount: 3, maxTrialCount: 12 }, c({ pending: 2, running: 1 }), 0],
    ['more active than parallel', { parallelTrialCount: 2, maxTrialCount: 12 }, c({ running: 3 }), 0],
    ['2 left of the budget, 1 running: add 1', { parallelTrialCount: 3, maxTrialCount: 12 }, c({ succeeded: 10, running: 1 }), 1],
    ['1 left of the budget, 1 running: add 0', { parallelTrialCount: 3, maxTrialCount: 12 }, c({ succeeded: 10, failed: 1, running: 1 }), 0],
    ['3 left of the budget, 1 running: add 2', { parallelTrialCount: 3, maxTrialCount: 12 }, c({ succeeded: 9, running: 1 }), 2],
    ['every finished state uses budget', { parallelTrialCount: 5, maxTrialCount: 10 }, c({ succeeded: 2, failed: 2, killed: 1, earlyStopped: 1, metricsUnavailable: 1 }), 3],
    ['no maxTrialCount: keep parallel running', { parallelTrialCount: 4 }, c({ succeeded: 100, running: 1 }), 3],
    ['parallel defaults to 3', { maxTrialCount: 12 }, c({}), 3],
    ['budget spent', { parallelTrialCount: 3, maxTrialCount: 4 }, c({ succeeded: 4 }), 0],
  ] as Array<[string, ExperimentSpec, TrialCounts, number]>)('%s', (_, spec, counts, expected) => {
    expect(trialsToAdd(spec, counts)).toBe(expected);
  });
});

describe('terminal rules (katib-spec §3.1 step 6), first match wins', () => {
  const spec = (over: Partial<ExperimentSpec>): ExperimentSpec => ({ objective: { ...objective, goal: 0.1 }, ...over });
  test.each([
    ['goal reached (minimize, best <= goal)', spec({ maxTrialCount: 5 }), c({ succeeded: 1 }), 0.1, 'Succeeded', 'ExperimentGoalReached'],
    ['goal not reached', spec({ maxTrialCount: 5 }), c({ succeeded: 1 }), 0.2, undefined, undefined],
    ['goal beats max failed', spec({ maxFailedTrialCount: 1 }), c({ succeeded: 1, failed: 1 }), 0.05, 'Succeeded', 'ExperimentGoalReached'],
    ['max failed: Failed + MetricsUnavailable', spec({ maxFailedTrialCount: 3, maxTrialCount: 10 }), c({ failed: 2, metricsUnavailable: 1 }), undefined, 'Failed', 'ExperimentFailed'],
    ['max failed beats max trials', spec({ maxFailedTrialCount: 2, maxTrialCount: 2 }), c({ failed: 2 }), undefined, 'Failed', 'ExperimentFailed'],
    ['maxFailedTrialCount 0: the first failure fails', spec({ maxFailedTrialCount: 0 }), c({ failed: 1 }), 1, 'Failed', 'ExperimentFailed'],
    ['maxFailedTrialCount 0 and no failure', spec({ maxFailedTrialCount: 0 }), c({ succeeded: 1 }), 1, undefined, undefined],
    ['max trials counts every finished state', spec({ maxTrialCount: 5 }), c({ succeeded: 1, failed: 1, killed: 1, earlyStopped: 1, metricsUnavailable: 1 }), 1, 'Succeeded', 'ExperimentMaxTrialsReached'],
    ['running trials do not count', spec({ maxTrialCount: 5 }), c({ succeeded: 4, running: 3 }), 1, undefined, undefined],
    ['no limits: runs on', { objective }, c({ succeeded: 50, failed: 50 }), 1, undefined, undefined],
  ] as Array<[string, ExperimentSpec, TrialCounts, number | undefined, string | undefined, string | undefined]>)(
    '%s',
    (_, s, counts, best, type, reason) => {
      const t = terminalCondition(s, counts, best);
      expect(t?.type).toBe(type);
      expect(t?.reason).toBe(reason);
    },
  );

  test('maximize: goal reached when best >= goal', () => {
    const s: ExperimentSpec = { objective: { type: 'maximize', objectiveMetricName: 'acc', goal: 0.9 } };
    expect(terminalCondition(s, c({ succeeded: 1 }), 0.9)?.reason).toBe('ExperimentGoalReached');
    expect(terminalCondition(s, c({ succeeded: 1 }), 0.89)).toBeUndefined();
  });
});

function trial(name: string, condition: TrialConditionType, latest?: string, min = latest, max = latest): TrialRecord {
  return {
    name,
    parameterAssignments: [],
    condition,
    conditions: [],
    creationTime: '',
    ...(latest !== undefined ? { observation: { metrics: [{ name: 'loss', min: min!, max: max!, latest }] } } : {}),
  };
}

describe('best trial (katib-spec §3.1 step 5)', () => {
  test('first numeric value starts, only strictly better replaces', () => {
    const trials = [trial('a', 'Succeeded', '0.5'), trial('b', 'Succeeded', '0.5'), trial('c', 'Succeeded', '0.7'), trial('d', 'Succeeded', '0.4')];
    expect(findBestTrial(trials, objective)?.name).toBe('d');
    expect(findBestTrial(trials.slice(0, 3), objective)?.name).toBe('a');
    expect(findBestTrial(trials, { ...objective, type: 'maximize' })?.name).toBe('c');
  });

  test('the strategy picks the value: min by default for minimize, latest when asked', () => {
    const trials = [trial('a', 'Succeeded', '0.9', '0.1', '0.9'), trial('b', 'Succeeded', '0.3', '0.3', '0.3')];
    expect(findBestTrial(trials, objective)?.name).toBe('a');
    expect(findBestTrial(trials, { ...objective, metricStrategies: [{ name: 'loss', value: 'latest' }] })?.name).toBe('b');
  });

  test('unavailable, non-numeric, NaN and infinite values never make a trial best', () => {
    const trials = [
      trial('u', 'MetricsUnavailable', 'unavailable'),
      trial('s', 'Succeeded', 'Genotype(normal=[])', 'unavailable', 'unavailable'),
      trial('n', 'Succeeded', 'NaN', 'unavailable', 'unavailable'),
      trial('i', 'Succeeded', '-Infinity'),
      trial('ok', 'Succeeded', '3'),
    ];
    expect(findBestTrial(trials, objective)?.name).toBe('ok');
    expect(findBestTrial(trials.slice(0, 4), objective)).toBeUndefined();
  });

  test('an early-stopped trial with an observation can be best (Katib ranks any observed trial)', () => {
    expect(findBestTrial([trial('a', 'Succeeded', '2'), trial('e', 'EarlyStopped', '1')], objective)?.name).toBe('e');
  });
});

test('counts trials by condition, Created as pending', () => {
  const conditions: TrialConditionType[] = ['Created', 'Running', 'Running', 'Succeeded', 'Failed', 'Killed', 'EarlyStopped', 'MetricsUnavailable'];
  expect(countTrials(conditions.map((k, i) => trial(`t${i}`, k)))).toEqual({
    total: 8, pending: 1, running: 2, succeeded: 1, failed: 1, killed: 1, earlyStopped: 1, metricsUnavailable: 1,
  });
});
