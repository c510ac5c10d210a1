/**
 * The multi-fidelity benchmark of bench-protocol v1 (§5, Appendix A.4): trials run one at a
 * time on the learning-curve objective, the run ends at the first trial end with cumulative
 * epochs >= the budget, and after every trial end the incumbent is the complete (81-epoch)
 * trial with the smallest final loss (ties: the lowest k). The bookkeeping is pure and shared
 * by every method; a method only decides configurations and when a trial stops.
 *
 *   const run = await runMultifidelity(method, { seed: 0 });
 *   run.history.at(-1)?.incumbent_regret; // A(x_inc) - A* after the last trial
 */
import { A_STAR, asymptote, learningCurveLoss, MAX_EPOCHS } from './functions/learning-curve.js';
import type { Meta } from './protocol.js';

export const MULTIFIDELITY_SCHEMA = 'hpo-bench/multifidelity/v1';
/** §5: 8,100 epochs = 100 full trainings. */
export const MULTIFIDELITY_BUDGET = 8100;
/** §5: the cumulative-epoch checkpoints E of the report. */
export const CHECKPOINTS = [810, 2430, 4050, 8100] as const;

/** One trial end (§7.3 `history`). */
export interface HistoryEntry {
  trial: number;
  x: number[];
  state: 'COMPLETE' | 'PRUNED';
  epochs: number;
  last_value: number;
  asymptote_regret: number;
  cum_epochs: number;
  incumbent_trial: number | null;
  incumbent_regret: number | null;
  best_any_regret: number;
}

/** One run of one method with one seed (§7.3 `runs`). */
export interface MultifidelityRun {
  sampler: string;
  pruner: string;
  seed: number;
  budget_epochs: number;
  n_trials: number;
  n_complete: number;
  total_epochs: number;
  history: HistoryEntry[];
  /** Set on runs merged from a peer. */
  engine?: string;
  wall_s?: number;
}

export interface MultifidelityFile {
  schema: typeof MULTIFIDELITY_SCHEMA;
  meta: Meta & { objective: string; max_epochs: number; a_star: number; pruners: Record<string, string> };
  runs: MultifidelityRun[];
}

/** What one trial did: its configuration and the last epoch it evaluated. */
export interface TrialEnd {
  x: number[];
  epochs: number;
}

/**
 * Trial k of a run: `loss(t)` is loss(x, t; seed, k) of A.2, to be called for t = 1, 2, ... in
 * order (the harness checks it); the epochs a trial consumed are the last t it evaluated.
 */
export interface TrialContext {
  readonly index: number;
  loss(x: readonly number[], t: number): number;
}

/**
 * A method under test. `runTrial` runs trial k from its first epoch to its end (stopped or
 * complete) and says which configuration it ran; a method that restarts a configuration
 * runs it as a new trial (§5: it pays all its epochs again).
 */
export interface MultifidelityMethod {
  sampler: string;
  pruner: string;
  runTrial(trial: TrialContext): Promise<TrialEnd>;
}

/** A trial's result before the run's bookkeeping. */
export interface TrialRecord {
  x: number[];
  epochs: number;
  last_value: number;
}

/**
 * The history of §5 / A.4 from trials in creation order: cumulative epochs, the incumbent
 * after each trial end (complete = 81 epochs; strictly smaller final value replaces it, so ties
 * keep the lowest k), best_any_regret over every trial so far. Trials past the budget's stop
 * (the first end with cum_epochs >= budget) are left out.
 */
export function historyOf(trials: readonly TrialRecord[], budget = MULTIFIDELITY_BUDGET): HistoryEntry[] {
  const history: HistoryEntry[] = [];
  let cum = 0;
  let incumbent: { k: number; value: number; regret: number } | undefined;
  let bestAny = Infinity;
  for (const [k, t] of trials.entries()) {
    if (cum >= budget) break;
    const regret = asymptote(t.x) - A_STAR;
    const complete = t.epochs === MAX_EPOCHS;
    cum += t.epochs;
    if (complete && (incumbent === undefined || t.last_value < incumbent.value)) incumbent = { k, value: t.last_value, regret };
    bestAny = Math.min(bestAny, regret);
    history.push({
      trial: k,
      x: [...t.x],
      state: complete ? 'COMPLETE' : 'PRUNED',
      epochs: t.epochs,
      last_value: t.last_value,
      asymptote_regret: regret,
      cum_epochs: cum,
      incumbent_trial: incumbent?.k ?? null,
      incumbent_regret: incumbent?.regret ?? null,
      best_any_regret: bestAny,
    });
  }
  return history;
}

/** A run's record from its history. */
export function runOf(sampler: string, pruner: string, seed: number, history: HistoryEntry[], budget = MULTIFIDELITY_BUDGET): MultifidelityRun {
  return {
    sampler,
    pruner,
    seed,
    budget_epochs: budget,
    n_trials: history.length,
    n_complete: history.filter((h) => h.state === 'COMPLETE').length,
    total_epochs: history.at(-1)?.cum_epochs ?? 0,
    history,
  };
}

/**
 * A.4's checkpoint value: the incumbent regret after the last trial that ended with
 * cum_epochs <= E; +Infinity before the first complete trial (null in the file).
 */
export function incumbentAt(history: readonly HistoryEntry[], epochs: number): number {
  let value: number | null = null;
  for (const h of history) {
    if (h.cum_epochs > epochs) break;
    value = h.incumbent_regret;
  }
  return value ?? Infinity;
}

/** best_any_regret after the last trial ending at cum_epochs <= E (+Infinity before any). */
export function bestAnyAt(history: readonly HistoryEntry[], epochs: number): number {
  let value = Infinity;
  for (const h of history) {
    if (h.cum_epochs > epochs) break;
    value = h.best_any_regret;
  }
  return value;
}

/** Runs one method with one seed until the budget's stop rule (§5), sequentially. */
export async function runMultifidelity(method: MultifidelityMethod, options: { seed: number; budget?: number }): Promise<MultifidelityRun> {
  const budget = options.budget ?? MULTIFIDELITY_BUDGET;
  const started = performance.now();
  const trials: TrialRecord[] = [];
  let cum = 0;
  while (cum < budget) {
    const k = trials.length;
    let last = 0;
    let lastValue = NaN;
    let ran: readonly number[] | undefined;
    const context: TrialContext = {
      index: k,
      loss(x, t) {
        if (t !== last + 1 || t > MAX_EPOCHS) throw new RangeError(`trial ${k}: epoch ${t} after epoch ${last} (epochs run 1..${MAX_EPOCHS} in order)`);
        if (ran !== undefined && x.some((v, i) => v !== ran?.[i])) throw new RangeError(`trial ${k}: the configuration changed during the trial`);
        ran = [...x];
        last = t;
        lastValue = learningCurveLoss(x, t, options.seed, k);
        return lastValue;
      },
    };
    const end = await method.runTrial(context);
    if (end.epochs !== last || last === 0) throw new RangeError(`trial ${k}: says ${end.epochs} epochs but evaluated ${last}`);
    if (end.x.some((v, i) => v !== ran?.[i])) throw new RangeError(`trial ${k}: says it ran another configuration than it evaluated`);
    trials.push({ x: [...end.x], epochs: last, last_value: lastValue });
    cum += last;
  }
  const run = runOf(method.sampler, method.pruner, options.seed, historyOf(trials, budget), budget);
  return { ...run, wall_s: (performance.now() - started) / 1000 };
}
