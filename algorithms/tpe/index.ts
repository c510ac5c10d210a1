import { createRng } from '../../src/rng.js';
import {
  compileSpace,
  encodeValue,
  fromUnit,
  sampleValue,
  toUnit,
  unitCell,
  type Domain,
} from '../../src/search-space/index.js';
import { createHistoryReader } from '../history.js';
import { createRecent } from '../recent.js';
import { checkSettings, numberSetting, requireParameters, type SettingRule } from '../settings.js';
import type { Algorithm, AlgorithmExperiment } from '../types.js';
import type { DimensionKind } from './parzen.js';
import { createKernelCache, type KernelBuilder } from './kernel-cache.js';
import { suggest } from './sampler.js';

/**
 * Katib's settings of `tpe` (hyperopt) and `multivariate-tpe` (Optuna), katib-spec §4.1,
 * §4.2; both algorithms take all of them.
 */
const SETTINGS: Record<string, SettingRule> = {
  n_startup_trials: { type: 'int', min: 0 },
  n_ei_candidates: { type: 'int', min: 1 },
  n_EI_candidates: { type: 'int', min: 1 },
  random_state: { type: 'int', min: 0 },
  gamma: { type: 'float', above: 0, below: 1 },
  prior_weight: { type: 'float', above: 0 },
};

/** TPE (`tpe`) and multivariate TPE (`multivariate-tpe`). */
export function createTpe(multivariate = false): Algorithm {
  const name = multivariate ? 'multivariate-tpe' : 'tpe';
  const history = createHistoryReader(pointOf);
  // The bad group's kernels of the experiments asked about most recently.
  const caches = createRecent<KernelBuilder>(16);
  return {
    name,
    validateSettings: (experiment) => [...checkSettings(experiment, name, SETTINGS), ...requireParameters(experiment, name)],
    async getSuggestions({ experiment, trials, count, seed }) {
      const space = compileSpace(experiment.spec.parameters ?? []);
      const settings = readSettings(experiment, multivariate);
      const base = settings.randomState ?? seed;
      const { observations, pending } = history(experiment, space, trials);
      const dims = space.domains.map(dimensionOf);
      const cellOf = (d: number, u: number): readonly [number, number] => {
        const domain = space.domains[d] as Domain;
        return unitCell(domain, fromUnit(domain, u)) as [number, number];
      };
      const badKernels = caches(experiment.name, createKernelCache);
      const assignments = Array.from({ length: count }, (_, i) => {
        const rng = createRng(base, name, trials.length + i);
        if (observations.length < settings.nStartupTrials) {
          const values = space.domains.map((d) => sampleValue(d, rng));
          pending.push(space.domains.map((d, j) => pointOf(d, values[j] as string | number)));
          return space.domains.map((d, j) => ({ name: d.name, value: encodeValue(d, values[j] as string | number) }));
        }
        const point = suggest(observations, pending, dims, { multivariate, badKernels, ...settings }, rng, cellOf);
        pending.push(point);
        return space.domains.map((d, j) => ({ name: d.name, value: encodeValue(d, valueOf(d, point[j] as number)) }));
      });
      return { assignments };
    },
  };
}

/**
 * Default candidates per suggestion. Optuna's 24 was measured against alternatives on the
 * benchmark protocol (bench/results/tpe): univariate TPE did best with 12 (less greed in
 * each parameter on its own), multivariate TPE with 128 (a joint space needs more samples).
 */
export const DEFAULT_EI_CANDIDATES = { univariate: 12, multivariate: 128 };

function readSettings(experiment: AlgorithmExperiment, multivariate: boolean) {
  const gamma = numberSetting(experiment, 'gamma');
  const randomState = numberSetting(experiment, 'random_state');
  return {
    nStartupTrials: numberSetting(experiment, 'n_startup_trials', 10),
    nEiCandidates:
      numberSetting(experiment, 'n_ei_candidates') ??
      numberSetting(experiment, 'n_EI_candidates', multivariate ? DEFAULT_EI_CANDIDATES.multivariate : DEFAULT_EI_CANDIDATES.univariate),
    priorWeight: numberSetting(experiment, 'prior_weight', 1),
    ...(gamma !== undefined ? { gamma } : {}),
    ...(randomState !== undefined ? { randomState } : {}),
  };
}

function dimensionOf(d: Domain): DimensionKind {
  if (d.kind === 'choice' && d.type === 'categorical') return { kind: 'categorical', size: d.values.length };
  if (d.kind === 'choice' || d.count !== undefined) return { kind: 'cells' };
  return { kind: 'continuous' };
}

/** A value's coordinate: its unit-cube coordinate, or its index for a categorical parameter. */
function pointOf(d: Domain, value: string | number): number {
  return d.kind === 'choice' && d.type === 'categorical' ? d.values.indexOf(String(value)) : toUnit(d, value);
}

function valueOf(d: Domain, coordinate: number): string | number {
  return d.kind === 'choice' && d.type === 'categorical' ? (d.values[coordinate] as string) : fromUnit(d, coordinate);
}
