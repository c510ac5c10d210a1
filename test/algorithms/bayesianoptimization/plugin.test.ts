import { describe, expect, test } from 'vitest';
import { createBayesianOptimization } from '../../../algorithms/bayesianoptimization/index.js';
import type { AlgorithmExperiment } from '../../../algorithms/types.js';
import type { AlgorithmSetting, ObjectiveType, ParameterSpec } from '../../../src/experiment/types.js';
import { createRng } from '../../../src/rng.js';
import type { ParameterAssignment, TrialConditionType, TrialRecord } from '../../../src/trial/types.js';

/*
 * The plugin through getSuggestions. Suggestion i of a request draws from a generator
 * seeded by (seed or random_state, name, number of trials + i), so histories compared for
 * "this is ignored" keep the number of trials equal.
 */

const unit = (name: string): ParameterSpec => ({ name, parameterType: 'double', feasibleSpace: { min: '0', max: '1' } });
const twoD = [unit('x'), unit('y')];

function experimentOf(parameters: ParameterSpec[], settings: AlgorithmSetting[] = [], type: ObjectiveType = 'minimize'): AlgorithmExperiment {
  return {
    name: 'gp-test',
    spec: { parameters, objective: { type, objectiveMetricName: 'loss' }, algorithm: { algorithmName: 'bayesianoptimization', algorithmSettings: settings } },
  };
}

function trialAt(index: number, values: Record<string, string | number>, condition: TrialConditionType, loss?: number): TrialRecord {
  return {
    name: `t${index}`,
    parameterAssignments: Object.entries(values).map(([name, value]) => ({ name, value: String(value) })),
    condition,
    conditions: [],
    creationTime: '2026-01-01T00:00:00Z',
    ...(loss !== undefined ? { observation: { metrics: [{ name: 'loss', min: String(loss), max: String(loss), latest: String(loss) }] } } : {}),
  };
}

const branin = ([u, v]: readonly number[]): number => {
  // Branin on the unit square: x₁ = 15u − 5, x₂ = 15v; f* = 0.397887357729738.
  const x1 = 15 * u! - 5;
  const x2 = 15 * v!;
  const b = 5.1 / (4 * Math.PI ** 2);
  return (x2 - b * x1 * x1 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
};

/** n Succeeded trials at fixed random points of the unit square, valued by f. */
function history(n: number, f: (p: readonly number[]) => number, tag = 'history'): TrialRecord[] {
  const rng = createRng('gp-plugin-test', tag);
  return Array.from({ length: n }, (_, i) => {
    const p = [rng.next(), rng.next()];
    return trialAt(i, { x: p[0]!, y: p[1]! }, 'Succeeded', f(p));
  });
}

const pointsOf = (assignments: ParameterAssignment[][]) => assignments.map((a) => a.map((p) => Number(p.value)));

async function suggest(experiment: AlgorithmExperiment, trials: TrialRecord[], count = 1, seed = 1): Promise<ParameterAssignment[][]> {
  const reply = await createBayesianOptimization().getSuggestions({ experiment, trials, count, seed });
  expect(reply.assignments).toHaveLength(count);
  return reply.assignments;
}

describe('bayesianoptimization: settings (Katib skopt, katib-spec §4.3)', () => {
  const validate = (settings: AlgorithmSetting[]) => createBayesianOptimization().validateSettings(experimentOf(twoD, settings));

  test.each(['RF', 'ET', 'GBRT'])('base_estimator %s is refused: not supported, use GP', (value) => {
    const issues = validate([{ name: 'base_estimator', value }]);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('spec.algorithm.algorithmSettings[0].value');
    expect(issues[0]!.message).toMatch(new RegExp(`^failed to validate base_estimator\\(${value}\\): .*not supported.*use GP$`));
  });

  test.each(['EIps', 'PIps'])('acq_func %s is refused with what to use instead', (value) => {
    const issues = validate([{ name: 'acq_func', value }]);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(new RegExp(`^failed to validate acq_func\\(${value}\\): .*use EI, PI, LCB or gp_hedge$`));
  });

  test('values outside Katib’s lists and bad numbers get Katib’s messages', () => {
    const issues = validate([
      { name: 'base_estimator', value: 'gp' },
      { name: 'acq_func', value: 'UCB' },
      { name: 'acq_optimizer', value: 'adam' },
      { name: 'n_initial_points', value: '-1' },
      { name: 'random_state', value: '1.5' },
      { name: 'kappa', value: '2' },
    ]);
    expect(issues.map((i) => i.message)).toEqual([
      'failed to validate base_estimator(gp): expected one of GP, RF, ET, GBRT',
      'failed to validate acq_func(UCB): expected one of gp_hedge, LCB, EI, PI, EIps, PIps',
      'failed to validate acq_optimizer(adam): expected one of auto, sampling, lbfgs',
      'failed to validate n_initial_points(-1): expected an integer >= 0',
      'failed to validate random_state(1.5): expected an integer >= 0',
      'unknown setting kappa for algorithm bayesianoptimization; known settings: base_estimator, n_initial_points, acq_func, acq_optimizer, random_state',
    ]);
    expect(issues.map((i) => i.path)).toEqual([0, 1, 2, 3, 4].map((i) => `spec.algorithm.algorithmSettings[${i}].value`).concat('spec.algorithm.algorithmSettings[5].name'));
  });

  test('every supported value is accepted', () => {
    for (const acq of ['gp_hedge', 'EI', 'PI', 'LCB']) {
      for (const optimizer of ['auto', 'sampling', 'lbfgs']) {
        expect(validate([{ name: 'base_estimator', value: 'GP' }, { name: 'acq_func', value: acq }, { name: 'acq_optimizer', value: optimizer }, { name: 'n_initial_points', value: '0' }, { name: 'random_state', value: '3' }])).toEqual([]);
      }
    }
  });
});

describe('bayesianoptimization: the initial design', () => {
  test('the first 10 trials (n_initial_points default) ignore the values and form a Latin hypercube', async () => {
    const experiment = experimentOf(twoD);
    const trials: TrialRecord[] = [];
    const flipped: TrialRecord[] = [];
    for (let i = 0; i < 10; i++) {
      const [a] = await suggest(experiment, trials);
      const [b] = await suggest(experiment, flipped);
      expect(b).toEqual(a);
      const p = a!.map((v) => Number(v.value));
      trials.push(trialAt(i, { x: p[0]!, y: p[1]! }, 'Succeeded', branin(p)));
      flipped.push(trialAt(i, { x: p[0]!, y: p[1]! }, 'Succeeded', -branin(p)));
    }
    for (const j of [0, 1]) {
      const strata = trials.map((t) => Math.floor(Number(t.parameterAssignments[j]!.value) * 10)).sort((a, b) => a - b);
      expect(strata).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    // The eleventh is the model's, and the values now matter.
    expect(await suggest(experiment, flipped)).not.toEqual(await suggest(experiment, trials));
  });

  test('n_initial_points = 3: the model takes over at the fourth observation; running trials fill initial slots', async () => {
    const experiment = experimentOf(twoD, [{ name: 'n_initial_points', value: '3' }]);
    const three = history(3, branin);
    // Negated values reverse the order, so the model sees different data whatever the points.
    const negated = three.map((t, i) => ({ ...t, observation: trialAt(i, {}, 'Succeeded', -Number(t.observation!.metrics[0]!.latest)).observation! }));
    expect(await suggest(experiment, negated)).not.toEqual(await suggest(experiment, three));
    // Two observed and one running: 2 + 1 = 3 slots used, so the model decides.
    const running = trialAt(2, { x: 0.5, y: 0.5 }, 'Running');
    expect(await suggest(experiment, [...negated.slice(0, 2), running])).not.toEqual(await suggest(experiment, [...three.slice(0, 2), running]));
  });

  test('a log-uniform double is spread evenly in log scale (the shared transform), not in the raw range', async () => {
    const rate: ParameterSpec = { name: 'rate', parameterType: 'double', feasibleSpace: { min: '1e-6', max: '1', distribution: 'logUniform' } };
    const experiment = experimentOf([rate]);
    const trials: TrialRecord[] = [];
    for (let i = 0; i < 10; i++) {
      const [a] = await suggest(experiment, trials);
      trials.push(trialAt(i, { rate: a![0]!.value }, 'Succeeded', 1));
    }
    // One point per decile of ln x over ln 1e-6 .. 0, as the Latin hypercube puts one per decile of the cube.
    const deciles = trials.map((t) => Math.floor((Math.log(Number(t.parameterAssignments[0]!.value)) / Math.log(1e-6)) * 10)).sort((a, b) => a - b);
    expect(deciles).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('bayesianoptimization: what it learns from, and statelessness', () => {
  const experiment = experimentOf(twoD);
  const base = history(15, branin);

  test('Failed, Killed, MetricsUnavailable and non-finite objectives are ignored; EarlyStopped counts', async () => {
    const ignored = (v: number) => [
      trialAt(15, { x: 0.1, y: 0.2 }, 'Failed', v),
      trialAt(16, { x: 0.9, y: 0.1 }, 'Killed', v),
      trialAt(17, { x: 0.4, y: 0.4 }, 'MetricsUnavailable'),
      trialAt(18, { x: 0.3, y: 0.8 }, 'Succeeded', NaN),
    ];
    const a = await suggest(experiment, [...base, ...ignored(0)]);
    expect(await suggest(experiment, [...base, ...ignored(-1e6)])).toEqual(a);
    const early = [trialAt(15, { x: 0.55, y: 0.15 }, 'EarlyStopped', 0.5), ...ignored(0).slice(1)];
    const succeeded = [trialAt(15, { x: 0.55, y: 0.15 }, 'Succeeded', 0.5), ...ignored(0).slice(1)];
    expect(await suggest(experiment, early)).toEqual(await suggest(experiment, succeeded));
    expect(await suggest(experiment, early)).not.toEqual(a);
  });

  test('a fresh instance gives the same answer (nothing kept between requests); random_state overrides the seed', async () => {
    const algorithm = createBayesianOptimization();
    const first = await algorithm.getSuggestions({ experiment, trials: base, count: 2, seed: 4 });
    await algorithm.getSuggestions({ experiment, trials: history(12, (p) => p[0]!), count: 3, seed: 9 });
    const again = await algorithm.getSuggestions({ experiment, trials: base, count: 2, seed: 4 });
    const fresh = await createBayesianOptimization().getSuggestions({ experiment, trials: base, count: 2, seed: 4 });
    expect(again).toEqual(first);
    expect(fresh).toEqual(first);
    const fixed = experimentOf(twoD, [{ name: 'random_state', value: '11' }]);
    expect(await suggest(fixed, base, 1, 1)).toEqual(await suggest(fixed, base, 1, 2));
  });

  test('maximize is minimize of the negated objective', async () => {
    const negated = base.map((t) => ({ ...t, observation: { metrics: t.observation!.metrics.map((m) => ({ ...m, min: String(-Number(m.min)), max: String(-Number(m.max)), latest: String(-Number(m.latest)) })) } }));
    expect(await suggest(experimentOf(twoD, [], 'maximize'), negated, 2)).toEqual(await suggest(experiment, base, 2));
  });
});

describe('bayesianoptimization: batches and running trials (kriging believer)', () => {
  const base = history(15, branin);

  test('a batch of 5 holds 5 distinct points, each apart from the others', async () => {
    for (const acq of ['gp_hedge', 'EI', 'PI', 'LCB']) {
      const points = pointsOf(await suggest(experimentOf(twoD, [{ name: 'acq_func', value: acq }]), base, 5, 3));
      for (let a = 0; a < 5; a++) {
        for (let b = 0; b < a; b++) {
          const distance = Math.hypot(points[a]![0]! - points[b]![0]!, points[a]![1]! - points[b]![1]!);
          expect(distance, `${acq}: points ${a} and ${b} of ${JSON.stringify(points)}`).toBeGreaterThan(1e-3);
        }
      }
    }
  });

  test('running trials push suggestions away: EI’s pick with the pick itself running is elsewhere', async () => {
    const experiment = experimentOf(twoD, [{ name: 'acq_func', value: 'EI' }]);
    for (let seed = 0; seed < 5; seed++) {
      const [alone] = pointsOf(await suggest(experiment, [...base, trialAt(15, { x: 0.5, y: 0.5 }, 'Failed')], 1, seed));
      const running = trialAt(15, { x: alone![0]!, y: alone![1]! }, 'Running');
      const [next] = pointsOf(await suggest(experiment, [...base, running], 1, seed));
      expect(Math.hypot(next![0]! - alone![0]!, next![1]! - alone![1]!), `seed ${seed}`).toBeGreaterThan(1e-3);
    }
  });
});

describe('bayesianoptimization: mixed spaces', () => {
  test('int, stepped double, discrete and categorical parameters: finds the best combination within 30 trials', async () => {
    const parameters: ParameterSpec[] = [
      { name: 'layers', parameterType: 'int', feasibleSpace: { min: '1', max: '8' } },
      { name: 'dropout', parameterType: 'double', feasibleSpace: { min: '0', max: '0.5', step: '0.1' } },
      { name: 'batch', parameterType: 'discrete', feasibleSpace: { list: ['16', '32', '64', '128'] } },
      { name: 'optimizer', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam', 'rmsprop'] } },
      { name: 'lr', parameterType: 'double', feasibleSpace: { min: '1e-4', max: '1', distribution: 'logUniform' } },
    ];
    // Minimum 0 at layers 5, dropout 0.2, batch 64, adam, lr 1e-2 (log-quadratic in lr).
    const loss = (v: Record<string, string>): number =>
      (Number(v.layers) - 5) ** 2 / 10 +
      (Number(v.dropout) - 0.2) ** 2 * 4 +
      Math.log2(Number(v.batch) / 64) ** 2 / 4 +
      (v.optimizer === 'adam' ? 0 : 0.5) +
      (Math.log10(Number(v.lr)) + 2) ** 2 / 4;
    const experiment = experimentOf(parameters, [{ name: 'n_initial_points', value: '8' }]);
    const trials: TrialRecord[] = [];
    let best = Infinity;
    let bestValues: Record<string, string> = {};
    for (let i = 0; i < 30; i++) {
      const [a] = await suggest(experiment, trials, 1, 5);
      const values = Object.fromEntries(a!.map((p) => [p.name, p.value]));
      const value = loss(values);
      if (value < best) [best, bestValues] = [value, values];
      trials.push(trialAt(i, values, 'Succeeded', value));
    }
    // The discrete part exactly, the log-scaled rate within 0.1 decade (loss ≤ 0.0025 from lr alone).
    expect(bestValues, JSON.stringify(bestValues)).toMatchObject({ layers: '5', dropout: '0.2', batch: '64', optimizer: 'adam' });
    expect(best).toBeLessThan(0.0025);
  });

  test('a fully discrete space is not re-suggested point by point while unseen points remain', async () => {
    const parameters: ParameterSpec[] = [
      { name: 'a', parameterType: 'categorical', feasibleSpace: { list: ['p', 'q', 'r'] } },
      { name: 'b', parameterType: 'int', feasibleSpace: { min: '0', max: '2' } },
    ];
    const experiment = experimentOf(parameters, [{ name: 'n_initial_points', value: '2' }]);
    const trials: TrialRecord[] = [];
    for (let i = 0; i < 9; i++) {
      const [a] = await suggest(experiment, trials, 1, 2);
      const values = Object.fromEntries(a!.map((p) => [p.name, p.value]));
      trials.push(trialAt(i, values, 'Succeeded', (values.a === 'q' ? 0 : 1) + Number(values.b)));
    }
    const seen = new Set(trials.map((t) => t.parameterAssignments.map((p) => p.value).join('/')));
    expect(seen.size).toBe(9);
  });
});

describe('bayesianoptimization: convergence', () => {
  async function bestAfter(experiment: AlgorithmExperiment, budget: number, seed: number): Promise<number> {
    const trials: TrialRecord[] = [];
    let best = Infinity;
    for (let i = 0; i < budget; i++) {
      const [p] = pointsOf(await suggest(experiment, trials, 1, seed));
      const value = branin(p!);
      best = Math.min(best, value);
      trials.push(trialAt(i, { x: p![0]!, y: p![1]! }, 'Succeeded', value));
    }
    return best;
  }

  test('Branin on the unit square, 60 trials, seeds 0..2: regret ≤ 1e-3 with gp_hedge, EI and LCB; ≤ 2e-2 with PI', async () => {
    // On the benchmark protocol (held-out seeds 10–19) the median regret at 100 trials is about 2e-6.
    // A uniform point has regret ≤ 1e-3 with probability 2.0e-5 and ≤ 2e-2 with 3.8e-4
    // (Monte Carlo, 4e7 points), so random search meets these bounds in 60 trials with
    // probability 0.1 % and 2.2 %. PI's margin ξ keeps it from refining below about 3e-3.
    for (const [acq, bound] of [['gp_hedge', 1e-3], ['EI', 1e-3], ['LCB', 1e-3], ['PI', 2e-2]] as const) {
      for (let seed = 0; seed < 3; seed++) {
        const regret = (await bestAfter(experimentOf(twoD, [{ name: 'acq_func', value: acq }]), 60, seed)) - 0.397887357729738;
        expect(regret, `${acq}, seed ${seed}`).toBeLessThanOrEqual(bound);
      }
    }
  });

  test('acq_optimizer sampling (screening only) still converges, to a looser 2e-2 in 40 trials', async () => {
    for (let seed = 0; seed < 2; seed++) {
      const regret = (await bestAfter(experimentOf(twoD, [{ name: 'acq_optimizer', value: 'sampling' }]), 40, seed)) - 0.397887357729738;
      expect(regret, `seed ${seed}`).toBeLessThanOrEqual(2e-2);
    }
  });
});
