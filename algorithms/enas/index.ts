import { createRng } from '../../src/rng.js';
import { checkEnumerable, checkGraphConfig, checkOperations } from '../nas/operations.js';
import { enumerateOperations } from '../nas/enumerate.js';
import type { Algorithm, SuggestionReply } from '../types.js';
import { onCpuBackend } from './backend.js';
import { sampleArchitecture, type ControllerDims } from './controller.js';
import { formatCandidate } from './format.js';
import { lessons } from './history.js';
import { ENAS_GENERATION_LABEL, ENAS_TRAINED_LABEL, readRequests } from './labels.js';
import { createReplayer } from './replay.js';
import { checkEnasSettings, readEnasSettings } from './settings.js';
import { policyOptions } from './train.js';

export { ENAS_GENERATION_LABEL, ENAS_TRAINED_LABEL } from './labels.js';

export interface EnasOptions {
  /** Remember each experiment's controller between requests (default true); off, every request replays. */
  memo?: boolean;
}

/**
 * ENAS (Katib's `enas`; Pham et al. 2018): an LSTM controller samples, for each of
 * `numLayers` layers, an operation id (see `enumerateOperations`) and skip connections to
 * the earlier layers; it is trained by REINFORCE on the experiment's results.
 *
 * The first request samples from the untrained controller; every later one first trains
 * it `controller_train_steps` REINFORCE steps on the Succeeded trials it has not learnt
 * from yet, each trial's own architecture rewarded by its own objective (negated for
 * minimize), then samples `count` architectures. (Katib trains on the mean objective of
 * all trials with architectures it samples afresh, a rule that cannot learn; see
 * docs/katib-differences.md.) A request with nothing new to learn samples without training.
 *
 * Stateless: each trial is labelled with its request number and how many trials had been
 * learnt from, and the controller is rebuilt by replaying those requests from the seed
 * (see replay.ts).
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
      const learnt = lessons(trials, experiment.spec.objective, dims);
      // Request 0 samples from the initial controller; any later one learns all there is.
      const counts = [...earlier, generation === 0 ? 0 : learnt.length];
      const labels = { [ENAS_GENERATION_LABEL]: String(generation), [ENAS_TRAINED_LABEL]: String(counts[generation]) };

      const arcs = await onCpuBackend(() => {
        const state = replay({ experiment: experiment.name, seed, dims, settings, lessons: learnt, counts });
        return Array.from({ length: count }, (_, i) => sampleArchitecture(state.weights, dims, policyOptions(settings), createRng(seed, 'enas', 'sample', generation, i)));
      });
      return {
        assignments: arcs.map((arc) => formatCandidate(arc, nas, operations)),
        labels: arcs.map(() => ({ ...labels })),
      };
    },
  };
}
