import type { TrialRecord } from '../../src/trial/types.js';
import { createBayesianOptimization } from '../bayesianoptimization/index.js';
import { createCmaes } from '../cmaes/index.js';
import { checkSettings, requireParameters, type SettingRule } from '../settings.js';
import { createTpe } from '../tpe/index.js';
import type { Algorithm, SuggestionRequest } from '../types.js';
import { chooseAlgorithm, DEFAULT_THRESHOLDS, shapeOf, type Delegate, type Thresholds } from './choice.js';

export { chooseAlgorithm, shapeOf, DEFAULT_THRESHOLDS, type Choice, type Delegate, type Rule, type Thresholds } from './choice.js';

/** Label naming the algorithm that made a suggestion. */
export const ALGORITHM_LABEL = 'auto.scriba.dev/algorithm';
/** Label naming the rule of `chooseAlgorithm` that chose it. */
export const RULE_LABEL = 'auto.scriba.dev/rule';

/** `random_state`, which every delegate takes and reads as its own. */
const SETTINGS: Record<string, SettingRule> = {
  random_state: { type: 'int', min: 0 },
};

const FACTORIES: Record<Delegate, () => Algorithm> = {
  bayesianoptimization: createBayesianOptimization,
  'multivariate-tpe': () => createTpe(true),
  cmaes: createCmaes,
};

/**
 * `auto` (a Scriba extension): on every request, chooses one of the built-in algorithms by
 * the space, the budget and the number of completed trials (`chooseAlgorithm`), and hands
 * it the request with the experiment's algorithm renamed to it. The reply is the delegate's,
 * so its suggestions are exactly those the delegate would make for the same request; each
 * is labelled with the delegate and the rule. One instance of each delegate lives as long
 * as this one, so the delegates' caches last between requests.
 *
 * @example
 *   const reply = await createAuto().getSuggestions({ experiment, trials, count: 1, seed: 0 });
 *   reply.labels?.[0]?.['auto.scriba.dev/algorithm']; // 'bayesianoptimization'
 */
export function createAuto(thresholds: Partial<Thresholds> = {}): Algorithm {
  const name = 'auto';
  const limits: Thresholds = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const delegates = new Map<Delegate, Algorithm>();
  const delegate = (which: Delegate): Algorithm => {
    let algorithm = delegates.get(which);
    if (!algorithm) delegates.set(which, (algorithm = FACTORIES[which]()));
    return algorithm;
  };
  return {
    name,
    validateSettings: (experiment) => [...checkSettings(experiment, name, SETTINGS), ...requireParameters(experiment, name)],
    async getSuggestions(request) {
      const spec = request.experiment.spec;
      const choice = chooseAlgorithm(
        { shape: shapeOf(spec.parameters ?? []), maxTrialCount: spec.maxTrialCount, completed: completedTrials(request.trials) },
        limits,
      );
      const reply = await delegate(choice.algorithm).getSuggestions(renamed(request, choice.algorithm));
      const labels = reply.assignments.map((_, i) => ({ ...reply.labels?.[i], [ALGORITHM_LABEL]: choice.algorithm, [RULE_LABEL]: choice.rule }));
      return { ...reply, labels };
    },
  };
}

/** The request as the delegate would receive it: the same, with its own algorithm name. */
function renamed(request: SuggestionRequest, algorithmName: string): SuggestionRequest {
  const { experiment } = request;
  const algorithm = { ...experiment.spec.algorithm, algorithmName };
  return { ...request, experiment: { ...experiment, spec: { ...experiment.spec, algorithm } } };
}

function completedTrials(trials: readonly TrialRecord[]): number {
  let completed = 0;
  for (const trial of trials) if (trial.condition === 'Succeeded' || trial.condition === 'EarlyStopped') completed++;
  return completed;
}
