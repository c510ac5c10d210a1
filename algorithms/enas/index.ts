import type { ObjectiveSpec } from '../../src/experiment/types.js';
import { createRng } from '../../src/rng.js';
import { objectiveValue } from '../../src/trial/observation.js';
import type { TrialRecord } from '../../src/trial/types.js';
import { checkEnumerable, checkGraphConfig, checkOperations } from '../nas/operations.js';
import { enumerateOperations } from '../nas/enumerate.js';
import type { Algorithm, SuggestionReply } from '../types.js';
import { onCpuBackend } from './backend.js';
import { sampleArchitecture, type ControllerDims } from './controller.js';
import { formatCandidate } from './format.js';
import { ENAS_GENERATION_LABEL, ENAS_REWARD_LABEL, encodeReward, readRequests } from './labels.js';
import { createReplayer } from './replay.js';
import { checkEnasSettings, readEnasSettings } from './settings.js';
import { policyOptions } from './train.js';

export { ENAS_GENERATION_LABEL, ENAS_REWARD_LABEL } from './labels.js';

export interface EnasOptions {
  /** Remember each experiment's controller between requests (default true); off, every request replays. */
  memo?: boolean;
}

/**
 * ENAS (Katib's `enas`; Pham et al. 2018): an LSTM controller samples, for each of
 * `numLayers` layers, an operation id (see `enumerateOperations`) and skip connections to
 * the earlier layers; it is trained by REINFORCE on the experiment's results.
 *
 * As Katib's service: the first request samples from the untrained controller; every
 * later one first trains it `controller_train_steps` steps on the mean objective of all
 * Succeeded trials so far (negated for minimize), then samples `count` architectures. A
 * later request with no Succeeded trial yet samples without training (Katib returns no
 * trials then, which its controller reports as an error).
 *
 * Stateless: each trial is labelled with its request number and the reward trained on,
 * and the controller is rebuilt by replaying those requests from the seed (see replay.ts).
 *
 * ```ts
 * const reply = await createEnas().getSuggestions({ experiment, trials, count: 2, seed: 1 });
 * // reply.assignments[0]: [{ name: 'architecture', value: '[[12]]' }, { name: 'nn_config', value: "{'num_layers': 1, ...}" }]
 * ```
 */
export function createEnas(options: EnasOptions = {}): Algorithm {
  const name = 'enas';
  const replay = createReplayer({ memo: options.memo !== false });
  return {
    name,
    validateSettings: (experiment) => {
      const nas = experiment.spec.nasConfig;
      return [...checkGraphConfig(nas), ...checkOperations(nas), ...checkEnumerable(nas), ...checkEnasSettings(experiment, name)];
    },
    async getSuggestions({ experiment, trials, count, seed }): Promise<SuggestionReply> {
      const nas = experiment.spec.nasConfig ?? {};
      const operations = enumerateOperations(nas.operations ?? []);
      const settings = readEnasSettings(experiment);
      const dims: ControllerDims = { numLayers: nas.graphConfig?.numLayers ?? 0, numOperations: operations.length, hiddenSize: settings.hiddenSize };
      const earlier = readRequests(trials);
      const generation = earlier.length;
      const reward = generation === 0 ? null : meanReward(trials, experiment.spec.objective);
      const rewards = [...earlier, encodeReward(reward)];
      const labels = { [ENAS_GENERATION_LABEL]: String(generation), [ENAS_REWARD_LABEL]: encodeReward(reward) };

      const arcs = await onCpuBackend(() => {
        const state = replay({ experiment: experiment.name, seed, dims, settings, rewards });
        return Array.from({ length: count }, (_, i) => sampleArchitecture(state.weights, dims, policyOptions(settings), createRng(seed, 'enas', 'sample', generation, i)));
      });
      return {
        assignments: arcs.map((arc) => formatCandidate(arc, nas, operations)),
        labels: arcs.map(() => ({ ...labels })),
      };
    },
  };
}

/**
 * Katib's reward: the mean objective value of the Succeeded trials (the value its
 * controller sends for each, by metric strategy), negated for minimize since the
 * controller maximises; `null` when there is none.
 */
export function meanReward(trials: readonly TrialRecord[], objective: ObjectiveSpec | undefined): number | null {
  if (!objective) return null;
  const values = trials.filter((t) => t.condition === 'Succeeded').flatMap((t) => {
    const x = objectiveValue(t, objective);
    return x === undefined ? [] : [x];
  });
  if (values.length === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return objective.type === 'minimize' ? -mean : mean;
}
