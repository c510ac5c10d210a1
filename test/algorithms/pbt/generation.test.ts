import { describe, expect, test } from 'vitest';
import { createPbt } from '../../../algorithms/pbt/index.js';
import { PBT_GENERATION_LABEL, PBT_PARENT_LABEL } from '../../../algorithms/pbt/labels.js';
import type { SuggestionReply } from '../../../algorithms/types.js';
import type { TrialRecord } from '../../../src/trial/types.js';
import { pbtExperiment, trial, valuesOf } from './support.js';

/**
 * A hand-made generation 0 of ten members t0..t9 with accuracy (i + 1) / 10, so t9 is the
 * best. Truncation 0.2 of 10: the two lowest (t1, t0) exploit the two highest (t9, t8);
 * child j continues the member of rank j, so children 0..7 explore from t9..t2.
 */
const LR = ['0.05', '0.1', '0.2', '0.37', '0.5', '0.02', '0.7', '0.9', '1', '0.3'];
const UNITS = ['8', '64', '128', '256', '32', '40', '200', '96', '48', '24'];
const BATCH = ['16', '32', '64', '128', '16', '32', '64', '128', '16', '32'];
const OPTIMIZER = ['sgd', 'adam', 'rmsprop', 'adagrad', 'sgd', 'adam', 'rmsprop', 'adagrad', 'sgd', 'adam'];

/**
 * The two values explore may give each member's lr and units: ×0.8 and ×1.2 snapped to
 * the step grid (0.01 from 0.01; 8 from 8), clamped to the range, and moved one step when
 * snapping gives the value back. By hand: 0.37·0.8 = 0.296 → 0.30, 0.37·1.2 = 0.444 → 0.44;
 * 0.9·1.2 = 1.08 → 1 (max); 0.02·0.8 = 0.016 → 0.02, one step down → 0.01, 0.02·1.2 = 0.024
 * → 0.02, one step up → 0.03; 256·0.8 = 204.8 → 208; 8·0.8 = 6.4 → 8 (min, stays), 8·1.2 =
 * 9.6 → 8, one step up → 16; 24·1.2 = 28.8 → 32.
 */
const LR_MOVES: string[][] = [
  ['0.04', '0.06'], ['0.08', '0.12'], ['0.16', '0.24'], ['0.3', '0.44'], ['0.4', '0.6'],
  ['0.01', '0.03'], ['0.56', '0.84'], ['0.72', '1'], ['0.8', '1'], ['0.24', '0.36'],
];
const UNITS_MOVES: string[][] = [
  ['8', '16'], ['48', '80'], ['104', '152'], ['208', '256'], ['24', '40'],
  ['32', '48'], ['160', '240'], ['80', '112'], ['40', '56'], ['16', '32'],
];
/** Discrete: the numeric neighbours, no wrapping. Categorical: index ±1, wrapping. */
const BATCH_MOVES: Record<string, string[]> = { '16': ['32'], '32': ['16', '64'], '64': ['32', '128'], '128': ['64'] };
const OPTIMIZER_MOVES: Record<string, string[]> = { sgd: ['adam', 'adagrad'], adam: ['sgd', 'rmsprop'], rmsprop: ['adam', 'adagrad'], adagrad: ['rmsprop', 'sgd'] };

const values = (i: number) => ({ lr: LR[i]!, units: UNITS[i]!, batch: BATCH[i]!, optimizer: OPTIMIZER[i]! });

function generation0(o: { failed?: number[]; running?: number[] } = {}): TrialRecord[] {
  return Array.from({ length: 10 }, (_, i) => {
    if (o.running?.includes(i)) return trial({ name: `t${i}`, values: values(i) });
    if (o.failed?.includes(i)) return trial({ name: `t${i}`, values: values(i), condition: 'Failed', ended: i });
    return trial({ name: `t${i}`, values: values(i), value: (i + 1) / 10, ended: i });
  });
}

const index = (name: string | undefined) => Number(name?.slice(1));
const parents = (r: SuggestionReply) => r.labels!.map((l) => l[PBT_PARENT_LABEL]);

describe('pbt breeds generation 1 from a hand-made generation 0', () => {
  test('who exploits whom, and which parent each child names', async () => {
    const reply = await createPbt().getSuggestions({ experiment: pbtExperiment(), trials: generation0(), count: 10, seed: 3 });
    expect(reply.assignments).toHaveLength(10);
    expect(reply.labels!.map((l) => l[PBT_GENERATION_LABEL])).toEqual(Array(10).fill('1'));
    const named = parents(reply);
    // Explorers continue from themselves: ranks 0..7 are t9..t2.
    expect(named.slice(0, 8)).toEqual(['t9', 't8', 't7', 't6', 't5', 't4', 't3', 't2']);
    // Exploiters (t1, t0) name the stronger trial they copy, and hold its values exactly.
    for (const j of [8, 9]) {
      expect(['t9', 't8']).toContain(named[j]);
      expect(valuesOf(reply.assignments[j]!), `child ${j}`).toEqual(values(index(named[j])));
    }
  });

  test('explorers perturb every parameter: ×0.8 or ×1.2 on the step grid, neighbouring list values', async () => {
    const ups = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5]) {
      const reply = await createPbt().getSuggestions({ experiment: pbtExperiment(), trials: generation0(), count: 8, seed });
      reply.assignments.forEach((a, j) => {
        const from = index(parents(reply)[j]);
        const got = valuesOf(a);
        const where = `seed ${seed}, child ${j} of t${from}: ${JSON.stringify(got)}`;
        expect(LR_MOVES[from], where).toContain(got.lr);
        expect(UNITS_MOVES[from], where).toContain(got.units);
        expect(BATCH_MOVES[BATCH[from]!], where).toContain(got.batch);
        expect(OPTIMIZER_MOVES[OPTIMIZER[from]!], where).toContain(got.optimizer);
        ups.add(`${from}:${got.lr === LR_MOVES[from]![1]}`);
      });
    }
    // Both factors occur.
    expect([...ups].some((u) => u.endsWith('true'))).toBe(true);
    expect([...ups].some((u) => u.endsWith('false'))).toBe(true);
  });

  test('resample_probability 1 draws fresh values; 0 never does; exploiters copy either way', async () => {
    const outside = async (p: string) => {
      let n = 0;
      for (const seed of [1, 2, 3]) {
        const experiment = pbtExperiment({ settings: [{ name: 'resample_probability', value: p }] });
        const reply = await createPbt().getSuggestions({ experiment, trials: generation0(), count: 10, seed });
        reply.assignments.forEach((a, j) => {
          const from = index(parents(reply)[j]);
          if (j >= 8) expect(valuesOf(a)).toEqual(values(from));
          else if (!LR_MOVES[from]!.includes(valuesOf(a).lr!)) n++;
        });
      }
      return n;
    };
    expect(await outside('0')).toBe(0);
    // 100 lr values: a fresh draw lands on one of the two perturbations 2 % of the time.
    expect(await outside('1')).toBeGreaterThan(18);
  });

  test('minimize ranks the other way round', async () => {
    const reply = await createPbt().getSuggestions({ experiment: pbtExperiment({ type: 'minimize' }), trials: generation0(), count: 10, seed: 3 });
    const named = parents(reply);
    expect(named.slice(0, 8)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7']);
    for (const j of [8, 9]) expect(['t0', 't1']).toContain(named[j]);
  });

  test('truncation 0: nobody exploits; truncation 0.5: the bottom five copy the top five', async () => {
    const none = await createPbt().getSuggestions({ experiment: pbtExperiment({ settings: [{ name: 'truncation_threshold', value: '0' }] }), trials: generation0(), count: 10, seed: 3 });
    expect(parents(none)).toEqual(['t9', 't8', 't7', 't6', 't5', 't4', 't3', 't2', 't1', 't0']);
    const half = await createPbt().getSuggestions({ experiment: pbtExperiment({ settings: [{ name: 'truncation_threshold', value: '0.5' }] }), trials: generation0(), count: 10, seed: 3 });
    for (const [j, p] of parents(half).entries()) {
      if (j < 5) expect(p).toBe(`t${9 - j}`);
      else {
        expect(['t9', 't8', 't7', 't6', 't5']).toContain(p);
        expect(valuesOf(half.assignments[j]!)).toEqual(values(index(p)));
      }
    }
  });
});

describe('pbt while a generation is incomplete', () => {
  test('a Failed member is re-run first, unchanged, as a new trial of its generation', async () => {
    const trials = generation0({ failed: [3] });
    const reply = await createPbt().getSuggestions({ experiment: pbtExperiment(), trials, count: 2, seed: 3 });
    expect(valuesOf(reply.assignments[0]!)).toEqual(values(3));
    expect(reply.labels![0]).toEqual({ [PBT_GENERATION_LABEL]: '0' });
    expect(reply.trialNames![0]).not.toBe('t3');
    // The pool still lacks one result: the next member of generation 0 is random.
    expect(reply.labels![1]).toEqual({ [PBT_GENERATION_LABEL]: '0' });
  });

  test('a Failed child keeps its parent on the re-run; once re-run it is not re-run again', async () => {
    const gen1 = await createPbt().getSuggestions({ experiment: pbtExperiment(), trials: generation0(), count: 10, seed: 3 });
    const children = gen1.assignments.map((a, j) =>
      trial({ name: gen1.trialNames![j]!, values: valuesOf(a), generation: 1, parent: parents(gen1)[j], condition: j === 4 ? 'Killed' : 'Running', ended: 20 }),
    );
    const rerun = await createPbt().getSuggestions({ experiment: pbtExperiment(), trials: [...generation0(), ...children], count: 1, seed: 3 });
    expect(rerun.assignments[0]).toEqual(gen1.assignments[4]);
    expect(rerun.labels![0]).toEqual(gen1.labels![4]);
    const after = [...generation0(), ...children, trial({ name: rerun.trialNames![0]!, values: valuesOf(rerun.assignments[0]!), generation: 1, parent: parents(gen1)[4] })];
    const next = await createPbt().getSuggestions({ experiment: pbtExperiment(), trials: after, count: 1, seed: 3 });
    // Eleven members of generation 1 exist, none ended: an extra child bred again from generation 0 (rank 0, t9).
    expect(next.labels![0]).toEqual({ [PBT_GENERATION_LABEL]: '1', [PBT_PARENT_LABEL]: 't9' });
  });

  test('members still running: more of generation 0 are random; generation 2 breeds from generation 1', async () => {
    const partial = await createPbt().getSuggestions({ experiment: pbtExperiment(), trials: generation0({ running: [7, 8, 9] }), count: 2, seed: 3 });
    expect(partial.labels).toEqual([{ [PBT_GENERATION_LABEL]: '0' }, { [PBT_GENERATION_LABEL]: '0' }]);

    const gen1 = await createPbt().getSuggestions({ experiment: pbtExperiment(), trials: generation0(), count: 10, seed: 3 });
    const ended = gen1.assignments.map((a, j) =>
      trial({ name: gen1.trialNames![j]!, values: valuesOf(a), generation: 1, parent: parents(gen1)[j], value: 0.95 - j / 100, ended: 20 + j }),
    );
    const gen2 = await createPbt().getSuggestions({ experiment: pbtExperiment(), trials: [...generation0(), ...ended], count: 10, seed: 3 });
    expect(gen2.labels!.every((l) => l[PBT_GENERATION_LABEL] === '2')).toBe(true);
    expect(parents(gen2).slice(0, 8)).toEqual(gen1.trialNames!.slice(0, 8));
    for (const p of parents(gen2).slice(8)) expect(gen1.trialNames!.slice(0, 2)).toContain(p);
  });
});
