import { ScribaError } from '../errors.js';
import type { Experiment } from '../experiment/types.js';
import { createState, requeueTrial, restart, type ExperimentState } from '../loop/state.js';
import type { SqliteStore } from './sqlite-store.js';

const COUNT_FIELDS = ['parallelTrialCount', 'maxTrialCount', 'maxFailedTrialCount'] as const;

export interface OpenOptions {
  /** Seed of a new experiment; a continued one keeps its own, and a different one is an error. */
  seed: number;
  /** Whether the caller gave the seed (only then may it conflict with a stored one). */
  seedGiven?: boolean;
  /** The file the experiment came from. */
  source?: string;
  /** Trials left Running stay Running (they run on queue workers, and the queue runner re-attaches to them). */
  keepRunning?: boolean;
  /** Claim it even if another live process owns it: the caller holds a lock that excludes that process. */
  takeOver?: boolean;
}

/**
 * The experiment's state in the store: new, or the stored one continued as Katib's update
 * rules allow (katib-spec §2.3 rule 3, §3.4). Only parallelTrialCount, maxTrialCount and
 * maxFailedTrialCount may differ from the stored spec; an unfinished experiment continues
 * (its interrupted trials run again); a finished one restarts only if Katib's resume
 * policy allows it and maxTrialCount was raised.
 */
export function openExperiment(store: SqliteStore, experiment: Experiment, o: OpenOptions): ExperimentState {
  // One transaction: of two processes opening the same experiment at once, one creates or
  // claims it and the other then finds it owned.
  return store.atomically(() => openOrCreate(store, experiment, o));
}

function openOrCreate(store: SqliteStore, experiment: Experiment, o: OpenOptions): ExperimentState {
  const name = experiment.metadata.name;
  if (!store.hasExperiment(name)) {
    const state = createState(experiment, o.seed, store);
    store.createExperiment(state, o.source);
    store.claim(name, { takeOver: o.takeOver === true });
    return state;
  }
  const state = continueExperiment(store, name, { keepRunning: o.keepRunning === true, takeOver: o.takeOver === true });
  const changed = specChanges(state.experiment, experiment);
  if (changed.length > 0) {
    throw new ScribaError(
      'failed-precondition',
      `experiment ${name} already exists in ${store.path} with a different ${changed.join(', ')}; only ${COUNT_FIELDS.join(', ')} may change (Katib's update rule): use another name or store`,
    );
  }
  if (o.seedGiven && o.seed !== state.seed) {
    throw new ScribaError('failed-precondition', `experiment ${name} runs with seed ${state.seed}; seed ${o.seed} cannot change it`);
  }
  const counts = Object.fromEntries(COUNT_FIELDS.map((f) => [f, experiment.spec[f]]));
  if (state.outcome) {
    if (experiment.spec.maxTrialCount === state.experiment.spec.maxTrialCount) {
      throw new ScribaError(
        'failed-precondition',
        `experiment ${name} has already ended (${state.outcome.type}, ${state.outcome.reason}) in ${store.path}; raise maxTrialCount to restart it, or use another name or store`,
      );
    }
    const why = restart(state, counts);
    if (why) throw new ScribaError('failed-precondition', `cannot restart ${name}: ${why}`);
  } else {
    Object.assign(state.experiment.spec, counts);
    store.experimentChanged(state);
  }
  return state;
}

/**
 * The stored experiment, ready to go on: refused while another live process runs it;
 * trials that were running when the last run stopped are queued to run again from the start,
 * unless `keepRunning` (a queue run: they may still be running on workers).
 */
export function continueExperiment(store: SqliteStore, name: string, o: { keepRunning?: boolean; takeOver?: boolean } = {}): ExperimentState {
  // Claimed before it is read, in one transaction with the caller's: a process that loses the
  // race never sees (or runs) a state another process is changing.
  return store.atomically(() => {
    store.claim(name, { takeOver: o.takeOver === true });
    const state = store.loadState(name);
    return o.keepRunning ? state : requeued(state);
  });
}

function requeued(state: ExperimentState): ExperimentState {
  for (const trial of state.trials) {
    if (trial.condition === 'Running') requeueTrial(state, trial.name, 'The trial was running when the experiment stopped; it runs again from the start');
  }
  return state;
}

/** Fields of the spec that differ, other than the three counts Katib lets an update change. */
function specChanges(old: Experiment, next: Experiment): string[] {
  const fields = new Set([...Object.keys(old.spec), ...Object.keys(next.spec)]);
  return [...fields]
    .filter((f) => !(COUNT_FIELDS as readonly string[]).includes(f))
    .filter((f) => JSON.stringify(old.spec[f as keyof Experiment['spec']]) !== JSON.stringify(next.spec[f as keyof Experiment['spec']]))
    .map((f) => `spec.${f}`);
}
