import { createRng } from '../../src/rng.js';
import { compileSpace, encodeValue, sampleValue, type ParameterValue, type SearchSpace } from '../../src/search-space/index.js';
import type { ParameterAssignment } from '../../src/trial/types.js';
import type { Algorithm, SuggestionReply } from '../types.js';
import { breedChild, rank } from './breed.js';
import { PBT_GENERATION_LABEL, PBT_PARENT_LABEL, pbtTrialName } from './labels.js';
import { currentGeneration, memberKey, poolOf, readMembers, retries, type Member } from './population.js';
import { readPbtSettings, validatePbt, type PbtSettings } from './settings.js';

export { PBT_GENERATION_LABEL, PBT_PARENT_LABEL } from './labels.js';

/**
 * Population Based Training (Katib's `pbt`; Jaderberg et al. 2017), as a stateless plugin:
 * the population is rebuilt from the trials' labels on every request.
 *
 * Generation 0 is `n_population` random members. A generation is complete once
 * `n_population` of its trials have ended with an objective value; the next request then
 * breeds the next generation from that pool (exploit and explore, see `breedChild`). A
 * Failed or Killed member (any member ended without an objective) is re-run first,
 * unchanged: same values, same parent, same generation, a new trial name.
 *
 * While a generation is incomplete and more trials are asked for, every request is still
 * answered in full, as Katib's controller requires: generation 0 adds random members, a
 * later generation adds children bred again from the previous pool (Katib's rule). A
 * caller that runs one generation at a time (parallelTrialCount = n_population) never
 * sees these. There is no generation limit: the experiment ends at maxTrialCount (or its goal).
 *
 * ```ts
 * createStudy({ parameters, objectiveType: 'maximize', algorithm: 'pbt',
 *   algorithmSettings: { suggestion_trial_dir: '/var/ckpt', n_population: 10, truncation_threshold: 0.2 } });
 * ```
 */
export function createPbt(): Algorithm {
  const name = 'pbt';
  return {
    name,
    validateSettings: (experiment) => validatePbt(experiment, name),
    async getSuggestions({ experiment, trials, count, seed }): Promise<SuggestionReply> {
      const settings = readPbtSettings(experiment);
      const space = compileSpace(experiment.spec.parameters ?? []);
      const members = readMembers(trials, space, experiment.spec.objective);
      const taken = new Set(trials.map((t) => t.name));
      // Names are drawn from the whole listed history, not its length: Katib leaves
      // MetricsUnavailable trials out of the request, so a length would recur and with it a name.
      const history = [...taken].sort().join('\n');
      const reply: Required<Pick<SuggestionReply, 'assignments' | 'trialNames' | 'labels'>> = { assignments: [], trialNames: [], labels: [] };
      for (let i = 0; i < count; i++) {
        const next = nextMember(members, space, settings, seed);
        const names = createRng(seed, name, 'name', history, i);
        const trialName = pbtTrialName(experiment.name, (n) => names.int(n), taken);
        taken.add(trialName);
        const labels: Record<string, string> = { [PBT_GENERATION_LABEL]: String(next.generation) };
        if (next.parent !== undefined) labels[PBT_PARENT_LABEL] = next.parent;
        reply.assignments.push(next.assignments);
        reply.trialNames.push(trialName);
        reply.labels.push(labels);
        // The new trial is part of the population for the rest of this request.
        members.push({
          name: trialName,
          index: trials.length + i,
          generation: next.generation,
          ...(next.parent !== undefined ? { parent: next.parent } : {}),
          assignments: next.assignments,
          values: next.values,
          key: memberKey(next.assignments, next.parent),
          state: 'active',
          completedMs: Infinity,
          startedMs: Infinity,
        });
      }
      return reply;
    },
  };
}

interface Planned {
  generation: number;
  parent?: string;
  assignments: ParameterAssignment[];
  values: Map<string, ParameterValue>;
}

/** The next trial of the population: a pending re-run, else the next member of the current generation. */
function nextMember(members: readonly Member[], space: SearchSpace, settings: PbtSettings, seed: number): Planned {
  let generation = currentGeneration(members);
  if (poolOf(members, generation, settings.nPopulation).length >= settings.nPopulation) generation++;
  const { open, originals } = retries(members, generation, settings.nPopulation);
  const failed = open[0];
  if (failed) {
    return { generation, ...(failed.parent !== undefined ? { parent: failed.parent } : {}), assignments: [...failed.assignments], values: failed.values };
  }
  const rng = createRng(seed, 'pbt', generation, originals);
  const pool = generation === 0 ? [] : poolOf(members, generation - 1, settings.nPopulation);
  if (pool.length === 0) {
    // Generation 0, or a history whose previous generation has no results: random members.
    const values = new Map(space.domains.map((d) => [d.name, sampleValue(d, rng)] as const));
    return { generation, assignments: encode(space, values), values };
  }
  const child = breedChild(rank(pool), originals, space, settings.truncationThreshold, settings.resampleProbability, rng);
  return { generation, parent: child.parent, assignments: encode(space, child.values), values: child.values };
}

function encode(space: SearchSpace, values: ReadonlyMap<string, ParameterValue>): ParameterAssignment[] {
  return space.domains.map((d) => ({ name: d.name, value: encodeValue(d, values.get(d.name) as ParameterValue) }));
}
