import type { Algorithm, AlgorithmExperiment } from '../../../algorithms/types.js';
import type { AlgorithmSetting, ObjectiveType, ParameterSpec } from '../../../src/experiment/types.js';
import type { ParameterAssignment, TrialConditionType, TrialRecord } from '../../../src/trial/types.js';

/** An experiment for the cmaes plugin. */
export function experimentOf(parameters: ParameterSpec[], settings: AlgorithmSetting[] = [], type: ObjectiveType = 'minimize'): AlgorithmExperiment {
  return {
    name: 'cmaes-test',
    spec: { parameters, objective: { type, objectiveMetricName: 'loss' }, algorithm: { algorithmName: 'cmaes', algorithmSettings: settings } },
  };
}

export const doubleParameter = (name: string, min = '0', max = '1'): ParameterSpec => ({ name, parameterType: 'double', feasibleSpace: { min, max } });

/** A finished (or running) trial as the engine records it. */
export function trialOf(
  index: number,
  assignments: ParameterAssignment[],
  condition: TrialConditionType,
  value?: number,
  labels?: Record<string, string>,
): TrialRecord {
  const text = value === undefined ? undefined : String(value);
  return {
    name: `t${index}`,
    parameterAssignments: assignments,
    condition,
    conditions: [],
    creationTime: '2026-01-01T00:00:00Z',
    ...(labels ? { labels } : {}),
    ...(text !== undefined ? { observation: { metrics: [{ name: 'loss', min: text, max: text, latest: text }] } } : {}),
  };
}

export type Objective = (values: Record<string, number | string>) => number;

export interface LoopOptions {
  /** Suggestions per request (they run together and finish before the next request). */
  batch?: number;
  seed?: number;
  /** Which trial indices fail (no objective). */
  fails?: (index: number) => boolean;
  /** Called before every request with the history it is about to send. */
  onRequest?: (trials: readonly TrialRecord[]) => Promise<void> | void;
}

/** Runs `count` trials against `f` as the experiment loop would: ask, evaluate, record, in creation order. */
export async function runLoop(algorithm: Algorithm, experiment: AlgorithmExperiment, f: Objective, count: number, options: LoopOptions = {}): Promise<TrialRecord[]> {
  const trials: TrialRecord[] = [];
  const batch = options.batch ?? 1;
  while (trials.length < count) {
    await options.onRequest?.(trials);
    const reply = await algorithm.getSuggestions({ experiment, trials: [...trials], count: Math.min(batch, count - trials.length), seed: options.seed ?? 1 });
    reply.assignments.forEach((assignments, i) => {
      const index = trials.length;
      const values = Object.fromEntries(assignments.map((a) => [a.name, Number.isNaN(Number(a.value)) ? a.value : Number(a.value)]));
      const failed = options.fails?.(index) ?? false;
      trials.push(trialOf(index, assignments, failed ? 'Failed' : 'Succeeded', failed ? undefined : f(values), reply.labels?.[i]));
    });
  }
  return trials;
}

/** The numeric values of each assignment, in parameter order. */
export const pointsOf = (assignments: ParameterAssignment[][]): number[][] => assignments.map((a) => a.map((p) => Number(p.value)));
