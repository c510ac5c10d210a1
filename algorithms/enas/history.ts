import type { ObjectiveSpec } from '../../src/experiment/types.js';
import { objectiveValue } from '../../src/trial/observation.js';
import type { TrialRecord } from '../../src/trial/types.js';
import type { ControllerDims } from './controller.js';

/** A finished trial the controller learns from: its own architecture and its own result. */
export interface Lesson {
  name: string;
  arc: number[][];
  /** The objective value, negated for minimize (the controller maximises). */
  reward: number;
}

/**
 * The trials the controller learns from, in the order it learns them: every Succeeded
 * trial whose `architecture` assignment is an architecture of this graph and which has an
 * objective value, ordered by completion time, then name. A request learns from all of
 * them it has not learnt from yet, so the trials learnt at each request are a run of
 * this list, and the labelled counts (labels.ts) say where each run ends.
 */
export function lessons(trials: readonly TrialRecord[], objective: ObjectiveSpec | undefined, dims: ControllerDims): Lesson[] {
  if (!objective) return [];
  const out: Array<Lesson & { time: string }> = [];
  for (const t of trials) {
    if (t.condition !== 'Succeeded') continue;
    const value = objectiveValue(t, objective);
    const arc = parseArchitecture(t.parameterAssignments.find((a) => a.name === 'architecture')?.value, dims);
    if (value === undefined || !Number.isFinite(value) || arc === null) continue;
    out.push({ name: t.name, arc, reward: objective.type === 'minimize' ? -value : value, time: t.completionTime ?? '' });
  }
  out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out.map(({ name, arc, reward }) => ({ name, arc, reward }));
}

/**
 * An `architecture` value (`[[op], [op, skip], ...]`, Katib's format) as rows, or `null`
 * when it is not one of this graph: `numLayers` rows, row k an op id below
 * `numOperations` and then k flags of 0 or 1.
 */
export function parseArchitecture(text: string | undefined, d: ControllerDims): number[][] | null {
  if (text === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== d.numLayers) return null;
  const rows = value as unknown[];
  const ok = rows.every(
    (row, k) =>
      Array.isArray(row) &&
      row.length === k + 1 &&
      row.every((x, j) => Number.isInteger(x) && (j === 0 ? (x as number) >= 0 && (x as number) < d.numOperations : x === 0 || x === 1)),
  );
  return ok ? (rows as number[][]) : null;
}
