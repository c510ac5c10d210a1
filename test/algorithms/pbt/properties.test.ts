import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createPbt } from '../../../algorithms/pbt/index.js';
import { MAX_TRIAL_NAME_LENGTH, PBT_GENERATION_LABEL, PBT_PARENT_LABEL } from '../../../algorithms/pbt/labels.js';
import type { ExperimentSpec } from '../../../src/experiment/types.js';
import { createRng } from '../../../src/rng.js';
import type { TrialConditionType, TrialRecord } from '../../../src/trial/types.js';
import { parametersArbitrary } from '../../support/arbitraries.js';
import { describeConformance, expectInSpace } from '../conformance.js';
import { pbtExperiment, trial, valuesOf } from './support.js';

const withRequired = (spec: ExperimentSpec): ExperimentSpec => {
  const settings = [...(spec.algorithm?.algorithmSettings ?? [])];
  const add = (name: string, value: string) => settings.some((s) => s.name === name) || settings.push({ name, value });
  add('suggestion_trial_dir', '/var/scriba/pbt');
  add('n_population', '5');
  add('truncation_threshold', '0.2');
  return { ...spec, algorithm: { algorithmName: 'pbt', algorithmSettings: settings } };
};

describeConformance('pbt', {
  create: createPbt,
  space: { doubleStep: 'required' },
  adapt: withRequired,
  badSettings: [
    { name: 'n_population', value: '4' },
    { name: 'truncation_threshold', value: '2' },
    { name: 'resample_probability', value: '-0.5' },
    { name: 'random_state', value: '1' },
  ],
  goodSettings: [{ name: 'resample_probability', value: '0.3' }],
});

const CONDITIONS: TrialConditionType[] = ['Running', 'Succeeded', 'Succeeded', 'Succeeded', 'Failed', 'Killed', 'EarlyStopped', 'MetricsUnavailable'];

/**
 * Runs the plugin as a loop would: each step asks for 1..4 trials, labels them as
 * replied, then ends some running ones with random conditions and values.
 */
async function evolve(spec: ExperimentSpec, seed: number, steps: number): Promise<TrialRecord[]> {
  const rng = createRng(seed, 'evolve');
  const trials: TrialRecord[] = [];
  const experiment = { name: 'prop', spec };
  for (let step = 0; step < steps; step++) {
    const count = 1 + rng.int(4);
    const reply = await createPbt().getSuggestions({ experiment, trials, count, seed });
    expect(reply.assignments).toHaveLength(count);
    reply.assignments.forEach((a, i) => {
      const labels = reply.labels![i]!;
      trials.push({ ...trial({ name: reply.trialNames![i]!, values: valuesOf(a) }), labels });
    });
    for (const [i, t] of trials.entries()) {
      if (t.condition !== 'Running' || rng.next() < 0.3) continue;
      const condition = CONDITIONS[rng.int(CONDITIONS.length)]!;
      const value = rng.next();
      const observed = condition === 'Succeeded' || condition === 'EarlyStopped';
      trials[i] = { ...trial({ name: t.name, values: valuesOf(t.parameterAssignments), condition, ended: step, ...(observed ? { value } : {}) }), labels: t.labels! };
    }
  }
  return trials;
}

describe('pbt over random populations', () => {
  test('labels, parents, names and values hold their invariants', async () => {
    await fc.assert(
      fc.asyncProperty(
        parametersArbitrary({ doubleStep: 'required', maxParameters: 3 }),
        fc.integer({ min: 5, max: 8 }),
        fc.constantFrom('0', '0.2', '0.5', '1'),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (parameters, n, truncation, seed) => {
          const spec = pbtExperiment({ parameters, settings: [{ name: 'n_population', value: String(n) }, { name: 'truncation_threshold', value: truncation }, { name: 'resample_probability', value: '0.1' }] }).spec;
          const trials = await evolve(spec, seed, 12);
          const byName = new Map(trials.map((t) => [t.name, t]));
          expect(byName.size, 'names are unique').toBe(trials.length);
          for (const t of trials) {
            expectInSpace(parameters, t.parameterAssignments);
            expect(t.name.length).toBeLessThanOrEqual(MAX_TRIAL_NAME_LENGTH);
            expect(t.name).toMatch(/^prop-[bcdfghjklmnpqrstvwxz2456789]{12}$/);
            const generation = Number(t.labels![PBT_GENERATION_LABEL]);
            expect(String(generation)).toBe(t.labels![PBT_GENERATION_LABEL]);
            const parent = t.labels![PBT_PARENT_LABEL];
            if (generation === 0) expect(parent).toBeUndefined();
            else {
              // The parent is a trial of the previous generation that had ended with a result.
              const p = byName.get(parent!);
              expect(p, `parent ${parent}`).toBeDefined();
              expect(Number(p!.labels![PBT_GENERATION_LABEL])).toBe(generation - 1);
              expect(['Succeeded', 'EarlyStopped']).toContain(p!.condition);
            }
          }
          // A generation starts only once the previous one has n results.
          const generations = trials.map((t) => Number(t.labels![PBT_GENERATION_LABEL]));
          for (let g = 1; g <= Math.max(...generations); g++) {
            const results = trials.filter((t, i) => generations[i] === g - 1 && t.observation !== undefined && (t.condition === 'Succeeded' || t.condition === 'EarlyStopped'));
            expect(results.length).toBeGreaterThanOrEqual(n);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  test('a fixed seed gives the same run, names included; another seed another', async () => {
    const spec = pbtExperiment({ settings: [{ name: 'n_population', value: '5' }] }).spec;
    const a = await evolve(spec, 11, 15);
    const b = await evolve(spec, 11, 15);
    expect(b).toEqual(a);
    const c = await evolve(spec, 12, 15);
    expect(c.map((t) => t.name)).not.toEqual(a.map((t) => t.name));
  });

  test('batching does not change the suggestions (names aside): 10 at once equal 4 then 6', async () => {
    const experiment = pbtExperiment();
    const all = await createPbt().getSuggestions({ experiment, trials: [], count: 10, seed: 5 });
    const first = await createPbt().getSuggestions({ experiment, trials: [], count: 4, seed: 5 });
    const running = first.assignments.map((a, i) => ({ ...trial({ name: first.trialNames![i]!, values: valuesOf(a) }), labels: first.labels![i]! }));
    const second = await createPbt().getSuggestions({ experiment, trials: running, count: 6, seed: 5 });
    expect([...first.assignments, ...second.assignments]).toEqual(all.assignments);
    expect([...first.labels!, ...second.labels!]).toEqual(all.labels);
  });

  test('a long experiment name is cut so that a name fits a label value', async () => {
    const experiment = { ...pbtExperiment(), name: 'x'.repeat(80) };
    const reply = await createPbt().getSuggestions({ experiment, trials: [], count: 3, seed: 1 });
    for (const name of reply.trialNames!) expect(name).toMatch(new RegExp(`^x{50}-[a-z0-9]{12}$`));
  });
});
