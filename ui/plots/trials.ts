/**
 * What the pictures pick out of an experiment: the trials that rank, the best of them, the
 * best value so far, and an axis for each parameter.
 */
import type { PlotExperiment, PlotParameter, PlotTrial } from '../model.js';
import { categoryAxis, linearAxis, logAxis, range, type Axis } from './scales.js';

export type Goal = PlotExperiment['goal'];

/** A trial that ranks, with its value. */
export type RankedTrial = PlotTrial & { value: number };

/**
 * The trials that rank, in creation order: Succeeded and EarlyStopped with a finite
 * objective value, as Katib ranks them for its best trial (src/loop/status.ts, canRank).
 */
export function rankedTrials(x: PlotExperiment): RankedTrial[] {
  return x.trials.filter(
    (t): t is RankedTrial => (t.condition === 'Succeeded' || t.condition === 'EarlyStopped') && typeof t.value === 'number' && Number.isFinite(t.value),
  );
}

/** Whether `a` is strictly better than `b` under the goal. */
export const better = (goal: Goal, a: number, b: number): boolean => (goal === 'minimize' ? a < b : a > b);

/** The best value up to and including each position: a running min (minimize) or max (maximize). */
export function bestSoFar(goal: Goal, values: readonly number[]): number[] {
  const out: number[] = [];
  let best: number | undefined;
  for (const v of values) {
    if (best === undefined || better(goal, v, best)) best = v;
    out.push(best);
  }
  return out;
}

/** The best trial: the experiment's own where it ranks, else the first of the best values (a later tie does not replace it). */
export function bestOf(x: PlotExperiment, ranked: readonly RankedTrial[]): RankedTrial | undefined {
  const named = x.bestTrial === undefined ? undefined : ranked.find((t) => t.name === x.bestTrial);
  if (named) return named;
  let best: RankedTrial | undefined;
  for (const t of ranked) if (best === undefined || better(x.goal, t.value, best.value)) best = t;
  return best;
}

/** A parameter's value as a number: text that is a finite number, else undefined. */
export function numberOf(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * The axis of a parameter over the values given: a number's from the space's bounds, widened
 * to hold values outside them (or from the values alone where the space has none), log10
 * where the space is log and everything is positive; a category's in the space's order, then
 * values the space does not list in their order of appearance.
 */
export function parameterAxis(p: PlotParameter, values: readonly (string | undefined)[]): Axis {
  if (p.kind === 'category') {
    const listed = p.categories ?? [];
    const known = new Set(listed);
    const extra: string[] = [];
    for (const v of values) {
      if (v === undefined || known.has(v)) continue;
      known.add(v);
      extra.push(v);
    }
    return categoryAxis([...listed, ...extra]);
  }
  const bounds = p.min !== undefined && p.max !== undefined && Number.isFinite(p.min) && Number.isFinite(p.max) && p.min <= p.max ? [p.min, p.max] : [];
  const r = range([...bounds, ...values.map(numberOf).filter((v): v is number => v !== undefined)]);
  if (!r) return linearAxis(0, 1);
  return p.log && r[0] > 0 ? logAxis(r[0], r[1]) : linearAxis(r[0], r[1]);
}
