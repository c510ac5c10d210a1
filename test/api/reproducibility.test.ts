import { describe, expect, test } from 'vitest';
import { BUILT_IN_ALGORITHMS, createStudy, search, tune, type BuiltInAlgorithmName } from '../../src/index.js';

const parameters = {
  x: search.double({ min: -2, max: 2, step: 0.25 }),
  y: search.double({ min: -2, max: 2, step: 0.5 }),
  k: search.int({ min: 1, max: 3 }),
};
// enas and darts search a nasConfig, not parameters (their seeded runs: test/algorithms/nas).
const PARAMETER_ALGORITHMS = BUILT_IN_ALGORITHMS.filter((a) => a !== 'enas' && a !== 'darts');
const f = ({ x, y, k }: { x: number; y: number; k: number }): number => (x - 0.5) ** 2 + (y + 1) ** 2 + k;

/** What a run is compared by: every trial's name, values and objective, in creation order. */
const trialsOf = (result: Awaited<ReturnType<typeof tune<typeof parameters>>>) =>
  result.trials.map((t) => ({ name: t.name, parameters: t.parameters, value: t.value }));

const settings: Partial<Record<BuiltInAlgorithmName, Record<string, string | number>>> = {
  tpe: { n_startup_trials: 3 },
  'multivariate-tpe': { n_startup_trials: 3 },
  bayesianoptimization: { n_initial_points: 3 },
  pbt: { suggestion_trial_dir: '/var/scriba/pbt', n_population: 5, truncation_threshold: 0.2 },
  hyperband: { r_l: 9, eta: 3, resource_name: 'k' },
};

describe('seeded runs are reproducible', () => {
  test.each(PARAMETER_ALGORITHMS)('%s with parallelTrialCount 1: identical trials', async (algorithm) => {
    const run = () =>
      tune({
        objective: f,
        parameters,
        objectiveType: 'minimize',
        algorithm,
        ...(settings[algorithm] ? { algorithmSettings: settings[algorithm] } : {}),
        maxTrialCount: 8,
        parallelTrialCount: 1,
        seed: 11,
      });
    const a = await run();
    const b = await run();
    expect(a.trials).toHaveLength(8);
    expect(trialsOf(b)).toEqual(trialsOf(a));
  });

  test.each(['random', 'sobol', 'grid'] as const)(
    '%s in parallel: trial k gets the same values whatever order trials complete in',
    async (algorithm) => {
      const run = async (delay: (call: number) => number) => {
        let calls = 0;
        const completed: string[] = [];
        const result = await tune({
          objective: async (p) => {
            const call = calls++;
            // Waiting a number of microtask turns reorders completions without any clock.
            for (let i = 0; i < delay(call); i++) await Promise.resolve();
            return f(p);
          },
          parameters,
          objectiveType: 'minimize',
          algorithm,
          maxTrialCount: 12,
          parallelTrialCount: 4,
          seed: 5,
          onTrialComplete: (t) => completed.push(t.name),
        });
        return { result, completed };
      };
      const inOrder = await run(() => 0);
      const reversed = await run((call) => 40 - 3 * (call % 4) * 4);
      expect(reversed.completed).not.toEqual(inOrder.completed);
      expect(trialsOf(reversed.result)).toEqual(trialsOf(inOrder.result));
    },
  );

  test.each(['tpe', 'cmaes'] as const)('%s: a Study asks the trials tune() runs with parallelTrialCount 1', async (algorithm) => {
    const common = { parameters, objectiveType: 'minimize' as const, algorithm, maxTrialCount: 8, seed: 21, ...(settings[algorithm] ? { algorithmSettings: settings[algorithm] } : {}) };
    const tuned = await tune({ ...common, objective: f, parallelTrialCount: 1 });
    const study = createStudy(common);
    while (!study.done) {
      const trial = await study.ask();
      study.tell(trial, f(trial.parameters));
    }
    expect(trialsOf(study.result())).toEqual(trialsOf(tuned));
  });
});
