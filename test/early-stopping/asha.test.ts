import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { AlgorithmExperiment } from '../../algorithms/types.js';
import { ASHA_DEFAULTS, ashaSettings, createAsha, createAshaJudge, getEarlyStopping } from '../../early-stopping/index.js';
import type { ObservationLogReader, StoppingJudge } from '../../early-stopping/types.js';
import { keptCount } from '../../early-stopping/asha/rungs.js';
import { ScribaError } from '../../src/errors.js';
import { loadExperiment } from '../../src/experiment/index.js';
import type { ObjectiveType } from '../../src/experiment/types.js';
import type { MetricLog, TrialConditionType, TrialRecord } from '../../src/trial/types.js';
import { fixtureText } from '../experiment/fixtures.js';

type Setting = { name: string; value: string };

function experimentWith(settings: Setting[], type: ObjectiveType = 'minimize'): AlgorithmExperiment {
  return {
    name: 'asha',
    spec: {
      parameters: [{ name: 'x', parameterType: 'double', feasibleSpace: { min: '0', max: '1' } }],
      objective: { type, objectiveMetricName: 'loss' },
      algorithm: { algorithmName: 'random' },
      earlyStopping: { algorithmName: 'asha', algorithmSettings: settings },
    },
  };
}

function trial(name: string, condition: TrialConditionType = 'Running'): TrialRecord {
  return { name, parameterAssignments: [{ name: 'x', value: '0.5' }], condition, conditions: [], creationTime: '' };
}

const judgeOf = (settings: Setting[], type: ObjectiveType = 'minimize'): StoppingJudge => createAsha().createJudge(experimentWith(settings, type));

/**
 * Runs curves through a judge the way a local run does: `schedule` lists which trial
 * reports its next value, one entry per report; a trial asked to stop ends EarlyStopped
 * with the values it has, one that reported its whole curve ends Succeeded.
 * Returns each trial's stop step (undefined: it ran to the end).
 */
function play(judge: StoppingJudge, curves: Record<string, number[]>, schedule: readonly string[]): Record<string, number | undefined> {
  const step: Record<string, number> = {};
  const result: Record<string, number | undefined> = Object.fromEntries(Object.keys(curves).map((n) => [n, undefined]));
  const ended = new Set<string>();
  for (const name of schedule) {
    if (ended.has(name)) continue;
    const curve = curves[name] as number[];
    const n = (step[name] ?? 0) + 1;
    step[name] = n;
    const values = curve.slice(0, n);
    if (judge.shouldStop(trial(name), values)) {
      result[name] = n;
      ended.add(name);
      judge.trialEnded(trial(name, 'EarlyStopped'), values);
    } else if (n === curve.length) {
      ended.add(name);
      judge.trialEnded(trial(name, 'Succeeded'), values);
    }
  }
  return result;
}

/** One trial after the other, each to its end or its stop. */
const sequential = (curves: Record<string, number[]>) => Object.entries(curves).flatMap(([name, c]) => c.map(() => name));
/** All trials at once, one report each per round, in the given order. */
const roundRobin = (order: string[], length: number) => Array.from({ length }, () => order).flat();

// Nine losses over nine steps. With η = 3, min_resource 1, rate 0 the rungs sit at steps
// 1, 3 and 9; a trial's rung value is its best (lowest) loss so far.
const NINE: Record<string, number[]> = {
  t1: [5, 4, 3, 2.5, 2.2, 2, 1.8, 1.5, 1],
  t2: [4, 3.5, 3.2, 3, 3, 3, 3, 3, 3],
  t3: [6, 5, 4, 3, 2, 1, 0.5, 0.4, 0.3],
  t4: [2, 1.5, 1, 0.9, 0.8, 0.7, 0.6, 0.55, 0.5],
  t5: [4.5, 4, 3.5, 3, 3, 3, 3, 3, 3],
  t6: [3, 2.8, 2.9, 2.7, 2.6, 2.5, 2.4, 2.3, 2.2],
  t7: [4, 1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
  t8: [2.5, 1.2, 0.9, 0.8, 0.75, 0.7, 0.65, 0.62, 0.6],
  t9: [1, 2, 2, 1.5, 1, 0.9, 0.8, 0.6, 0.55],
};

describe('asha decisions on hand-made curves', () => {
  test('nine trials one after the other, η 3, min_resource 1: who stops where', () => {
    // Rung values recorded so far shown sorted; m values keep the top q = max(1, ⌊m/3⌋);
    // a trial goes on when fewer than q recorded values are strictly better than its own.
    // t1: step 1: r0 [5] q1 go; step 3: best 3, r1 [3] go; step 9: best 1, r2 [1] go. Ends.
    // t2: step 1: r0 [4 5] q1, best -> go; step 3: best 3.2, r1 [3 3.2] q1, rank 1 -> stop at 3.
    // t3: step 1: r0 [4 5 6] q1, rank 2 -> stop at 1 (it would have been best at step 9).
    // t4: step 1: r0 [2 4 5 6] go; step 3: 1, r1 [1 3 3.2] go; step 9: 0.5, r2 [0.5 1] go. Ends.
    // t5: step 1: 4.5, r0 [2 4 4.5 5 6] q1, rank 2 -> stop at 1.
    // t6: step 1: 3, r0 [2 3 4 4.5 5 6] m6 q2, rank 1 -> go; step 3: best 2.8, r1 [1 2.8 3 3.2] q1, rank 1 -> stop at 3.
    // t7: step 1: 4, r0 [2 3 4 4 4.5 5 6] m7 q2, two strictly better -> stop at 1.
    // t8: step 1: 2.5, r0 m8 q2, rank 1 -> go; step 3: 0.9, r1 [0.9 1 2.8 3 3.2] q1 -> go;
    //     step 9: 0.6, r2 [0.5 0.6 1] q1, rank 1 -> stop at 9.
    // t9: step 1: 1, r0 m9 q3, rank 0 -> go; step 3: best of 1 2 2 = 1, r1 [0.9 1 1 2.8 3 3.2] m6 q2,
    //     one strictly better (the tie with t4 goes on) -> go; step 9: 0.55, r2 [0.5 0.55 0.6 1] q1 -> stop at 9.
    expect(play(judgeOf([]), NINE, sequential(NINE))).toEqual({ t1: undefined, t2: 3, t3: 1, t4: undefined, t5: 1, t6: 3, t7: 1, t8: 9, t9: 9 });
  });

  test('maximize: the same curves negated give the same decisions', () => {
    const negated = Object.fromEntries(Object.entries(NINE).map(([n, c]) => [n, c.map((v) => -v)]));
    expect(play(judgeOf([], 'maximize'), negated, sequential(negated))).toEqual({ t1: undefined, t2: 3, t3: 1, t4: undefined, t5: 1, t6: 3, t7: 1, t8: 9, t9: 9 });
  });

  test('maximize: higher is better', () => {
    // η 2, rung at step 1 only (min_resource 1; step 2 is rung 1). a 1: [1] go. b 3: [3 1] q1, best -> go.
    // c 2: [3 2 1] q1, rank 1 -> stop. d 0.5: [3 2 1 0.5] q2, rank 3 -> stop.
    const curves = { a: [1], b: [3], c: [2], d: [0.5] };
    expect(play(judgeOf([{ name: 'reduction_factor', value: '2' }], 'maximize'), curves, sequential(curves))).toEqual({ a: undefined, b: undefined, c: 1, d: 1 });
  });

  test('min_early_stopping_rate 1: rungs at steps 3 and 9', () => {
    // r0 at step 3 (best of the first 3), r1 at step 9.
    // t1: 3 -> [3] go; 1 -> [1] go.   t2: 3.2 -> [3 3.2] q1 -> stop at 3.   t3: 4 -> [3 3.2 4] -> stop at 3.
    // t4: 1 -> [1 3 3.2 4] go; 0.5 -> [0.5 1] go.   t5: 3.5 -> m5 q1, rank 3 -> stop at 3.
    // t6: 2.8 -> [1 2.8 3 3.2 3.5 4] m6 q2, rank 1 -> go; step 9: 2.2 -> [0.5 1 2.2] q1 -> stop at 9.
    // t7: best of 4 1 0.1 = 0.1 -> m7 q2, rank 0 -> go; step 9: 0.1 -> [0.1 0.5 1 2.2] -> go. Ends.
    // t8: 0.9 -> [0.1 0.9 1 2.8 3 3.2 3.5 4] m8 q2, rank 1 -> go; step 9: 0.6 -> [0.1 0.5 0.6 1 2.2] q1 -> stop at 9.
    // t9: 1 -> m9 q3, two strictly better (0.1, 0.9) -> go; step 9: 0.55 -> [0.1 0.5 0.55 0.6 1 2.2] m6 q2, rank 2 -> stop at 9.
    const decisions = play(judgeOf([{ name: 'min_early_stopping_rate', value: '1' }]), NINE, sequential(NINE));
    expect(decisions).toEqual({ t1: undefined, t2: 3, t3: 3, t4: undefined, t5: 3, t6: 9, t7: undefined, t8: 9, t9: 9 });
  });

  test('min_resource 2, η 2: rungs at steps 2, 4, 8', () => {
    // a: best of 5 4 = 4 -> [4] go; best of 4 = 3 at step 4 -> [3] go; step 8: 1 -> [1] go.
    // b: step 2: 3 -> [3 4] q1 go; step 4: best 3 -> [3 3] q1, none strictly better -> go; step 8: 2 -> [1 2] q1 -> stop at 8.
    // c: step 2: 6 -> [3 4 6] q1 -> stop at 2.
    const curves = { a: [5, 4, 3, 3, 2, 2, 1, 1], b: [3, 3, 3, 3, 3, 3, 2, 2], c: [6, 6, 0, 0, 0, 0, 0, 0] };
    const settings = [{ name: 'min_resource', value: '2' }, { name: 'reduction_factor', value: '2' }];
    expect(play(judgeOf(settings), curves, sequential(curves))).toEqual({ a: undefined, b: 8, c: 2 });
  });

  test('trials in parallel: arriving first at a rung matters, and nothing waits', () => {
    // η 2, rungs at steps 1, 2, 4; all four trials run at once, one report each per round.
    const curves = { a: [4, 3, 2, 1], b: [3, 3, 3, 3], c: [5, 1, 1, 1], d: [2, 2, 0.5, 0.4] };
    const judge = () => judgeOf([{ name: 'reduction_factor', value: '2' }]);
    // Order a b c d. Step 1: a 4 [4] go; b 3 [3 4] go; c 5 [3 4 5] q1 rank 2 stop; d 2 [2 3 4 5] q2 go.
    // Step 2: a 3 [3] go; b 3 [3 3] go (tie); d 2 [2 3 3] go.  Step 4: a 1 [1] go; b 3 [1 3] q1 stop; d 0.4 [0.4 1 3] go.
    expect(play(judge(), curves, roundRobin(['a', 'b', 'c', 'd'], 4))).toEqual({ a: undefined, b: 4, c: 1, d: undefined });
    // Order d c b a. Step 1: d 2 [2] go; c 5 [2 5] q1 stop; b 3 [2 3 5] q1 stop; a 4 [2 3 4 5] q2, rank 2 stop.
    expect(play(judge(), curves, roundRobin(['d', 'c', 'b', 'a'], 4))).toEqual({ a: 1, b: 1, c: 1, d: undefined });
  });

  test('the worst and the best arrival orders: every trial, or one, goes on', () => {
    // Each new value best so far: each is in the top max(1, ⌊m/η⌋) when it arrives, so all go on.
    // No bound below m holds for the asynchronous rule; the fraction 1/η holds on average (property below).
    const improving = Object.fromEntries([9, 8, 7, 6, 5, 4, 3, 2, 1].map((v, i) => [`t${i}`, [v]]));
    expect(Object.values(play(judgeOf([]), improving, sequential(improving))).filter((s) => s === undefined)).toHaveLength(9);
    // Best first: the i-th value has i - 1 better ones, at least q(i) for i >= 2.
    const worsening = Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9].map((v, i) => [`t${i}`, [v]]));
    expect(Object.values(play(judgeOf([]), worsening, sequential(worsening))).filter((s) => s === undefined)).toHaveLength(1);
  });

  test('a trial told to stop is told so again; each trial counts once in a rung', () => {
    const judge = judgeOf([{ name: 'reduction_factor', value: '2' }]);
    expect(judge.shouldStop(trial('a'), [1])).toBe(false);
    expect(judge.shouldStop(trial('b'), [2])).toBe(true);
    expect(judge.shouldStop(trial('b'), [2])).toBe(true);
    // a reports again at the same step (a non-finite report in between): not recorded twice.
    expect(judge.shouldStop(trial('a'), [1])).toBe(false);
    judge.trialEnded(trial('a', 'Succeeded'), [1]);
    judge.trialEnded(trial('b', 'EarlyStopped'), [2]);
    judge.trialEnded(trial('b', 'EarlyStopped'), [2]);
    // Rung 0 holds a 1 and b 2 once each: with c 1.5, m 3, q 1, one better -> stop. (Were a and b
    // counted at every call, it would hold 1 1 2 2 2: m 6, q 3, and c would go on.)
    // c2 0.5: [0.5 1 1.5 2] q2, the best -> go. d 1: [0.5 1 1 1.5 2] q2, one strictly better -> go.
    expect(judge.shouldStop(trial('c'), [1.5])).toBe(true);
    expect(judge.shouldStop(trial('c2'), [0.5])).toBe(false);
    expect(judge.shouldStop(trial('d'), [1])).toBe(false);
  });

  test('a report that skips a rung still records it; steps between rungs cost nothing and decide nothing', () => {
    const judge = judgeOf([]);
    expect(judge.shouldStop(trial('a'), [1, 1, 1])).toBe(false); // rungs 0 and 1 at once
    expect(judge.shouldStop(trial('b'), [2])).toBe(true);
    expect(judge.shouldStop(trial('c'), [0.5, 9])).toBe(false); // step 2: rung 0 only (0.5 best)
    expect(judge.shouldStop(trial('c'), [0.5, 9, 9])).toBe(false); // step 3: rung 1 value 0.5, best
    expect(judge.shouldStop(trial('e'), [0.9, 5, 5, 5])).toBe(true); // rung 1 value 0.9: [0.5 0.9 1] q1, rank 1
  });

  test('a huge min_early_stopping_rate puts the first rung out of reach: never stops, no rule', async () => {
    const settings = [{ name: 'min_early_stopping_rate', value: '1000' }];
    const judge = judgeOf(settings);
    for (let i = 0; i < 5; i++) expect(judge.shouldStop(trial(`t${i}`), [10 - i, 10, 10])).toBe(false);
    const rules = await createAsha().getEarlyStoppingRules({ experiment: experimentWith(settings), trials: [trial('a')], readLog: reader({ a: [1] }) });
    expect(rules).toEqual([]);
  });
});

describe('asha rebuilt from ended trials', () => {
  test('a judge fed the ended trials, in any order, decides the next trials as the live one did', () => {
    const live = play(judgeOf([]), NINE, sequential(NINE));
    const rebuilt = judgeOf([]);
    // What t1..t6 left: the values they had when they ended.
    const ended = ['t4', 't1', 't6', 't3', 't5', 't2'];
    for (const name of ended) {
      const stop = live[name];
      const values = (NINE[name] as number[]).slice(0, stop ?? 9);
      rebuilt.trialEnded(trial(name, stop === undefined ? 'Succeeded' : 'EarlyStopped'), values);
    }
    const rest = { t7: NINE.t7 as number[], t8: NINE.t8 as number[], t9: NINE.t9 as number[] };
    expect(play(rebuilt, rest, sequential(rest))).toEqual({ t7: live.t7, t8: live.t8, t9: live.t9 });
  });

  test('property: the same for random curves, settings and split points', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 12 }), { minLength: 2, maxLength: 14 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 2 }),
        fc.nat(),
        fc.nat(),
        (series, eta, minResource, splitSeed, shuffleSeed) => {
          const settings = [{ name: 'reduction_factor', value: String(eta) }, { name: 'min_resource', value: String(minResource) }];
          const curves = Object.fromEntries(series.map((c, i) => [`t${i}`, c]));
          const live = play(judgeOf(settings), curves, sequential(curves));
          const split = 1 + (splitSeed % (series.length - 1));
          const rebuilt = judgeOf(settings);
          const ended = series.slice(0, split).map((c, i) => ({ name: `t${i}`, values: c.slice(0, live[`t${i}`] ?? c.length) }));
          ended.sort((a, b) => ((a.name.length * 31 + Number(a.name.slice(1)) * 17 + shuffleSeed) % 7) - ((b.name.length * 31 + Number(b.name.slice(1)) * 17 + shuffleSeed) % 7));
          for (const e of ended) rebuilt.trialEnded(trial(e.name, 'Succeeded'), e.values);
          const rest = Object.fromEntries(series.slice(split).map((c, i) => [`t${i + split}`, c]));
          const again = play(rebuilt, rest, sequential(rest));
          for (const name of Object.keys(rest)) expect(again[name], name).toBe(live[name]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

// What can be proved of the counts. At the moment a trial is judged at a rung holding m
// values (itself included), it goes on iff fewer than q(m) = max(1, ⌊m/η⌋) of them are
// strictly better: so with distinct values exactly q(m) of the m values then recorded
// would pass the test, but the trials that went on earlier were judged against fewer
// values, and no bound below m holds on how many went on (improving order above: all m).
// What holds exactly is the mean over arrival orders: Σ_{i<=m} q(i)/i (last property but one).
describe('asha properties', () => {
  /** The rule as written, by a pass over every value recorded: the reference the judge must match. */
  function reference(eta: number, r0: number, maximize: boolean) {
    const rungs: number[][] = [];
    const reached = new Map<string, number>();
    const stopped = new Set<string>();
    const record = (name: string, values: readonly number[]) => {
      let k = reached.get(name) ?? 0;
      let passed = true;
      for (let r = r0 * eta ** k; r <= values.length; k++, r = r0 * eta ** k) {
        const prefix = values.slice(0, r);
        const v = maximize ? Math.max(...prefix) : Math.min(...prefix);
        const rung = (rungs[k] ??= []);
        rung.push(v);
        const better = rung.filter((x) => (maximize ? x > v : x < v)).length;
        if (better >= Math.max(1, Math.floor(rung.length / eta))) passed = false;
      }
      reached.set(name, k);
      return passed;
    };
    return {
      trialEnded: (t: TrialRecord, values: readonly number[]) => {
        record(t.name, values);
        stopped.delete(t.name);
      },
      shouldStop: (t: TrialRecord, values: readonly number[]) => {
        if (stopped.has(t.name)) return true;
        if (record(t.name, values)) return false;
        stopped.add(t.name);
        return true;
      },
    } satisfies StoppingJudge;
  }

  test('property: every decision, in any interleaving, is the rule applied to the values recorded so far', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 150 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 1 }),
        fc.boolean(),
        (series, picks, eta, minResource, rate, maximize) => {
          const settings = [
            { name: 'reduction_factor', value: String(eta) },
            { name: 'min_resource', value: String(minResource) },
            { name: 'min_early_stopping_rate', value: String(rate) },
          ];
          const curves = Object.fromEntries(series.map((c, i) => [`t${i}`, c]));
          const schedule = picks.map((p) => `t${p % series.length}`);
          const type = maximize ? 'maximize' : 'minimize';
          const judged = play(judgeOf(settings, type), curves, schedule);
          const expected = play(reference(eta, minResource * eta ** rate, maximize), curves, schedule);
          expect(judged).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('property: over all m! arrival orders of m distinct values, exactly Σ max(1, ⌊i/η⌋)/i go on per order on average', () => {
    // The i-th value to arrive, in a uniformly random order, is equally likely to hold any
    // of the i ranks among the first i, and it goes on for q(i) = max(1, ⌊i/η⌋) of them:
    // P = q(i)/i, and the expected count is the sum. Summed over all m! orders the count is
    // the integer Σ m!·q(i)/i. (No worst-case bound below m exists: see the improving order above.)
    const permutations = <T,>(xs: T[]): T[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p])));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 2, max: 5 }), (values, eta) => {
        const m = values.length;
        let factorial = 1;
        for (let i = 2; i <= m; i++) factorial *= i;
        let expected = 0;
        for (let i = 1; i <= m; i++) expected += (factorial * keptCount(i, eta)) / i;
        let total = 0;
        for (const order of permutations(values)) {
          const judge = createAshaJudge(false, { ...ASHA_DEFAULTS, reductionFactor: eta });
          order.forEach((v, i) => {
            if (!judge.shouldStop(trial(`t${i}`), [v])) total++;
          });
        }
        expect(total).toBe(expected);
      }),
      { numRuns: 40 },
    );
  });

  test('property: a new trial reaching the first rung is judged by the gRPC rule as the live judge judges it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 0, maxLength: 5 }), { minLength: 0, maxLength: 15 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        async (series, x, eta, minResource, maximize) => {
          const settings = [{ name: 'reduction_factor', value: String(eta) }, { name: 'min_resource', value: String(minResource) }];
          const type = maximize ? 'maximize' : 'minimize';
          const logs = Object.fromEntries(series.map((c, i) => [`t${i}`, c]));
          const trials = series.map((_, i) => trial(`t${i}`, 'Succeeded'));
          const rules = await createAsha().getEarlyStoppingRules({ experiment: experimentWith(settings, type), trials, readLog: reader(logs) });
          const judge = judgeOf(settings, type);
          for (const t of trials) judge.trialEnded(t, logs[t.name] as number[]);
          const stops = judge.shouldStop(trial('new'), Array.from({ length: minResource }, () => x));
          const m = series.filter((c) => c.length >= minResource).length;
          if (m < eta) {
            expect(rules).toEqual([]);
            return;
          }
          const rule = rules[0];
          expect(rule).toMatchObject({ name: 'loss', comparison: maximize ? 'less' : 'greater', startStep: minResource });
          const cut = Number(rule?.value);
          expect(stops).toBe(maximize ? x < cut : x > cut);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** A reader over fixed objective logs per trial. */
function reader(byTrial: Record<string, Array<number | string>>, reads: string[] = []): ObservationLogReader {
  return async (trialName, metricName) => {
    reads.push(`${trialName}/${metricName}`);
    const values = byTrial[trialName] ?? [];
    return values.map((v, i): MetricLog => ({ timeStamp: `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`, name: metricName, value: String(v) }));
  };
}

describe('asha gRPC rule (the first rung only)', () => {
  test('no rule until η trials reached the first rung; then the ⌊(m+1)/η⌋-th best, GREATER for minimize', async () => {
    const asha = createAsha();
    const e = experimentWith([]);
    // r0 = 1: a trial's rung value is its first finite value.
    const logs = { a: [3, 0], b: ['unavailable', 'NaN', 5], c: [], d: [1], e: [4, 4], f: [2] };
    const two = [trial('a', 'Succeeded'), trial('b', 'EarlyStopped'), trial('c', 'Running')];
    // a 3, b 5 (non-numbers skipped), c nothing: m = 2 < 3.
    expect(await asha.getEarlyStoppingRules({ experiment: e, trials: two, readLog: reader(logs) })).toEqual([]);
    // + d 1 (Running): m 3, ⌊4/3⌋ = 1: the best, 1.
    const reads: string[] = [];
    expect(await asha.getEarlyStoppingRules({ experiment: e, trials: [...two, trial('d')], readLog: reader(logs, reads) })).toEqual([
      { name: 'loss', value: '1', comparison: 'greater', startStep: 1 },
    ]);
    expect(reads.sort()).toEqual(['a/loss', 'b/loss', 'c/loss', 'd/loss']);
    // + e 4, f 2: m 5, sorted 1 2 3 4 5, ⌊6/3⌋ = 2: the 2nd best, 2.
    expect(await asha.getEarlyStoppingRules({ experiment: e, trials: [...two, trial('d'), trial('e', 'Failed'), trial('f', 'Succeeded')], readLog: reader(logs) })).toEqual([
      { name: 'loss', value: '2', comparison: 'greater', startStep: 1 },
    ]);
  });

  test('maximize: LESS, the cut counted from the top; the rung at r0 = min_resource · η^rate, its value the best so far', async () => {
    // min_resource 2, η 2, rate 1: r0 = 4. Rung values = max of the first 4 finite values:
    // a max(1,2,3,4) = 4, b max(9,0,0,0) = 9, c has 3 values -> out, d max(5,5,'x' skipped,5,1) = 5, e 7.
    // m = 4, sorted best-first 9 7 5 4, ⌊5/2⌋ = 2: the 2nd best, 7.
    const settings = [{ name: 'min_resource', value: '2' }, { name: 'reduction_factor', value: '2' }, { name: 'min_early_stopping_rate', value: '1' }];
    const logs = { a: [1, 2, 3, 4, 100], b: [9, 0, 0, 0], c: [8, 8, 8], d: [5, 5, 'x', 5, 1], e: [7, 7, 7, 7] };
    const trials = Object.keys(logs).map((n) => trial(n, 'Succeeded'));
    expect(await createAsha().getEarlyStoppingRules({ experiment: experimentWith(settings, 'maximize'), trials, readLog: reader(logs) })).toEqual([
      { name: 'loss', value: '7', comparison: 'less', startStep: 4 },
    ]);
  });

  test('an experiment without objective is an invalid request', async () => {
    const e = experimentWith([]);
    delete e.spec.objective;
    await expect(createAsha().getEarlyStoppingRules({ experiment: e, trials: [trial('a')], readLog: reader({}) })).rejects.toBeInstanceOf(ScribaError);
  });
});

describe('asha settings', () => {
  const validate = (settings: Setting[]) => createAsha().validateSettings({ algorithmName: 'asha', algorithmSettings: settings });

  test('defaults: min_resource 1, reduction_factor 3, min_early_stopping_rate 0', () => {
    expect(ASHA_DEFAULTS).toEqual({ minResource: 1, reductionFactor: 3, minEarlyStoppingRate: 0 });
    expect(ashaSettings({ algorithmName: 'asha' })).toEqual(ASHA_DEFAULTS);
    expect(ashaSettings({ algorithmName: 'asha', algorithmSettings: [{ name: 'reduction_factor', value: '4' }] })).toEqual({ ...ASHA_DEFAULTS, reductionFactor: 4 });
    expect(getEarlyStopping('asha').name).toBe('asha');
  });

  test('accepts its settings', () => {
    expect(validate([])).toEqual([]);
    expect(validate([{ name: 'min_resource', value: '1' }, { name: 'reduction_factor', value: '2' }, { name: 'min_early_stopping_rate', value: '0' }])).toEqual([]);
  });

  const value = 'spec.earlyStopping.algorithmSettings[0].value';
  test.each([
    { setting: { name: 'min_resource', value: '0' }, path: value, message: 'failed to validate min_resource(0): expected an integer >= 1' },
    { setting: { name: 'min_resource', value: '1.5' }, path: value, message: 'failed to validate min_resource(1.5): expected an integer >= 1' },
    { setting: { name: 'reduction_factor', value: '1' }, path: value, message: 'failed to validate reduction_factor(1): expected an integer >= 2' },
    { setting: { name: 'reduction_factor', value: 'three' }, path: value, message: 'failed to validate reduction_factor(three): expected an integer >= 2' },
    { setting: { name: 'min_early_stopping_rate', value: '-1' }, path: value, message: 'failed to validate min_early_stopping_rate(-1): expected an integer >= 0' },
    { setting: { name: 'min_early_stopping_rate', value: '' }, path: value, message: 'failed to validate min_early_stopping_rate(): expected an integer >= 0' },
    {
      setting: { name: 'grace_period', value: '3' },
      path: 'spec.earlyStopping.algorithmSettings[0].name',
      message: 'unknown setting grace_period for algorithm asha; known settings: min_resource, reduction_factor, min_early_stopping_rate',
    },
  ])('rejects $setting.name=$setting.value', ({ setting, path, message }) => {
    expect(validate([setting])).toEqual([{ path, message }]);
  });
});

describe('asha in an Experiment YAML (loadExperiment, as scriba validate)', () => {
  /** Katib's median-stop example with its earlyStopping block replaced. */
  const withEarlyStopping = (block: string) =>
    fixtureText('median-stop.yaml').replace(/  earlyStopping:\n(    .*\n)+/, `  earlyStopping:\n${block}`);

  test('accepted with its settings, kept as written', () => {
    const text = withEarlyStopping(
      ['    algorithmName: asha', '    algorithmSettings:', '      - name: reduction_factor', '        value: "2"', '      - name: min_resource', '        value: "3"', ''].join('\n'),
    );
    const { experiment, issues } = loadExperiment(text);
    expect(issues).toEqual([]);
    expect(experiment?.spec.earlyStopping).toEqual({
      algorithmName: 'asha',
      algorithmSettings: [{ name: 'reduction_factor', value: '2' }, { name: 'min_resource', value: '3' }],
    });
    expect(ashaSettings(experiment?.spec.earlyStopping)).toEqual({ minResource: 3, reductionFactor: 2, minEarlyStoppingRate: 0 });
    expect(loadExperiment(withEarlyStopping('    algorithmName: asha\n')).issues).toEqual([]);
  });

  test('bad and unknown settings are named by their path', () => {
    const text = withEarlyStopping(
      ['    algorithmName: asha', '    algorithmSettings:', '      - name: reduction_factor', '        value: "1"', '      - name: brackets', '        value: "2"', ''].join('\n'),
    );
    expect(loadExperiment(text).issues).toEqual([
      { path: 'spec.earlyStopping.algorithmSettings[0].value', message: 'failed to validate reduction_factor(1): expected an integer >= 2' },
      { path: 'spec.earlyStopping.algorithmSettings[1].name', message: 'unknown setting brackets for algorithm asha; known settings: min_resource, reduction_factor, min_early_stopping_rate' },
    ]);
  });

  test('an unknown early-stopping name lists Katib\'s and Scriba\'s', () => {
    expect(loadExperiment(withEarlyStopping('    algorithmName: hyperband\n')).issues).toEqual([
      { path: 'spec.earlyStopping.algorithmName', message: 'unknown early stopping algorithm name hyperband; expected medianstop, asha' },
    ]);
  });
});
