import { describe, expect, test } from 'vitest';
import { ALGORITHM_LABEL, createAuto, RULE_LABEL } from '../../../algorithms/auto/index.js';
import { createTpe } from '../../../algorithms/tpe/index.js';
import type { Algorithm, SuggestionReply, SuggestionRequest } from '../../../algorithms/types.js';
import { createStudy, registerAlgorithm, search, tune } from '../../../src/index.js';

/** auto with a GP phase of 12 trials (250 by default), recording every request and reply. */
const calls: Array<{ request: SuggestionRequest; reply: SuggestionReply }> = [];
registerAlgorithm('auto-short-gp', (): Algorithm => {
  const auto = createAuto({ gpTrials: 12 });
  return {
    name: auto.name,
    validateSettings: auto.validateSettings,
    async getSuggestions(request) {
      const copy = structuredClone(request);
      const reply = await auto.getSuggestions(request);
      calls.push({ request: copy, reply });
      return reply;
    },
  };
});

const parameters = { x: search.double({ min: -3, max: 3 }), y: search.double({ min: -3, max: 3 }) };
const branin = (x: number, y: number): number => (y - 0.5 * x * x + x - 1) ** 2 + 0.3 * (x - 1) ** 2;

describe('auto switches from the GP to TPE mid-run', () => {
  test('createStudy(): the first 12 trials by the GP, the rest by TPE over the GP\'s history, exactly as TPE would', async () => {
    calls.length = 0;
    const study = createStudy({ parameters, objectiveType: 'minimize', algorithm: 'auto-short-gp', maxTrialCount: 24, parallelTrialCount: 1, seed: 21 });
    const used: string[] = [];
    while (!study.done) {
      const trial = await study.ask();
      used.push(trial.labels?.[ALGORITHM_LABEL] ?? '?');
      study.tell(trial, branin(trial.parameters.x as number, trial.parameters.y as number));
    }
    expect(used).toEqual([...Array(12).fill('bayesianoptimization'), ...Array(12).fill('multivariate-tpe')]);
    const result = study.result();
    expect(result.status).toBe('Succeeded');
    expect(result.trials.map((t) => t.labels?.[RULE_LABEL])).toEqual([...Array(12).fill('gaussian-process'), ...Array(12).fill('long-history')]);

    // Each TPE suggestion is the one TPE alone makes from the same request, GP's trials included.
    const tpeCalls = calls.filter((c) => c.reply.labels?.[0]?.[ALGORITHM_LABEL] === 'multivariate-tpe');
    expect(tpeCalls).toHaveLength(12);
    for (const { request, reply } of tpeCalls) {
      const experiment = { ...request.experiment, spec: { ...request.experiment.spec, algorithm: { algorithmName: 'multivariate-tpe' } } };
      const alone = await createTpe(true).getSuggestions({ ...request, experiment });
      expect(reply.assignments).toEqual(alone.assignments);
      // TPE's model read the 12 trials it did not make: it is past its 10 random startup trials.
      expect(request.trials.filter((t) => t.condition === 'Succeeded').length).toBeGreaterThanOrEqual(12);
    }
    // The best value is the least of the recorded ones.
    expect(result.bestTrial?.value).toBe(Math.min(...result.trials.map((t) => t.value as number)));
  });

  test('tune(): the same switch, and a rerun with the same seed gives the same trials', async () => {
    const run = () =>
      tune({
        parameters,
        objective: ({ x, y }) => branin(x as number, y as number),
        objectiveType: 'minimize',
        algorithm: 'auto-short-gp',
        maxTrialCount: 16,
        parallelTrialCount: 1,
        seed: 4,
      });
    const first = await run();
    expect(first.status).toBe('Succeeded');
    expect(first.trials.map((t) => t.labels?.[ALGORITHM_LABEL])).toEqual([...Array(12).fill('bayesianoptimization'), ...Array(4).fill('multivariate-tpe')]);
    const second = await run();
    expect(second.trials.map((t) => t.parameters)).toEqual(first.trials.map((t) => t.parameters));
  });

  test('with maxTrialCount 1000 the study is CMA-ES from the first trial, its generations advancing through auto', async () => {
    const study = createStudy({ parameters, objectiveType: 'minimize', algorithm: 'auto', maxTrialCount: 1000, parallelTrialCount: 1, seed: 3 });
    const generations = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const trial = await study.ask();
      expect(trial.labels?.[ALGORITHM_LABEL]).toBe('cmaes');
      generations.add(trial.labels?.['cmaes.scriba.dev/generation'] ?? '?');
      study.tell(trial, branin(trial.parameters.x as number, trial.parameters.y as number));
    }
    // popsize 4 + floor(3 ln 2) = 6: 30 trials are five generations.
    expect([...generations]).toEqual(['0-0', '0-1', '0-2', '0-3', '0-4']);
  });
});
