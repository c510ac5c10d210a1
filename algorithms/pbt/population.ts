import type { ObjectiveSpec } from '../../src/experiment/types.js';
import { assignmentKey, decodeValue, type ParameterValue, type SearchSpace } from '../../src/search-space/index.js';
import { objectiveValue } from '../../src/trial/observation.js';
import { isCompleted, type ParameterAssignment, type TrialConditionType, type TrialRecord } from '../../src/trial/types.js';
import { PBT_GENERATION_LABEL, PBT_PARENT_LABEL } from './labels.js';

/**
 * The population, rebuilt from the trials alone (their labels, assignments and
 * observations): nothing is kept between requests.
 */
export interface Member {
  name: string;
  /** Position in the trial list (creation order). */
  index: number;
  generation: number;
  parent?: string;
  assignments: ParameterAssignment[];
  values: Map<string, ParameterValue>;
  /** Identity of a re-run: the same assignment and the same parent. */
  key: string;
  /** `ok`: ended with an objective value; `failed`: Failed, Killed, or ended without one. */
  state: 'active' | 'ok' | 'failed';
  /** The objective, turned so that larger is better. */
  score?: number;
  completedMs: number;
  /** When it started (Infinity if it has not): the order of creation over the wire, where trials come sorted by name. */
  startedMs: number;
}

/** Katib re-queues these whatever they observed. */
const RERUN: readonly TrialConditionType[] = ['Failed', 'Killed'];

/**
 * Members of the trials. A trial without a generation label (one added by hand to warm
 * start) counts in generation 0; one whose label is not a generation, or whose values are
 * not in the space, is no member.
 */
export function readMembers(trials: readonly TrialRecord[], space: SearchSpace, objective: ObjectiveSpec | undefined): Member[] {
  const sign = objective?.type === 'maximize' ? 1 : -1;
  const members: Member[] = [];
  trials.forEach((trial, index) => {
    const label = trial.labels?.[PBT_GENERATION_LABEL];
    const generation = label === undefined ? 0 : /^\d{1,9}$/.test(label) ? Number(label) : undefined;
    const values = valuesOf(space, trial.parameterAssignments);
    if (generation === undefined || !values) return;
    const parent = trial.labels?.[PBT_PARENT_LABEL] || undefined;
    const value = objective ? objectiveValue(trial, objective) : undefined;
    const ended = isCompleted(trial.condition);
    const completed = trial.completionTime ? Date.parse(trial.completionTime) : NaN;
    const started = trial.startTime ? Date.parse(trial.startTime) : NaN;
    members.push({
      name: trial.name,
      index,
      generation,
      ...(parent !== undefined ? { parent } : {}),
      assignments: trial.parameterAssignments,
      values,
      key: memberKey(trial.parameterAssignments, parent),
      state: !ended ? 'active' : value === undefined || RERUN.includes(trial.condition) ? 'failed' : 'ok',
      ...(ended && value !== undefined ? { score: sign * value } : {}),
      completedMs: Number.isNaN(completed) ? Infinity : completed,
      startedMs: Number.isNaN(started) ? Infinity : started,
    });
  });
  return members;
}

export function memberKey(assignments: readonly ParameterAssignment[], parent: string | undefined): string {
  return `${assignmentKey(assignments)}|${parent ?? ''}`;
}

/** The latest generation (0 when there is none yet). */
export function currentGeneration(members: readonly Member[]): number {
  return members.reduce((g, m) => Math.max(g, m.generation), 0);
}

/**
 * A generation's pool: its first `size` members to end with an objective, by completion
 * time then creation order (Katib's pool fills in the order trials end). Later ones that
 * end still count in the generation but do not breed.
 */
export function poolOf(members: readonly Member[], generation: number, size: number): Member[] {
  return members
    .filter((m) => m.generation === generation && m.state === 'ok')
    .sort((a, b) => a.completedMs - b.completedMs || a.index - b.index)
    .slice(0, size);
}

/**
 * Failed members of a generation still waiting for their re-run, oldest first, and the
 * number of members that are not re-runs. Katib re-queues a Failed or Killed trial
 * unchanged; a re-run here is a later trial (by start time, then list position) with the
 * same assignment and parent. Re-runs are owed only while the generation has fewer than
 * `size` members running or ended with a result.
 */
export function retries(members: readonly Member[], generation: number, size: number): { open: Member[]; originals: number } {
  const open = new Map<string, Member[]>();
  let originals = 0;
  let alive = 0;
  const ordered = members.filter((m) => m.generation === generation).sort((a, b) => a.startedMs - b.startedMs || a.index - b.index);
  for (const m of ordered) {
    const waiting = open.get(m.key);
    if (waiting && waiting.length > 0) waiting.shift();
    else originals++;
    if (m.state === 'failed') open.set(m.key, [...(open.get(m.key) ?? []), m]);
    else alive++;
  }
  const owed = [...open.values()].flat().sort((a, b) => a.index - b.index);
  return { open: owed.slice(0, Math.max(0, size - alive)), originals };
}

function valuesOf(space: SearchSpace, assignments: readonly ParameterAssignment[]): Map<string, ParameterValue> | undefined {
  const values = new Map<string, ParameterValue>();
  try {
    for (const a of assignments) {
      const d = space.byName.get(a.name);
      if (!d) return undefined;
      values.set(a.name, decodeValue(d, a.value));
    }
  } catch {
    return undefined;
  }
  return values.size === space.domains.length ? values : undefined;
}
