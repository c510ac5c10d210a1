import { bestTrial, objectiveOf, type ExperimentState } from '../loop/state.js';
import { processExists, type Owner, type SqliteStore } from '../store/sqlite-store.js';
import { objectiveValue } from '../trial/observation.js';
import { age, summarize, type RunSummary } from './output.js';

/** What `get` and `describe` show of an experiment: its summary, and whether a process runs it. */
export interface ExperimentView extends RunSummary {
  createdAt?: string;
  owner: Owner;
}

export const INTERRUPTED = 'Interrupted';

/**
 * The summary with the status people need: an experiment that is not finished and that no
 * live process runs shows Interrupted (the store alone would say Running forever).
 */
export function experimentView(store: SqliteStore, state: ExperimentState): ExperimentView {
  const name = state.experiment.metadata.name;
  const summary = summarize(state);
  const owner = store.owner(name);
  const createdAt = store.createdAt(name);
  const view: ExperimentView = { ...summary, ...(createdAt ? { createdAt } : {}), owner };
  if (!state.outcome && !owner.alive) {
    view.status = INTERRUPTED;
    view.reason = 'ExperimentInterrupted';
    view.message = `no process is running it (${ownerGone(owner)}); continue it with: scriba resume ${name}`;
  }
  return view;
}

function ownerGone(owner: Owner): string {
  if (owner.pid === undefined) return 'its run was stopped';
  if (!processExists(owner.pid) || !owner.heartbeatAt) return `process ${owner.pid} is gone`;
  return `process ${owner.pid} last reported ${age(owner.heartbeatAt)} ago`;
}

/** `scriba resume NAME` for an interrupted experiment, said once on stderr under a table. */
export function interruptedHint(view: ExperimentView): string | undefined {
  return view.status === INTERRUPTED ? `${view.name} is ${INTERRUPTED}: ${view.message}` : undefined;
}

/** The objective value of the best trial, as a number. */
export function bestValue(state: ExperimentState): number | undefined {
  const best = bestTrial(state);
  return best ? objectiveValue(best, objectiveOf(state)) : undefined;
}
