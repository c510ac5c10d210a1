import { describe, expect, test } from 'vitest';
import { bracketRungs, BRACKET_LABEL, CONFIG_LABEL, createHyperband, RUNG_LABEL } from '../../../algorithms/hyperband/index.js';
import type { TrialRecord } from '../../../src/trial/types.js';
import { hyperbandExperiment, lossOf, overlay, simulate, type Simulation } from './simulate.js';

const SETTINGS = [
  { name: 'r_l', value: '81' },
  { name: 'eta', value: '3' },
  { name: 'resource_name', value: 'epochs' },
];

const rungOf = (trials: readonly TrialRecord[], s: number, i: number) =>
  trials.filter((t) => t.labels?.[BRACKET_LABEL] === String(s) && t.labels?.[RUNG_LABEL] === String(i));
const valueOf = (t: TrialRecord, name: string) => t.parameterAssignments.find((a) => a.name === name)?.value;
const withoutResource = (t: TrialRecord) => JSON.stringify(t.parameterAssignments.filter((a) => a.name !== 'epochs'));
const lossIn = (t: TrialRecord) => (t.condition === 'Succeeded' ? Number(t.observation?.metrics[0]?.latest) : Infinity);

/** Checks every rung of a finished R = 81, η = 3 run against Table 1 and Alg. 1's top_k. */
function expectAlgorithm1(run: Simulation): void {
  for (let s = 4; s >= 0; s--) {
    bracketRungs(81, 3, 4, s).forEach((rung, i) => {
      const members = rungOf(run.trials, s, i);
      expect(members, `bracket ${s} rung ${i}`).toHaveLength(rung.n);
      for (const t of members) expect(valueOf(t, 'epochs'), `bracket ${s} rung ${i}`).toBe(String(rung.r));
      if (i === 0) return;
      const previous = rungOf(run.trials, s, i - 1);
      const best = [...previous].sort((a, b) => lossIn(a) - lossIn(b)).slice(0, Math.floor(previous.length / 3));
      expect(new Set(members.map(withoutResource)), `bracket ${s} rung ${i} holds the best of rung ${i - 1}`).toEqual(new Set(best.map(withoutResource)));
      expect(new Set(members.map((t) => t.labels?.[CONFIG_LABEL]))).toEqual(new Set(best.map((t) => t.labels?.[CONFIG_LABEL])));
    });
  }
}

describe('hyperband, a whole run of R = 81, η = 3 (Li et al. 2018, Table 1)', () => {
  test.each([1, 2, 100])('parallelTrialCount %i: every rung as Algorithm 1 says, 206 trials, then exhausted', async (parallel) => {
    const run = await simulate(hyperbandExperiment(SETTINGS, { parallel }), { parallel, finish: parallel === 100 ? 'all' : 'one' });
    expect(run.trials).toHaveLength(206);
    expectAlgorithm1(run);
    for (const { count, reply } of run.replies) {
      expect(reply.assignments.length).toBeLessThanOrEqual(count);
      if (reply.assignments.length < count && !reply.exhausted) expect(reply.waiting).toBe(true);
    }
    const last = run.replies.at(-1)!.reply;
    expect(last).toMatchObject({ exhausted: true, assignments: [] });
    expect(last.exhaustedMessage).toContain("Hyperband's last bracket");
    expect(run.experiment.spec.algorithm?.algorithmSettings).toEqual(expect.arrayContaining([{ name: 'current_s', value: '-1' }]));
  });

  test('new configurations depend on the seed and their place in the bracket only, not on batching', async () => {
    const configs = async (parallel: number, seed = 1) => {
      const run = await simulate(hyperbandExperiment(SETTINGS, { parallel }), { parallel, seed, finish: 'all' });
      return [4, 3, 2, 1, 0].map((s) => rungOf(run.trials, s, 0).map(withoutResource));
    };
    const one = await configs(1);
    expect(await configs(7)).toEqual(one);
    expect(await configs(100)).toEqual(one);
    expect(await configs(1, 2)).not.toEqual(one);
  });

  test('maximize promotes the largest objective values', async () => {
    const run = await simulate(hyperbandExperiment(SETTINGS, { maximize: true, parallel: 5 }), { parallel: 5, outcome: (t) => ({ condition: 'Succeeded', loss: -lossOf(t) }) });
    const rung0 = rungOf(run.trials, 4, 0);
    const best = [...rung0].sort((a, b) => lossOf(a) - lossOf(b)).slice(0, 27);
    expect(new Set(rungOf(run.trials, 4, 1).map(withoutResource))).toEqual(new Set(best.map(withoutResource)));
  });

  test('the settings written back carry Katib names, and the validator accepts them', async () => {
    const e = hyperbandExperiment(SETTINGS);
    const reply = await createHyperband().getSuggestions({ experiment: e, trials: [], count: 3, seed: 1 });
    const names = (reply.settingsUpdate ?? []).map((s) => s.name);
    expect(names).toEqual(['eta', 's_max', 'r_l', 'b_l', 'r', 'n', 'current_s', 'current_i', 'resource_name', 'evaluating_trials']);
    expect(Object.fromEntries((reply.settingsUpdate ?? []).map((s) => [s.name, s.value]))).toMatchObject({ s_max: '4', b_l: '405', n: '81', r: '1', current_s: '4', current_i: '0', evaluating_trials: '3' });
    expect(createHyperband().validateSettings(overlay(e, reply.settingsUpdate))).toEqual([]);
    expect(reply.labels).toEqual([0, 1, 2].map((k) => ({ [BRACKET_LABEL]: '4', [RUNG_LABEL]: '0', [CONFIG_LABEL]: `4.${k}` })));
  });

  test('without the settings overlay, the trial labels alone continue the run', async () => {
    const run = await simulate(hyperbandExperiment(SETTINGS, { parallel: 4 }), { parallel: 4, overlay: false });
    expect(run.trials).toHaveLength(206);
    expectAlgorithm1(run);
  });

  test('a fresh instance for the same request answers the same', async () => {
    const e = hyperbandExperiment(SETTINGS);
    const first = await createHyperband().getSuggestions({ experiment: e, trials: [], count: 5, seed: 3 });
    expect(await createHyperband().getSuggestions({ experiment: e, trials: [], count: 5, seed: 3 })).toEqual(first);
  });
});

describe('hyperband, a rung whose trials are still running', () => {
  test('once the rung is handed out, a reply holds fewer than count (perhaps none) and says waiting', async () => {
    const e = hyperbandExperiment([{ name: 'r_l', value: '9' }, { name: 'resource_name', value: 'epochs' }]);
    // s_max = 2: bracket 2 starts ⌈3·9/3⌉ = 9 configurations on resource 1.
    const first = await createHyperband().getSuggestions({ experiment: e, trials: [], count: 7, seed: 1 });
    expect(first.assignments).toHaveLength(7);
    expect(first.waiting).toBeUndefined();
    const trials: TrialRecord[] = first.assignments.map((a, i) => ({ name: `t${i}`, parameterAssignments: a, labels: first.labels![i]!, condition: 'Running', conditions: [], creationTime: '' }));
    const second = await createHyperband().getSuggestions({ experiment: overlay(e, first.settingsUpdate), trials, count: 5, seed: 1 });
    expect(second.assignments).toHaveLength(2);
    expect(second.waiting).toBe(true);
    trials.push(...second.assignments.map((a, i): TrialRecord => ({ name: `u${i}`, parameterAssignments: a, labels: second.labels![i]!, condition: 'Running', conditions: [], creationTime: '' })));
    const third = await createHyperband().getSuggestions({ experiment: overlay(overlay(e, first.settingsUpdate), second.settingsUpdate), trials, count: 5, seed: 1 });
    expect(third).toMatchObject({ assignments: [], waiting: true });
  });
});

describe('hyperband, failed trials', () => {
  test('Failed, Killed and MetricsUnavailable trials rank last and never throw', async () => {
    const conditions = ['Failed', 'Killed', 'MetricsUnavailable'] as const;
    let n = 0;
    const run = await simulate(hyperbandExperiment(SETTINGS, { parallel: 3 }), {
      parallel: 3,
      outcome: (t) => (n++ % 4 === 1 ? { condition: conditions[n % 3]! } : { condition: 'Succeeded', loss: lossOf(t) }),
    });
    expect(run.replies.at(-1)!.reply.exhausted).toBe(true);
    expectAlgorithm1(run);
  });

  test('a rung whose every trial failed promotes nothing: the next bracket starts', async () => {
    const run = await simulate(hyperbandExperiment(SETTINGS, { parallel: 10 }), {
      parallel: 10,
      outcome: (t) => (t.labels?.[BRACKET_LABEL] === '3' ? { condition: 'Failed' } : { condition: 'Succeeded', loss: lossOf(t) }),
    });
    expect(rungOf(run.trials, 3, 0)).toHaveLength(34);
    expect(rungOf(run.trials, 3, 1)).toHaveLength(0);
    expect(rungOf(run.trials, 2, 0)).toHaveLength(15);
    expect(run.trials).toHaveLength(206 - 11 - 3 - 1);
    expect(run.replies.at(-1)!.reply.exhausted).toBe(true);
  });

  test('a trial the request leaves out (Katib lists no MetricsUnavailable trials) counts as ended and is not handed out again', async () => {
    const e = hyperbandExperiment([{ name: 'r_l', value: '3' }, { name: 'resource_name', value: 'epochs' }]);
    // s_max = 1: bracket 1 starts ⌈2·3/2⌉ = 3 configurations on resource 1, then the best 1 on resource 3.
    const first = await createHyperband().getSuggestions({ experiment: e, trials: [], count: 3, seed: 1 });
    const listed: TrialRecord[] = first.assignments.slice(0, 2).map((a, i) => ({
      name: `t${i}`, parameterAssignments: a, labels: first.labels![i]!, condition: 'Succeeded', conditions: [], creationTime: '',
      observation: { metrics: [{ name: 'loss', min: String(i), max: String(i), latest: String(i) }] },
    }));
    const next = await createHyperband().getSuggestions({ experiment: overlay(e, first.settingsUpdate), trials: listed, count: 3, seed: 1 });
    expect(next.labels?.[0]).toMatchObject({ [BRACKET_LABEL]: '1', [RUNG_LABEL]: '1', [CONFIG_LABEL]: '1.0' });
    expect(next.assignments[0]).toContainEqual({ name: 'epochs', value: '3' });
    // Brackets run one after another (Alg. 1's outer loop): bracket 0 waits for that trial.
    expect(next).toMatchObject({ waiting: true });
    expect(next.assignments).toHaveLength(1);
  });
});
