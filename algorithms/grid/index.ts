import { formatLimit, MAX_GRID_COMBINATIONS, MAX_GRID_POINTS_PER_PARAMETER } from '../../src/experiment/limits.js';
import type { ValidationIssue } from '../../src/experiment/types.js';
import {
  assignmentKey,
  compileDomain,
  compileSpace,
  decodeValue,
  domainSize,
  encodeValue,
  nthValue,
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
 *
 * Values are computed from their index, never listed, and a grid is refused beyond
 * MAX_GRID_POINTS_PER_PARAMETER points for one parameter or MAX_GRID_COMBINATIONS in all.
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
      const sizes = space.domains.map(domainSize);
      const total = sizes.reduce((n, size) => n * size, 1);
      if (!Number.isSafeInteger(total)) throw new Error(`the grid has ${total} combinations; expected at most ${formatLimit(MAX_GRID_COMBINATIONS)}`);
      const used = usedPoints(space, trials);
      const assignments: ParameterAssignment[][] = [];
      for (let index = 0; index < total && assignments.length < count; index++) {
        const point = gridPoint(space, sizes, index);
        if (!used.has(assignmentKey(point))) assignments.push(point);
      }
      return assignments.length < count ? { assignments, exhausted: true } : { assignments };
    },
  };
}

/**
 * Number of grid combinations of the experiment's space (Infinity if a double has no
 * step), by arithmetic on each parameter's size: nothing is listed.
 */
export function gridSize(experiment: AlgorithmExperiment): number {
  const space = compileSpace(experiment.spec.parameters ?? []);
  return space.domains.reduce((n, d) => n * domainSize(d), 1);
}

function checkGridSpace(experiment: AlgorithmExperiment): ValidationIssue[] {
  const parameters = experiment.spec.parameters ?? [];
  const issues: ValidationIssue[] = [];
  let size = 1;
  parameters.forEach((p, i) => {
    if (p.parameterType === 'double' && p.feasibleSpace?.step === undefined) {
      issues.push({
        path: `spec.parameters[${i}].feasibleSpace.step`,
        message: `algorithm grid needs a step for double parameter "${p.name}"`,
      });
      return;
    }
    let points: number;
    try {
      points = domainSize(compileDomain(p, `spec.parameters[${i}]`));
    } catch {
      size = NaN; // the parameter itself is invalid; the experiment validator reports it
      return;
    }
    size *= points;
    if (points > MAX_GRID_POINTS_PER_PARAMETER) {
      // An int's step is 1 unless given; the range is what to change then.
      const field = p.parameterType === 'int' && p.feasibleSpace?.step === undefined ? 'max' : p.parameterType === 'int' || p.parameterType === 'double' ? 'step' : 'list';
      issues.push({
        path: `spec.parameters[${i}].feasibleSpace.${field}`,
        message: `grid of ${formatLimit(points)} points for parameter "${p.name}" exceeds the limit of ${formatLimit(MAX_GRID_POINTS_PER_PARAMETER)} points per parameter`,
      });
    }
  });
  if (issues.length > 0 || parameters.length === 0 || Number.isNaN(size)) return issues;
  if (size > MAX_GRID_COMBINATIONS) {
    issues.push({
      path: 'spec.parameters',
      message: `grid of ${formatLimit(size)} combinations exceeds the limit of ${formatLimit(MAX_GRID_COMBINATIONS)} combinations`,
    });
    return issues;
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

/** The index-th combination in product order (mixed radix, last axis fastest), each value computed from its index. */
function gridPoint(space: SearchSpace, sizes: readonly number[], index: number): ParameterAssignment[] {
  const values: ParameterAssignment[] = new Array(sizes.length);
  let rest = index;
  for (let k = sizes.length - 1; k >= 0; k--) {
    const size = sizes[k] as number;
    const d = space.domains[k]!;
    values[k] = { name: d.name, value: encodeValue(d, nthValue(d, rest % size)) };
    rest = Math.floor(rest / size);
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
