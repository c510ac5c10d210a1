import type { Algorithm, AlgorithmExperiment } from '../../../algorithms/types.js';
import type { AlgorithmSetting, ParameterSpec } from '../../../src/experiment/types.js';
import { createRng } from '../../../src/rng.js';
import { compileSpace, decodeValue, encodeValue, sampleValue } from '../../../src/search-space/index.js';
import type { ParameterAssignment, TrialRecord } from '../../../src/trial/types.js';

export const double = (name: string, min = -5, max = 5): ParameterSpec => ({ name, parameterType: 'double', feasibleSpace: { min: String(min), max: String(max) } });
export const categorical = (name: string, values: string[]): ParameterSpec => ({ name, parameterType: 'categorical', feasibleSpace: { list: values } });

export function experiment(parameters: ParameterSpec[], maxTrialCount?: number, settings: AlgorithmSetting[] = []): AlgorithmExperiment {
  return {
    name: 'auto-test',
    spec: {
      parameters,
      objective: { type: 'minimize', objectiveMetricName: 'loss' },
      algorithm: { algorithmName: 'auto', algorithmSettings: settings },
      parallelTrialCount: 1,
      ...(maxTrialCount !== undefined ? { maxTrialCount } : {}),
    },
  };
}

/** A sum of squares over the numbers, plus 1 for each categorical value but the first. */
export function loss(parameters: ParameterSpec[], assignments: readonly ParameterAssignment[]): number {
  const space = compileSpace(parameters);
  let f = 0;
  for (const a of assignments) {
    const d = space.byName.get(a.name)!;
    const v = decodeValue(d, a.value);
    if (typeof v === 'number') f += (v - 1) ** 2;
    else if (d.kind === 'choice' && d.values.indexOf(String(v)) > 0) f += 1;
  }
  return f;
}

export function trial(i: number, parameterAssignments: ParameterAssignment[], value: number | undefined, labels?: Record<string, string>): TrialRecord {
  const condition = value === undefined ? 'Running' : 'Succeeded';
  return {
    name: `t-${i}`,
    parameterAssignments,
    condition,
    conditions: [{ type: condition, status: 'True', reason: `Trial${condition}`, message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    creationTime: '2026-01-01T00:00:00Z',
    ...(value !== undefined ? { observation: { metrics: [{ name: 'loss', min: String(value), max: String(value), latest: String(value) }] } } : {}),
    ...(labels ? { labels } : {}),
  };
}

/** `n` Succeeded trials at random points, valued by `loss`, and one still running. */
export function randomHistory(e: AlgorithmExperiment, n: number, seed = 3): TrialRecord[] {
  const parameters = e.spec.parameters ?? [];
  const space = compileSpace(parameters);
  const rng = createRng(seed, 'auto history');
  return Array.from({ length: n + 1 }, (_, i) => {
    const assignments = space.domains.map((d) => ({ name: d.name, value: encodeValue(d, sampleValue(d, rng)) }));
    return trial(i, assignments, i < n ? loss(parameters, assignments) : undefined);
  });
}

/** A history made by `algorithm` itself, one suggestion at a time, valued by `loss`. */
export async function ownHistory(algorithm: Algorithm, e: AlgorithmExperiment, n: number, seed: number): Promise<TrialRecord[]> {
  const parameters = e.spec.parameters ?? [];
  const trials: TrialRecord[] = [];
  for (let i = 0; i < n; i++) {
    const reply = await algorithm.getSuggestions({ experiment: e, trials, count: 1, seed });
    const assignments = reply.assignments[0] as ParameterAssignment[];
    trials.push(trial(i, assignments, loss(parameters, assignments), reply.labels?.[0]));
  }
  return trials;
}
