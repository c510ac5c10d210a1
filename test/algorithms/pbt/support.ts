import type { AlgorithmExperiment } from '../../../algorithms/types.js';
import type { AlgorithmSetting, ObjectiveType, ParameterSpec } from '../../../src/experiment/types.js';
import type { ParameterAssignment, TrialConditionType, TrialRecord } from '../../../src/trial/types.js';

export const SPACE: ParameterSpec[] = [
  { name: 'lr', parameterType: 'double', feasibleSpace: { min: '0.01', max: '1', step: '0.01' } },
  { name: 'units', parameterType: 'int', feasibleSpace: { min: '8', max: '256', step: '8' } },
  { name: 'batch', parameterType: 'discrete', feasibleSpace: { list: ['16', '32', '64', '128'] } },
  { name: 'optimizer', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam', 'rmsprop', 'adagrad'] } },
];

export const REQUIRED: AlgorithmSetting[] = [
  { name: 'suggestion_trial_dir', value: '/var/scriba/pbt' },
  { name: 'n_population', value: '10' },
  { name: 'truncation_threshold', value: '0.2' },
];

/** A pbt experiment; `settings` replace the required ones by name. */
export function pbtExperiment(o: { settings?: AlgorithmSetting[]; parameters?: ParameterSpec[]; type?: ObjectiveType } = {}): AlgorithmExperiment {
  const extra = o.settings ?? [];
  const settings = [...REQUIRED.filter((s) => !extra.some((e) => e.name === s.name)), ...extra];
  return {
    name: 'pbt-test',
    spec: {
      parameters: o.parameters ?? SPACE,
      objective: { type: o.type ?? 'maximize', objectiveMetricName: 'accuracy' },
      algorithm: { algorithmName: 'pbt', algorithmSettings: settings },
      parallelTrialCount: 10,
    },
  };
}

export interface TrialOptions {
  name: string;
  values: Record<string, string>;
  generation?: number;
  parent?: string;
  condition?: TrialConditionType;
  /** The objective; none for a trial without an observation. */
  value?: number;
  /** Seconds after 2026-01-01 at which it ended. */
  ended?: number;
}

/** A trial as the loop records it, labelled as pbt labels its own. */
export function trial(o: TrialOptions): TrialRecord {
  const condition = o.condition ?? (o.value === undefined ? 'Running' : 'Succeeded');
  const labels: Record<string, string> = { 'pbt.suggestion.katib.kubeflow.org/generation': String(o.generation ?? 0) };
  if (o.parent) labels['pbt.suggestion.katib.kubeflow.org/parent'] = o.parent;
  const assignments: ParameterAssignment[] = Object.entries(o.values).map(([name, value]) => ({ name, value }));
  const v = o.value === undefined ? 'unavailable' : String(o.value);
  return {
    name: o.name,
    parameterAssignments: assignments,
    condition,
    conditions: [],
    labels,
    creationTime: '2026-01-01T00:00:00Z',
    ...(condition !== 'Running' ? { completionTime: new Date(Date.UTC(2026, 0, 1) + (o.ended ?? 0) * 1000).toISOString() } : {}),
    ...(o.value !== undefined ? { observation: { metrics: [{ name: 'accuracy', min: v, max: v, latest: v }] } } : {}),
  };
}

export const valuesOf = (assignments: readonly ParameterAssignment[]): Record<string, string> =>
  Object.fromEntries(assignments.map((a) => [a.name, a.value]));
