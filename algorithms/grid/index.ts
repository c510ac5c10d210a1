import type { ValidationIssue } from '../../src/experiment/types.js';
import {
  assignmentKey,
  compileSpace,
  decodeValue,
  domainValues,
  encodeValue,
  type ParameterValue,
  type SearchSpace,
} from '../../src/search-space/index.js';
import type { ParameterAssignment, TrialRecord } from '../../src/trial/types.js';
import { checkSettings, requireParameters } from '../settings.js';
import type { Algorithm, AlgorithmExperiment } from '../types.js';

/**
 * Grid search (Katib's `grid`, served by Optuna's GridSampler). Every combination of
 * the parameters' values is suggested exactly once, in a fixed order: the product of the
 * parameters in spec order, the last parameter varying fastest (as itertools.product).
 *
 * Values: int min..max by step (default 1); double min, min+step, ... <= max (a step is
 * required); lists as given. A trial in any condition uses up its point, so a failed
 * point is not retried. When every point has been suggested the reply says `exhausted`.
 */
export function createGrid(): Algorithm {
  const name = 'grid';
  return {
    name,
    validateSettings: (experiment) => [
      ...checkSettings(experiment, name, { random_state: { type: 'int', min: 0 } }),
      ...requireParameters(experiment, name),
      ...checkGridSpace(experiment),
    ],
    async getSuggestions({ experiment, trials, count }) {
      const space = compileSpace(experiment.spec.parameters ?? []);
      const axes = gridAxes(space);
      const total = axes.reduce((n, axis) => n * axis.length, 1);
      const used = usedPoints(space, trials);
      const assignments: ParameterAssignment[][] = [];
      for (let index = 0; index < total && assignments.length < count; index++) {
        const point = gridPoint(space, axes, index);
        if (!used.has(assignmentKey(point))) assignments.push(point);
      }
      return assignments.length < count ? { assignments, exhausted: true } : { assignments };
    },
  };
}

/** Number of grid combinations of the experiment's space (Infinity if a double has no step). */
export function gridSize(experiment: AlgorithmExperiment): number {
  const space = compileSpace(experiment.spec.parameters ?? []);
  return space.domains.reduce((n, d) => n * (domainValues(d)?.length ?? Infinity), 1);
}

function checkGridSpace(experiment: AlgorithmExperiment): ValidationIssue[] {
  const parameters = experiment.spec.parameters ?? [];
  const issues: ValidationIssue[] = [];
  parameters.forEach((p, i) => {
    if (p.parameterType === 'double' && p.feasibleSpace?.step === undefined) {
      issues.push({
        path: `spec.parameters[${i}].feasibleSpace.step`,
        message: `algorithm grid needs a step for double parameter "${p.name}"`,
      });
    }
  });
  if (issues.length > 0 || parameters.length === 0) return issues;
  let size: number;
  try {
    size = gridSize(experiment);
  } catch {
    return issues; // the parameters themselves are invalid; the experiment validator reports them
  }
  const max = experiment.spec.maxTrialCount;
  if (max !== undefined && max > size) {
    issues.push({
      path: 'spec.maxTrialCount',
      message: `maxTrialCount ${max} exceeds the ${size} combinations of the grid; expected at most ${size}`,
    });
  }
  return issues;
}

function gridAxes(space: SearchSpace): ParameterValue[][] {
  return space.domains.map((d) => domainValues(d) ?? []);
}

/** The index-th combination in product order (mixed radix, last axis fastest). */
function gridPoint(space: SearchSpace, axes: ParameterValue[][], index: number): ParameterAssignment[] {
  const values: ParameterAssignment[] = new Array(axes.length);
  let rest = index;
  for (let k = axes.length - 1; k >= 0; k--) {
    const axis = axes[k] as ParameterValue[];
    const d = space.domains[k]!;
    values[k] = { name: d.name, value: encodeValue(d, axis[rest % axis.length] as ParameterValue) };
    rest = Math.floor(rest / axis.length);
  }
  return values;
}

/** Canonical keys of the points trials already hold; assignments off the grid are ignored. */
function usedPoints(space: SearchSpace, trials: readonly TrialRecord[]): Set<string> {
  const used = new Set<string>();
  for (const trial of trials) {
    try {
      const canonical = trial.parameterAssignments.map((a) => {
        const d = space.byName.get(a.name);
        if (!d) throw new Error('unknown parameter');
        return { name: a.name, value: encodeValue(d, decodeValue(d, a.value)) };
      });
      used.add(assignmentKey(canonical));
    } catch {
      // not a point of this grid
    }
  }
  return used;
}
