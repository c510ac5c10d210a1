import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createCmaes, GENERATION_LABEL, SLOT_LABEL } from '../../../algorithms/cmaes/index.js';
import { createRng } from '../../../src/rng.js';
import type { TrialConditionType, TrialRecord } from '../../../src/trial/types.js';
import { parametersArbitrary } from '../../support/arbitraries.js';
import { expectInSpace } from '../conformance.js';
import { experimentOf, trialOf } from './loop.js';

const numeric = (type: string) => type === 'int' || type === 'double';
const CONDITIONS: TrialConditionType[] = ['Succeeded', 'Succeeded', 'Succeeded', 'EarlyStopped', 'Failed', 'MetricsUnavailable', 'Killed'];

/*
 * Whole experiments over random Katib spaces (log scales, steps, normal distributions,
 * numeric and categorical lists): trials finish in every condition, with objectives that
 * are noisy, flat (so restarts happen) or tied, and a service that may be restarted at any
 * request. Every reply must stay in the space, be labelled, and equal a fresh instance's.
 */
describe('cmaes over random experiments', () => {
  test('suggestions stay in the space and a fresh instance agrees at every request', async () => {
    let restarted = 0;
    await fc.assert(
      fc.asyncProperty(
        parametersArbitrary().filter((ps) => ps.filter((p) => numeric(p.parameterType)).length >= 2),
        fc.constantFrom('none', 'ipop', 'bipop'),
        fc.constantFrom('noisy', 'flat', 'ties'),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 1e6 }),
        async (parameters, strategy, values, batch, seed) => {
          const experiment = experimentOf(parameters, [{ name: 'restart_strategy', value: strategy }]);
          const running = createCmaes();
          const rng = createRng('replay-test', seed);
          const trials: TrialRecord[] = [];
          // Flat objectives run long enough for TolFun to end run 0 (≤ 29 generations of ≤ 8 for n ≤ 5).
          const length = values === 'flat' ? 300 : 120;
          while (trials.length < length) {
            const request = { experiment, trials: [...trials], count: batch, seed };
            const reply = await running.getSuggestions(request);
            if (trials.length % 3 === 0) expect(await createCmaes().getSuggestions(request)).toEqual(reply);
            expect(reply.assignments).toHaveLength(batch);
            reply.assignments.forEach((assignments, i) => {
              expectInSpace(parameters, assignments);
              const labels = reply.labels![i]!;
              expect(labels[GENERATION_LABEL]).toMatch(/^\d+-\d+$/);
              expect(labels[SLOT_LABEL]).toMatch(/^\d+$/);
              const condition = values === 'flat' ? 'Succeeded' : (CONDITIONS[rng.int(CONDITIONS.length)] as TrialConditionType);
              const value = values === 'flat' ? 1 : values === 'ties' ? rng.int(3) : rng.normal();
              const observed = condition === 'Succeeded' || condition === 'EarlyStopped';
              trials.push(trialOf(trials.length, assignments, condition, observed ? value : undefined, labels));
            });
          }
          if (trials.some((t) => !t.labels?.[GENERATION_LABEL]?.startsWith('0-'))) restarted++;
        },
      ),
      {
        numRuns: 25,
        // A mixed space (log int, stepped double, numeric and categorical lists) that restarts.
        examples: [
          [
            [
              { name: 'p0', parameterType: 'int', feasibleSpace: { min: '1', max: '64', distribution: 'logUniform' } },
              { name: 'p1', parameterType: 'double', feasibleSpace: { min: '0.1', max: '0.9', step: '0.2' } },
              { name: 'p2', parameterType: 'discrete', feasibleSpace: { list: ['2', '-1', '0.5'] } },
              { name: 'p3', parameterType: 'categorical', feasibleSpace: { list: ['a', 'b'] } },
            ],
            'ipop',
            'flat',
            3,
            1,
          ],
        ],
      },
    );
    // Some runs restarted (flat objectives with ipop/bipop), so restarts were replayed too.
    expect(restarted).toBeGreaterThan(0);
  });
});
