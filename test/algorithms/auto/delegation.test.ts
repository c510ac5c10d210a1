import { describe, expect, test } from 'vitest';
import { ALGORITHM_LABEL, createAuto, RULE_LABEL } from '../../../algorithms/auto/index.js';
import { createBayesianOptimization } from '../../../algorithms/bayesianoptimization/index.js';
import { createCmaes, GENERATION_LABEL, SLOT_LABEL } from '../../../algorithms/cmaes/index.js';
import { createTpe } from '../../../algorithms/tpe/index.js';
import type { Algorithm, AlgorithmExperiment, SuggestionReply } from '../../../algorithms/types.js';
import type { TrialRecord } from '../../../src/trial/types.js';
import { categorical, double, experiment, ownHistory, randomHistory } from './support.js';

/** The request as the delegate gets it on its own: the experiment names it. */
function as(e: AlgorithmExperiment, algorithmName: string): AlgorithmExperiment {
  return { ...e, spec: { ...e.spec, algorithm: { ...e.spec.algorithm, algorithmName } } };
}

/** Auto's labels without its own two. */
function delegateLabels(reply: SuggestionReply): (Record<string, string> | undefined)[] {
  return (reply.labels ?? []).map((labels) => {
    const { [ALGORITHM_LABEL]: _a, [RULE_LABEL]: _r, ...rest } = labels;
    return Object.keys(rest).length > 0 ? rest : undefined;
  });
}

async function expectSame(e: AlgorithmExperiment, trials: TrialRecord[], delegate: Algorithm, rule: string, count = 3, seed = 11, auto = createAuto()): Promise<void> {
  const ours = await auto.getSuggestions({ experiment: e, trials, count, seed });
  const theirs = await delegate.getSuggestions({ experiment: as(e, delegate.name), trials, count, seed });
  expect(ours.assignments).toEqual(theirs.assignments);
  expect(ours.assignments).toHaveLength(count);
  expect(ours.labels).toHaveLength(count);
  for (const labels of ours.labels ?? []) expect(labels).toMatchObject({ [ALGORITHM_LABEL]: delegate.name, [RULE_LABEL]: rule });
  expect(delegateLabels(ours)).toEqual(theirs.labels ?? theirs.assignments.map(() => undefined));
}

describe('auto makes exactly the suggestions of the algorithm it chose', () => {
  test('gaussian-process: a small continuous space', async () => {
    const e = experiment([double('x'), double('y'), double('z')], 100);
    await expectSame(e, randomHistory(e, 14), createBayesianOptimization(), 'gaussian-process');
    // Within the initial design too.
    await expectSame(e, randomHistory(e, 3), createBayesianOptimization(), 'gaussian-process', 2);
  });

  test('long-history: TPE continues from 260 trials it did not make', async () => {
    const e = experiment([double('x'), double('y'), double('z')], 400);
    await expectSame(e, randomHistory(e, 260), createTpe(true), 'long-history');
  });

  test('gaussian-process: a mostly categorical space', async () => {
    const e = experiment([categorical('a', ['p', 'q', 'r']), categorical('b', ['p', 'q']), categorical('c', ['p', 'q', 'r', 's']), double('x')], 200);
    await expectSame(e, randomHistory(e, 30), createBayesianOptimization(), 'gaussian-process');
  });

  test('high-dimensional: 24 doubles', async () => {
    const e = experiment(Array.from({ length: 24 }, (_, i) => double(`x${i}`)), 200);
    await expectSame(e, randomHistory(e, 30), createTpe(true), 'high-dimensional');
  });

  test('long-numeric-run: CMA-ES over its own generations, its labels kept', async () => {
    const e = experiment([double('x'), double('y'), double('z')], 1000);
    const trials = await ownHistory(createAuto(), e, 40, 5);
    // The replay advanced: CMA-ES read its generation labels through auto's.
    const last = trials.at(-1)?.labels?.[GENERATION_LABEL];
    expect(last).toMatch(/^0-\d+$/);
    expect(last).not.toBe('0-0');
    expect(trials.every((t) => t.labels?.[SLOT_LABEL] !== undefined && t.labels[ALGORITHM_LABEL] === 'cmaes')).toBe(true);
    await expectSame(e, trials, createCmaes(), 'long-numeric-run', 4, 5);
    // The same history, suggestion by suggestion, as CMA-ES alone would have made it.
    expect(await ownHistory(createCmaes(), as(e, 'cmaes'), 40, 5)).toEqual(
      trials.map((t) => ({ ...t, labels: { [GENERATION_LABEL]: t.labels?.[GENERATION_LABEL], [SLOT_LABEL]: t.labels?.[SLOT_LABEL] } })),
    );
  });

  test('random_state reaches the delegate', async () => {
    const settings = [{ name: 'random_state', value: '5' }];
    const e = experiment([double('x'), double('y')], 100, settings);
    const trials = randomHistory(e, 12);
    await expectSame(e, trials, createBayesianOptimization(), 'gaussian-process');
    const unseeded = await createAuto().getSuggestions({ experiment: experiment([double('x'), double('y')], 100), trials, count: 3, seed: 11 });
    const seeded = await createAuto().getSuggestions({ experiment: e, trials, count: 3, seed: 11 });
    expect(seeded.assignments).not.toEqual(unseeded.assignments);
  });

  test('one auto instance over a growing history equals a fresh delegate at every request', async () => {
    // Its delegates keep caches between requests (TPE's kernels, the history reader): they never change an answer.
    const e = experiment([categorical('a', ['p', 'q', 'r']), categorical('b', ['p', 'q']), double('x')], 60);
    const auto = createAuto({ gpTrials: 10 });
    const trials = randomHistory(e, 12).slice(0, 12);
    for (let round = 0; round < 8; round++) {
      await expectSame(e, trials, createTpe(true), 'long-history', 2, 4, auto);
      const next = randomHistory(e, trials.length + 2, round + 10).slice(trials.length, trials.length + 2);
      trials.push(...next.map((t, i) => ({ ...t, name: `t-${trials.length + i}` })));
    }
  });
});
