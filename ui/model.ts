import type { ParameterSpec } from '../src/experiment/types.js';
import { bestTrial, objectiveOf, type ExperimentState } from '../src/loop/state.js';
import { objectiveValue } from '../src/trial/observation.js';
import type { TrialConditionType } from '../src/trial/types.js';

/**
 * What the pictures are drawn from: plain data read from an experiment's state and its
 * trials' observation logs, the same for `scriba ui` and `scriba plot`.
 */

export interface PlotParameter {
  name: string;
  /** How its axis is drawn: numbers (linear or log scale) or categories in their listed order. */
  kind: 'number' | 'category';
  log: boolean;
  /** Bounds of a numeric axis from the feasible space (absent where the space gives none). */
  min?: number;
  max?: number;
  /** The values of a categorical or discrete parameter, in the space's order. */
  categories?: string[];
}

export interface PlotTrial {
  name: string;
  /** Creation order, 0 for the first trial. */
  index: number;
  condition: TrialConditionType;
  /** The objective value by the experiment's metric strategy; absent when none. */
  value?: number;
  /** Parameter values as assigned (text). */
  params: Record<string, string>;
}

export interface PlotExperiment {
  name: string;
  metric: string;
  goal: 'minimize' | 'maximize';
  parameters: PlotParameter[];
  trials: PlotTrial[];
  bestTrial?: string;
}

/** One trial's intermediate values of a metric, in reporting order (step 1, 2, ...). */
export interface PlotCurve {
  trial: string;
  condition: TrialConditionType;
  values: number[];
}

export function plotParameter(p: ParameterSpec): PlotParameter {
  const fs = p.feasibleSpace ?? {};
  const log = fs.distribution === 'logUniform' || fs.distribution === 'logNormal';
  if (p.parameterType === 'categorical' || p.parameterType === 'discrete') {
    const categories = [...(fs.list ?? [])];
    // A discrete list of numbers is drawn on a numeric axis.
    const numbers = categories.map(Number);
    if (p.parameterType === 'discrete' && numbers.length > 0 && numbers.every(Number.isFinite)) {
      return { name: p.name, kind: 'number', log: false, min: Math.min(...numbers), max: Math.max(...numbers) };
    }
    return { name: p.name, kind: 'category', log: false, categories };
  }
  const min = Number(fs.min);
  const max = Number(fs.max);
  return { name: p.name, kind: 'number', log, ...(Number.isFinite(min) ? { min } : {}), ...(Number.isFinite(max) ? { max } : {}) };
}

export function plotExperiment(state: ExperimentState): PlotExperiment {
  const objective = objectiveOf(state);
  const best = bestTrial(state);
  return {
    name: state.experiment.metadata.name,
    metric: objective.objectiveMetricName,
    goal: objective.type,
    parameters: (state.experiment.spec.parameters ?? []).map(plotParameter),
    trials: state.trials.map((t, index) => {
      const value = objectiveValue(t, objective);
      return {
        name: t.name,
        index,
        condition: t.condition,
        ...(value !== undefined ? { value } : {}),
        params: Object.fromEntries(t.parameterAssignments.map((a) => [a.name, a.value])),
      };
    }),
    ...(best ? { bestTrial: best.name } : {}),
  };
}
