import { describe, expect, test } from 'vitest';
import { createCmaes, GENERATION_LABEL, SLOT_LABEL } from '../../../algorithms/cmaes/index.js';
import type { ParameterSpec } from '../../../src/experiment/types.js';
import type { TrialRecord } from '../../../src/trial/types.js';
import { doubleParameter, experimentOf, pointsOf, runLoop, trialOf } from './loop.js';

const twoD = [doubleParameter('x'), doubleParameter('y')];
const sphere = (v: Record<string, number | string>) => ((v.x as number) - 0.3) ** 2 + ((v.y as number) - 0.6) ** 2;
/** Kubernetes label values: at most 63 characters, alphanumeric at both ends, '-', '_', '.' inside. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const generationOf = (t: TrialRecord) => t.labels?.[GENERATION_LABEL];

describe('cmaes settings (katib-spec §4.2, §4.4)', () => {
  const validate = (settings: { name: string; value: string }[], parameters: ParameterSpec[] = twoD) =>
    createCmaes().validateSettings(experimentOf(parameters, settings));

  test('accepts Katib’s settings', () => {
    expect(validate([{ name: 'random_state', value: '3' }, { name: 'sigma', value: '0.5' }, { name: 'restart_strategy', value: 'ipop' }])).toEqual([]);
    for (const value of ['none', 'None', 'bipop']) expect(validate([{ name: 'restart_strategy', value }])).toEqual([]);
    expect(validate([{ name: 'sigma', value: '0' }])).toEqual([]);
  });

  test('accepts Optuna’s CmaEsSampler arguments as settings', () => {
    const settings = [
      { name: 'popsize', value: '12' },
      { name: 'inc_popsize', value: '3' },
      { name: 'lr_adapt', value: 'true' },
      { name: 'use_separable_cma', value: 'False' },
    ];
    expect(validate(settings)).toEqual([]);
  });

  test.each([
    [{ name: 'sigma', value: '-1' }, 'failed to validate sigma(-1): expected a number >= 0'],
    [{ name: 'sigma', value: 'wide' }, 'failed to validate sigma(wide)'],
    [{ name: 'restart_strategy', value: 'lpop' }, 'failed to validate restart_strategy(lpop): expected one of none, None, ipop, bipop'],
    [{ name: 'random_state', value: '1.5' }, 'failed to validate random_state(1.5)'],
    [{ name: 'popsize', value: '1' }, 'failed to validate popsize(1): expected an integer >= 2'],
    [{ name: 'popsize', value: '6.5' }, 'failed to validate popsize(6.5): expected an integer >= 2'],
    [{ name: 'inc_popsize', value: '0' }, 'failed to validate inc_popsize(0): expected an integer >= 1'],
    [{ name: 'lr_adapt', value: 'yes' }, 'failed to validate lr_adapt(yes): expected one of true, false, True, False'],
    [{ name: 'use_separable_cma', value: '1' }, 'failed to validate use_separable_cma(1): expected one of true, false, True, False'],
    [{ name: 'with_margin', value: 'true' }, 'unknown setting with_margin for algorithm cmaes'],
  ])('rejects %o with Katib’s message at the setting', (setting, message) => {
    const issues = validate([setting]);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toContain(message);
    expect(issues[0]!.path).toMatch(/^spec\.algorithm\.algorithmSettings\[0\]\.(name|value)$/);
  });

  test('a space with fewer than two int/double parameters is rejected as goptuna does', () => {
    const oneNumeric: ParameterSpec[] = [
      doubleParameter('x'),
      { name: 'batch', parameterType: 'discrete', feasibleSpace: { list: ['16', '32'] } },
      { name: 'opt', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam'] } },
    ];
    expect(validate([], oneNumeric)).toEqual([{ path: 'spec.parameters', message: 'CMA-ES only supports two or more dimensional continuous search space.' }]);
    const fixedInts: ParameterSpec[] = [
      { name: 'a', parameterType: 'int', feasibleSpace: { min: '3', max: '3' } },
      { name: 'b', parameterType: 'int', feasibleSpace: { min: '1', max: '1' } },
    ];
    expect(validate([], fixedInts)).toEqual([]);
  });
});

describe('cmaes suggestions carry their generation', () => {
  test('labels name run-generation and slot, as valid Kubernetes label values', async () => {
    const experiment = experimentOf(twoD);
    const first = await createCmaes().getSuggestions({ experiment, trials: [], count: 4, seed: 1 });
    expect(first.labels).toEqual([0, 1, 2, 3].map((slot) => ({ [GENERATION_LABEL]: '0-0', [SLOT_LABEL]: String(slot) })));
    const trials = await runLoop(createCmaes(), experiment, sphere, 40);
    for (const t of trials) {
      for (const value of Object.values(t.labels ?? {})) expect(value).toMatch(LABEL_VALUE);
    }
    // λ = 6 in 2-D: six trials per generation, in order.
    expect(trials.map(generationOf)).toEqual(Array.from({ length: 40 }, (_, i) => `0-${Math.floor(i / 6)}`));
  });

  test('a failed trial leaves its slot unused: the generation draws a seventh candidate', async () => {
    const experiment = experimentOf(twoD);
    const trials = await runLoop(createCmaes(), experiment, sphere, 14, { fails: (i) => i === 2 });
    expect(trials.map(generationOf)).toEqual(['0-0', '0-0', '0-0', '0-0', '0-0', '0-0', '0-0', '0-1', '0-1', '0-1', '0-1', '0-1', '0-1', '0-2']);
    expect(trials.map((t) => t.labels?.[SLOT_LABEL])).toEqual(['0', '1', '2', '3', '4', '5', '6', '0', '1', '2', '3', '4', '5', '0']);
  });

  test('running trials hold their slots; a batch larger than λ stays in the current generation', async () => {
    const experiment = experimentOf(twoD);
    const reply = await createCmaes().getSuggestions({ experiment, trials: [], count: 8, seed: 1 });
    expect(reply.labels!.map((l) => l[SLOT_LABEL])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    const running = reply.assignments.slice(0, 3).map((a, i) => trialOf(i, a, 'Running', undefined, reply.labels![i]));
    const next = await createCmaes().getSuggestions({ experiment, trials: running, count: 2, seed: 1 });
    expect(next.labels!.map((l) => l[SLOT_LABEL])).toEqual(['3', '4']);
    // The same slots give the same candidates.
    expect(next.assignments).toEqual(reply.assignments.slice(3, 5));
  });
});

describe('cmaes is stateless: the state is rebuilt from the trials', () => {
  test('a fresh instance (a restarted service) gives the same suggestions at every point of a run', async () => {
    for (const options of [{ batch: 1 }, { batch: 4, fails: (i: number) => i % 5 === 3 }]) {
      const running = createCmaes();
      const experiment = experimentOf(twoD, [], 'maximize');
      let checks = 0;
      let requests = 0;
      await runLoop(running, experiment, (v) => -sphere(v), 90, {
        ...options,
        onRequest: async (trials) => {
          if (requests++ % 3 !== 1) return;
          const request = { experiment, trials: [...trials], count: 3, seed: 1 };
          expect(await createCmaes().getSuggestions(request)).toEqual(await running.getSuggestions(request));
          checks++;
        },
      });
      expect(checks).toBeGreaterThan(5);
    }
  });

  test('a memoised instance follows a rewritten history exactly as a fresh one', async () => {
    const experiment = experimentOf(twoD);
    const trials = await runLoop(createCmaes(), experiment, sphere, 30);
    const cached = createCmaes();
    const request = (t: TrialRecord[]) => ({ experiment, trials: t, count: 2, seed: 1 });
    const before = await cached.getSuggestions(request(trials));
    // Trial 4 (generation 0) reports another value: every later generation changes.
    const rewritten = trials.map((t, i) => (i === 4 ? trialOf(i, t.parameterAssignments, 'Succeeded', 0.0001, t.labels) : t));
    const after = await cached.getSuggestions(request(rewritten));
    expect(after).toEqual(await createCmaes().getSuggestions(request(rewritten)));
    expect(after.assignments).not.toEqual(before.assignments);
    expect(await cached.getSuggestions(request(trials))).toEqual(before);
  });

  test('what a generation is told: its first λ completed trials in creation order, nothing else', async () => {
    const experiment = experimentOf(twoD);
    const trials = await runLoop(createCmaes(), experiment, sphere, 14, { batch: 7 });
    // Trial 6 is generation 0's seventh: not told. Changing its value changes nothing.
    expect(trials[6]!.labels?.[GENERATION_LABEL]).toBe('0-0');
    const changed = trials.map((t, i) => (i === 6 ? trialOf(i, t.parameterAssignments, 'Succeeded', -1000, t.labels) : t));
    const request = (t: TrialRecord[]) => createCmaes().getSuggestions({ experiment, trials: t, count: 3, seed: 1 });
    expect(await request(changed)).toEqual(await request(trials));
    // Trials without labels (added by hand) are never told, wherever they stand.
    const manual = trialOf(99, [{ name: 'x', value: '0.3' }, { name: 'y', value: '0.6' }], 'Succeeded', -1e6);
    expect(await request([manual, ...trials, manual])).toEqual(await request(trials));
    // A told trial's value does matter (the comparisons above are sensitive).
    const told = trials.map((t, i) => (i === 1 ? trialOf(i, t.parameterAssignments, 'Succeeded', -1000, t.labels) : t));
    expect((await request(told)).assignments).not.toEqual((await request(trials)).assignments);
  });

  test('a trial whose assignment was edited is told at its decoded point', async () => {
    const experiment = experimentOf(twoD);
    const trials = await runLoop(createCmaes(), experiment, sphere, 6);
    const edited = trials.map((t, i) => (i === 0 ? trialOf(i, [{ name: 'x', value: '0.3' }, { name: 'y', value: '0.6' }], 'Succeeded', 0, t.labels) : t));
    const a = await createCmaes().getSuggestions({ experiment, trials: edited, count: 2, seed: 1 });
    const b = await createCmaes().getSuggestions({ experiment, trials, count: 2, seed: 1 });
    expect(a.assignments).not.toEqual(b.assignments);
    expect(a.labels).toEqual(b.labels);
  });

  test('random_state replaces the experiment seed; maximize is minimize of the negation', async () => {
    const seeded = experimentOf(twoD, [{ name: 'random_state', value: '5' }]);
    const a = await createCmaes().getSuggestions({ experiment: seeded, trials: [], count: 3, seed: 1 });
    const b = await createCmaes().getSuggestions({ experiment: seeded, trials: [], count: 3, seed: 2 });
    expect(a).toEqual(b);
    const c = await createCmaes().getSuggestions({ experiment: experimentOf(twoD), trials: [], count: 3, seed: 2 });
    expect(c.assignments).not.toEqual(a.assignments);
    const min = await runLoop(createCmaes(), experimentOf(twoD), sphere, 40);
    const max = await runLoop(createCmaes(), experimentOf(twoD, [], 'maximize'), (v) => -sphere(v), 40);
    expect(max.map((t) => t.parameterAssignments)).toEqual(min.map((t) => t.parameterAssignments));
  });
});

describe('cmaes search', () => {
  test('converges on a 3-D sphere in the unit cube: regret below 1e-7 within 400 trials for 5 seeds', async () => {
    const parameters = [doubleParameter('x', '-2', '3'), doubleParameter('y', '-2', '3'), doubleParameter('z', '-2', '3')];
    const f = (v: Record<string, number | string>) => ((v.x as number) - 1.2) ** 2 + ((v.y as number) + 0.7) ** 2 + ((v.z as number) - 0.1) ** 2;
    for (let seed = 0; seed < 5; seed++) {
      const trials = await runLoop(createCmaes(), experimentOf(parameters), f, 400, { seed });
      const best = Math.min(...trials.map((t) => Number(t.observation!.metrics[0]!.latest)));
      expect(best, `seed ${seed}`).toBeLessThan(1e-7);
    }
  });

  test('integers by the margin method: finds k = 7 and x = 0.37 and keeps k integral', async () => {
    const parameters: ParameterSpec[] = [doubleParameter('x'), { name: 'k', parameterType: 'int', feasibleSpace: { min: '0', max: '20' } }];
    const f = (v: Record<string, number | string>) => ((v.x as number) - 0.37) ** 2 + (((v.k as number) - 7) / 20) ** 2;
    for (let seed = 0; seed < 3; seed++) {
      const trials = await runLoop(createCmaes(), experimentOf(parameters), f, 200, { seed });
      for (const t of trials) expect(Number.isInteger(Number(t.parameterAssignments[1]!.value))).toBe(true);
      const best = trials.reduce((a, b) => (Number(a.observation!.metrics[0]!.latest) <= Number(b.observation!.metrics[0]!.latest) ? a : b));
      expect(Number(best.parameterAssignments[1]!.value), `seed ${seed}`).toBe(7);
      expect(Math.abs(Number(best.parameterAssignments[0]!.value) - 0.37), `seed ${seed}`).toBeLessThan(1e-3);
      // The margin keeps neighbouring values in play after the distribution has collapsed on k = 7.
      const late = trials.slice(150).map((t) => Number(t.parameterAssignments[1]!.value));
      expect(late.some((k) => k !== 7), `seed ${seed}: ${late.join(',')}`).toBe(true);
    }
  });

  test('categorical parameters are drawn uniformly and leave the numeric suggestions unchanged', async () => {
    const withCategory = [...twoD, { name: 'opt', parameterType: 'categorical' as const, feasibleSpace: { list: ['sgd', 'adam', 'rmsprop'] } }];
    const trials = await runLoop(createCmaes(), experimentOf(withCategory), sphere, 300);
    const counts = ['sgd', 'adam', 'rmsprop'].map((c) => trials.filter((t) => t.parameterAssignments[2]!.value === c).length);
    // Uniform over 3: each count is Binomial(300, 1/3), SD 8.2; ±4 SD.
    for (const c of counts) expect(Math.abs(c - 100), counts.join(',')).toBeLessThan(33);
    const plain = await runLoop(createCmaes(), experimentOf(twoD), sphere, 300);
    expect(pointsOf(trials.map((t) => t.parameterAssignments.slice(0, 2)))).toEqual(pointsOf(plain.map((t) => t.parameterAssignments)));
  });

  test('sigma: the narrowest range / 6 is the default; a wider sigma spreads the first generation', async () => {
    const parameters = [doubleParameter('x', '0', '12'), doubleParameter('y', '-5', '25')];
    const ask = async (sigma?: string) =>
      pointsOf((await createCmaes().getSuggestions({ experiment: experimentOf(parameters, sigma ? [{ name: 'sigma', value: sigma }] : []), trials: [], count: 200, seed: 3 })).assignments);
    const spread = (points: number[][]) => Math.sqrt(points.reduce((s, p) => s + ((p[0] as number) - 6) ** 2, 0) / points.length);
    expect(await ask('2')).toEqual(await ask());
    expect(await ask('0')).toEqual(await ask());
    // σ0 = 2 in units of x (range 12): standard deviation 2 around the centre 6, ±15 %.
    expect(Math.abs(spread(await ask()) - 2)).toBeLessThan(0.3);
    // σ0 = 3 is cut at ±2σ by the bounds (truncated SD 0.88 σ = 2.6).
    expect(spread(await ask('3'))).toBeGreaterThan(1.2 * spread(await ask()));
  });

  test('every int/double with a single value: random draws of the rest, still exactly count', async () => {
    const parameters: ParameterSpec[] = [
      { name: 'a', parameterType: 'int', feasibleSpace: { min: '3', max: '3' } },
      { name: 'b', parameterType: 'int', feasibleSpace: { min: '1', max: '1' } },
      { name: 'opt', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam'] } },
    ];
    const reply = await createCmaes().getSuggestions({ experiment: experimentOf(parameters), trials: [], count: 5, seed: 1 });
    expect(reply.assignments).toHaveLength(5);
    for (const a of reply.assignments) expect(a.slice(0, 2)).toEqual([{ name: 'a', value: '3' }, { name: 'b', value: '1' }]);
  });

  test('every int/double with a single value: suggestions are still labelled, slot after slot, and replay agrees', async () => {
    const parameters: ParameterSpec[] = [
      { name: 'p0', parameterType: 'int', feasibleSpace: { min: '0', max: '0' } },
      { name: 'p1', parameterType: 'int', feasibleSpace: { min: '0', max: '0' } },
    ];
    const experiment = experimentOf(parameters);
    const trials: TrialRecord[] = [];
    for (const condition of ['Succeeded', 'Failed', 'Running'] as const) {
      const request = { experiment, trials: [...trials], count: 2, seed: 0 };
      const reply = await createCmaes().getSuggestions(request);
      expect(await createCmaes().getSuggestions(request)).toEqual(reply);
      expect(reply.labels).toHaveLength(2);
      reply.assignments.forEach((assignments, i) => {
        expect(assignments).toEqual([{ name: 'p0', value: '0' }, { name: 'p1', value: '0' }]);
        trials.push(trialOf(trials.length, assignments, condition, condition === 'Succeeded' ? 1 : undefined, reply.labels![i]));
      });
    }
    expect(trials.map((t) => t.labels)).toEqual([0, 1, 2, 3, 4, 5].map((slot) => ({ [GENERATION_LABEL]: '0-0', [SLOT_LABEL]: String(slot) })));
  });
});

describe('cmaes restarts', () => {
  const flat = () => 1;

  test('none (the default): a stalled run goes on', async () => {
    const trials = await runLoop(createCmaes(), experimentOf(twoD), flat, 200, { batch: 6 });
    expect(trials.every((t) => generationOf(t)!.startsWith('0-'))).toBe(true);
  });

  test('ipop: TolFun ends the run after 20 flat generations and the population doubles (Auger & Hansen 2005)', async () => {
    const trials = await runLoop(createCmaes(), experimentOf(twoD, [{ name: 'restart_strategy', value: 'ipop' }]), flat, 400, { batch: 6 });
    const perGeneration = new Map<string, number>();
    for (const t of trials) perGeneration.set(generationOf(t)!, (perGeneration.get(generationOf(t)!) ?? 0) + 1);
    // n = 2: λ = 6 and 10 + ⌈30·2/6⌉ = 20 generations of equal values.
    expect([...perGeneration.keys()].filter((k) => k.startsWith('0-'))).toHaveLength(20);
    expect(perGeneration.get('0-19')).toBe(6);
    expect(perGeneration.get('1-0')).toBe(12);
    expect(perGeneration.get('1-1')).toBe(12);
    // Restarts start from a random point, not the centre.
    const firstOfRun1 = trials.find((t) => generationOf(t) === '1-0')!;
    expect(firstOfRun1.parameterAssignments).not.toEqual(trials[0]!.parameterAssignments);
  });

  test('bipop: a large run (λ = 12) follows the first, then small runs (Hansen 2009)', async () => {
    const trials = await runLoop(createCmaes(), experimentOf(twoD, [{ name: 'restart_strategy', value: 'bipop' }]), flat, 700);
    const sizes = new Map<string, number>();
    for (const t of trials) sizes.set(generationOf(t)!, (sizes.get(generationOf(t)!) ?? 0) + 1);
    expect(sizes.get('1-0')).toBe(12);
    expect([...sizes.keys()].some((k) => k.startsWith('2-'))).toBe(true);
    // Run 2 is small: λ_s = ⌊6 · (12 / 6)^(U²)⌋ ∈ [6, 12).
    const run2 = [...sizes.entries()].filter(([k]) => k.startsWith('2-'));
    expect(run2[0]![1]).toBeGreaterThanOrEqual(6);
    expect(run2[0]![1]).toBeLessThan(12);
  });
});

describe('cmaes variants (Optuna’s CmaEsSampler arguments)', () => {
  const parameters = [doubleParameter('x', '-2', '3'), doubleParameter('y', '-2', '3'), doubleParameter('z', '-2', '3')];
  const f = (v: Record<string, number | string>) => ((v.x as number) - 1.2) ** 2 + 10 * ((v.y as number) + 0.7) ** 2 + ((v.z as number) - 0.1) ** 2;
  const best = (trials: TrialRecord[]) => Math.min(...trials.map((t) => Number(t.observation!.metrics[0]!.latest)));

  test('popsize sets λ: generations of 11 trials', async () => {
    const trials = await runLoop(createCmaes(), experimentOf(twoD, [{ name: 'popsize', value: '11' }]), sphere, 33);
    expect(trials.map(generationOf)).toEqual(Array.from({ length: 33 }, (_, i) => `0-${Math.floor(i / 11)}`));
  });

  // Regret bounds at 600 trials with a factor of 10 or more to spare over seeds 0–4 (the
  // plain run reaches 1e-11 to 1e-13 there, separable 1e-14, with learning-rate adaptation
  // 1e-5 to 1e-7: lower rates trade speed on a unimodal function for robustness).
  test.each([
    [[{ name: 'lr_adapt', value: 'true' }], 1e-4],
    [[{ name: 'use_separable_cma', value: 'true' }], 1e-12],
    [[{ name: 'lr_adapt', value: 'true' }, { name: 'use_separable_cma', value: 'true' }], 1e-4],
  ])('%o: converges on a 3-D ellipsoid to regret %d within 600 trials, for 3 seeds, and searches differently from the default', async (settings, bound) => {
    const plain = await runLoop(createCmaes(), experimentOf(parameters), f, 60);
    for (let seed = 0; seed < 3; seed++) {
      const trials = await runLoop(createCmaes(), experimentOf(parameters, settings), f, 600, { seed });
      expect(best(trials), `seed ${seed}`).toBeLessThan(bound);
      if (seed === 1) expect(pointsOf(trials.slice(0, 60).map((t) => t.parameterAssignments))).not.toEqual(pointsOf(plain.map((t) => t.parameterAssignments)));
    }
  });

  test('the first generation does not depend on lr_adapt or use_separable_cma (both start from N(centre, σ0² I))', async () => {
    const first = async (settings: { name: string; value: string }[]) =>
      (await createCmaes().getSuggestions({ experiment: experimentOf(parameters, settings), trials: [], count: 7, seed: 2 })).assignments;
    const plain = await first([]);
    expect(await first([{ name: 'lr_adapt', value: 'true' }])).toEqual(plain);
    expect(await first([{ name: 'use_separable_cma', value: 'true' }])).toEqual(plain);
  });
});

describe('cmaes over ladders too long to list', () => {
  test('an int range of ±9e15 and a double step of 1e-300 are snapped continuous coordinates, never listed', async () => {
    const parameters: ParameterSpec[] = [
      { name: 'k', parameterType: 'int', feasibleSpace: { min: '-9e15', max: '9e15' } },
      { name: 'x', parameterType: 'double', feasibleSpace: { min: '0', max: '1', step: '1e-300' } },
    ];
    const experiment = experimentOf(parameters, []);
    expect(createCmaes().validateSettings(experiment)).toEqual([]);
    const reply = await createCmaes().getSuggestions({ experiment, trials: [], count: 3, seed: 1 });
    expect(reply.assignments).toHaveLength(3);
    for (const [k, x] of reply.assignments) {
      const kv = Number(k?.value);
      const xv = Number(x?.value);
      expect(Number.isInteger(kv) && kv >= -9e15 && kv <= 9e15, `k = ${k?.value}`).toBe(true);
      expect(xv >= 0 && xv <= 1, `x = ${x?.value}`).toBe(true);
    }
  });
});
