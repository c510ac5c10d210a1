import type { ValidationIssue } from '../../src/experiment/types.js';
import { createRng, type Rng } from '../../src/rng.js';
import { compileSpace, encodeValue, fromUnit, sampleValue, type Domain, type SearchSpace } from '../../src/search-space/index.js';
import type { ParameterAssignment, TrialRecord } from '../../src/trial/types.js';
import { createHistoryReader } from '../history.js';
import { checkSettings, numberSetting, requireParameters, settingsOf, settingValue, type SettingRule } from '../settings.js';
import type { Algorithm, AlgorithmExperiment } from '../types.js';
import { defaultPopulationSize } from './parameters.js';
import { createReplayer, generationKey } from './replay.js';
import type { RestartStrategy } from './restart.js';
import { candidateFor, type CmaConfig, type Told } from './run.js';
import { cmaSpace, unitSigma, type CmaSpace } from './space.js';

/** Label naming the run and generation a suggestion was drawn for, `<run>-<generation>`. */
export const GENERATION_LABEL = 'cmaes.scriba.dev/generation';
/** Label naming the suggestion's slot in its generation. */
export const SLOT_LABEL = 'cmaes.scriba.dev/slot';

const BOOLEAN = ['true', 'false', 'True', 'False'] as const;

/**
 * Katib's settings of `cmaes` (katib-spec §4.2 Optuna, §4.4 goptuna): `random_state`;
 * `sigma` (≥ 0, 0 meaning the default); `restart_strategy`, the union of goptuna's
 * none|ipop|bipop and Optuna's "None". Beyond Katib, under the names of Optuna's
 * CmaEsSampler arguments: `popsize`, `inc_popsize`, `lr_adapt`, `use_separable_cma`.
 */
const SETTINGS: Record<string, SettingRule> = {
  random_state: { type: 'int', min: 0 },
  sigma: { type: 'float', min: 0 },
  restart_strategy: { type: 'string', oneOf: ['none', 'None', 'ipop', 'bipop'] },
  popsize: { type: 'int', min: 2 },
  inc_popsize: { type: 'int', min: 1 },
  lr_adapt: { type: 'string', oneOf: BOOLEAN },
  use_separable_cma: { type: 'string', oneOf: BOOLEAN },
};

/** What an experiment gets when it leaves a setting out. */
export const CMAES_DEFAULTS = {
  restart_strategy: 'none',
  inc_popsize: 2,
  lr_adapt: false,
  use_separable_cma: false,
} as const;

/**
 * CMA-ES (Katib's `cmaes`): Hansen's CMA-ES (2016 tutorial) over the unit cube of the
 * search space, with the margin method for ints, stepped doubles and numeric lists
 * (Hamano et al. 2022), categorical lists drawn at random, IPOP/BIPOP restarts, and on
 * request learning-rate adaptation (Nomura et al. 2023) and a diagonal C (Ros & Hansen
 * 2008).
 *
 * Stateless: every suggestion is labelled with its run, generation and slot, and the
 * state is replayed from the labelled trials that completed (Succeeded or EarlyStopped,
 * with an objective value). A generation is told its first λ such trials in creation
 * order; trials without the labels (added by hand) are never told, and failed ones leave
 * their slot unused, so the generation draws further candidates.
 *
 * ```ts
 * const reply = await createCmaes().getSuggestions({ experiment, trials, count: 1, seed: 1 });
 * ```
 */
export function createCmaes(): Algorithm {
  const name = 'cmaes';
  const history = createHistoryReader();
  const replayer = createReplayer();
  return {
    name,
    validateSettings: (experiment) => [...checkSettings(experiment, name, SETTINGS), ...requireParameters(experiment, name), ...checkSpace(experiment)],
    async getSuggestions({ experiment, trials, count, seed }) {
      const space = compileSpace(experiment.spec.parameters ?? []);
      const cma = cmaSpace(space);
      const base = numberSetting(experiment, 'random_state', seed);
      if (cma.n === 0) {
        // Nothing for a Gaussian to model (every int/double has one value): random draws,
        // labelled as further slots of run 0's first generation, which never advances.
        const key = generationKey(0, 0);
        const used = usedSlots(trials, key);
        const assignments = Array.from({ length: count }, (_, i) => assignmentOf(space, cma, createRng(base, name, trials.length + i), new Map()));
        const labels = Array.from({ length: count }, (_, i) => ({ [GENERATION_LABEL]: key, [SLOT_LABEL]: String(used + i) }));
        return { assignments, labels };
      }
      const config: CmaConfig = {
        space: cma,
        strategy: restartStrategy(experiment),
        sigma0: unitSigma(space, numberSetting(experiment, 'sigma')),
        lambda0: numberSetting(experiment, 'popsize', defaultPopulationSize(cma.n)),
        incPopsize: numberSetting(experiment, 'inc_popsize', CMAES_DEFAULTS.inc_popsize),
        lrAdapt: booleanSetting(experiment, 'lr_adapt', CMAES_DEFAULTS.lr_adapt),
        separable: booleanSetting(experiment, 'use_separable_cma', CMAES_DEFAULTS.use_separable_cma),
        seed: base,
      };
      const generations = new Map<string, Told[]>();
      // Every parameter modelled, in order: the history's points serve as they are.
      const identity = cma.domains.length === space.domains.length && cma.domains.every((d, j) => d === j);
      for (const o of history(experiment, space, trials).observations) {
        const label = labelOf(trials[o.order] as TrialRecord);
        if (!label) continue;
        const point = identity ? o.point : cma.domains.map((d) => o.point[d] as number);
        let list = generations.get(label.key);
        if (!list) generations.set(label.key, (list = []));
        list.push({ slot: label.slot, value: o.value, point });
      }
      const fingerprint = JSON.stringify([experiment.spec.parameters, settingsOf(experiment), base]);
      const state = replayer(config, fingerprint, generations);
      const key = generationKey(state.plan.index, state.dist.generation);
      const used = usedSlots(trials, key);
      const assignments: ParameterAssignment[][] = [];
      const labels: Record<string, string>[] = [];
      for (let i = 0; i < count; i++) {
        const slot = used + i;
        const candidate = candidateFor(config, state, slot);
        const values = new Map<number, string>();
        cma.domains.forEach((d, j) => {
          const domain = space.domains[d] as Domain;
          const discrete = cma.values[j];
          const value = discrete ? discrete[candidate.cells[j] as number] : fromUnit(domain, candidate.x[j] as number);
          values.set(d, encodeValue(domain, value as string | number));
        });
        assignments.push(assignmentOf(space, cma, createRng(base, name, state.plan.index, state.dist.generation, slot, 'independent'), values));
        labels.push({ [GENERATION_LABEL]: key, [SLOT_LABEL]: String(slot) });
      }
      return { assignments, labels };
    },
  };
}

/** Goptuna's check (katib-spec §4.4): CMA-ES needs at least two int/double parameters. */
function checkSpace(experiment: AlgorithmExperiment): ValidationIssue[] {
  const parameters = experiment.spec.parameters ?? [];
  if (parameters.length === 0) return []; // requireParameters reports it
  const numeric = parameters.filter((p) => p.parameterType === 'int' || p.parameterType === 'double').length;
  if (numeric >= 2) return [];
  return [{ path: 'spec.parameters', message: 'CMA-ES only supports two or more dimensional continuous search space.' }];
}

function restartStrategy(experiment: AlgorithmExperiment): RestartStrategy {
  const value = settingValue(experiment, 'restart_strategy') ?? CMAES_DEFAULTS.restart_strategy;
  return value === 'ipop' || value === 'bipop' ? value : 'none';
}

function booleanSetting(experiment: AlgorithmExperiment, name: string, fallback: boolean): boolean {
  const value = settingValue(experiment, name);
  return value === undefined ? fallback : value.toLowerCase() === 'true';
}

/** The assignment: CMA-ES's values where given, the single value of fixed domains, and random draws for the rest. */
function assignmentOf(space: SearchSpace, cma: CmaSpace, rng: Rng, values: Map<number, string>): ParameterAssignment[] {
  return space.domains.map((d, i) => {
    const fixed = cma.fixed.get(i);
    const value = values.get(i) ?? (fixed !== undefined ? encodeValue(d, fixed) : encodeValue(d, sampleValue(d, rng)));
    return { name: d.name, value };
  });
}

/** The number of slots of generation `key` that trials hold: the next suggestion takes the one after the highest. */
function usedSlots(trials: readonly TrialRecord[], key: string): number {
  let used = 0;
  for (const trial of trials) {
    const label = labelOf(trial);
    if (label?.key === key) used = Math.max(used, label.slot + 1);
  }
  return used;
}

/** A trial's run/generation key and slot, or undefined when it was not suggested by CMA-ES. */
function labelOf(trial: TrialRecord): Label | undefined {
  const labels = trial.labels;
  if (!labels) return undefined;
  let label = LABELS.get(labels);
  if (label === undefined) LABELS.set(labels, (label = parseLabel(labels)));
  return label ?? undefined;
}

interface Label {
  key: string;
  slot: number;
}

/** Parsed labels by labels object: a long history is parsed once, not on every request. */
const LABELS = new WeakMap<Readonly<Record<string, string>>, Label | null>();

function parseLabel(labels: Readonly<Record<string, string>>): Label | null {
  const generation = labels[GENERATION_LABEL];
  const slot = labels[SLOT_LABEL];
  if (generation === undefined || slot === undefined) return null;
  const match = /^(\d+)-(\d+)$/.exec(generation);
  if (!match || !/^\d+$/.test(slot)) return null;
  return { key: generationKey(Number(match[1]), Number(match[2])), slot: Number(slot) };
}
