import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { bracketRungs, BRACKET_LABEL, CONFIG_LABEL, RUNG_LABEL, sMaxOf } from '../../../algorithms/hyperband/index.js';
import { createRng } from '../../../src/rng.js';
import type { TrialRecord } from '../../../src/trial/types.js';
import { hyperbandExperiment, simulate } from './simulate.js';

const rungOf = (trials: readonly TrialRecord[], s: number, i: number) =>
  trials.filter((t) => t.labels?.[BRACKET_LABEL] === String(s) && t.labels?.[RUNG_LABEL] === String(i));

describe('hyperband properties', () => {
  test('over random R, η, parallelism and objective values, every rung promotes the best ⌊n_i/η⌋, successful ones first, and no reply exceeds its count', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          rl: fc.double({ min: 1, max: 120, noNaN: true }),
          eta: fc.integer({ min: 2, max: 5 }),
          parallel: fc.integer({ min: 1, max: 40 }),
          failureRate: fc.constantFrom(0, 0.2, 0.6, 1),
          maximize: fc.boolean(),
          seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        }),
        async ({ rl, eta, parallel, failureRate, maximize, seed }) => {
          const e = hyperbandExperiment(
            [{ name: 'r_l', value: String(rl) }, { name: 'eta', value: String(eta) }, { name: 'resource_name', value: 'x' }],
            { maximize, parallel },
          );
          const losses = new Map<string, number>();
          const run = await simulate(e, {
            parallel,
            seed,
            outcome: (t) => {
              const rng = createRng(seed, 'objective', t.name);
              if (rng.next() < failureRate) return { condition: rng.next() < 0.5 ? 'Failed' : 'Killed' };
              const loss = Math.round(rng.next() * 20) / 4; // coarse, so that ties happen
              losses.set(t.name, loss);
              return { condition: 'Succeeded', loss };
            },
          });
          for (const { count, reply } of run.replies) expect(reply.assignments.length).toBeLessThanOrEqual(count);
          expect(run.replies.at(-1)?.reply.exhausted).toBe(true);
          const sign = maximize ? -1 : 1;
          const sMax = sMaxOf(rl, eta);
          for (let s = sMax; s >= 0; s--) {
            const rungs = bracketRungs(rl, eta, sMax, s);
            let ended = false;
            rungs.forEach((rung, i) => {
              const members = rungOf(run.trials, s, i);
              for (const t of members) expect(Number(t.parameterAssignments.find((a) => a.name === 'x')?.value)).toBeCloseTo(rung.r, 9);
              if (ended) return expect(members, `bracket ${s} rung ${i} after a rung of failures`).toHaveLength(0);
              if (i === 0) return expect(members).toHaveLength(rung.n);
              const previous = rungOf(run.trials, s, i - 1);
              const succeeded = previous.filter((t) => losses.has(t.name));
              if (succeeded.length === 0) {
                ended = true;
                return expect(members).toHaveLength(0);
              }
              const order = [...succeeded].sort((a, b) => sign * (losses.get(a.name)! - losses.get(b.name)!));
              const rankedAll = [...order, ...previous.filter((t) => !losses.has(t.name))];
              const keep = Math.floor(previous.length / eta);
              expect(keep).toBe(rung.n);
              expect(members.map((t) => t.labels?.[CONFIG_LABEL]), `bracket ${s} rung ${i}`).toEqual(rankedAll.slice(0, keep).map((t) => t.labels?.[CONFIG_LABEL]));
              const promotedSucceeded = members.filter((m) => succeeded.some((t) => t.labels?.[CONFIG_LABEL] === m.labels?.[CONFIG_LABEL]));
              expect(promotedSucceeded).toHaveLength(Math.min(keep, succeeded.length));
            });
          }
        },
      ),
      { numRuns: 40, seed: 20260101 },
    );
  }, 60_000);
});
