import { ScribaError } from '../errors.js';
import type { Experiment } from '../experiment/types.js';
import type { ExperimentState, StateRecorder } from '../loop/state.js';
import { openExperiment, type OpenOptions } from '../store/open.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import { TIMEOUT_REASON } from './timeout.js';

/**
 * The experiment's state in `tune()`'s store: new, continued, or, once finished, restarted
 * by Katib's rule (`openExperiment`), which the default resumePolicy LongRunning allows
 * whenever maxTrialCount is raised.
 *
 * A timeout ends the call, not the experiment (as Optuna's `optimize(timeout=)` does): the
 * store does not record the timeout's outcome, so the experiment stays unfinished there and
 * the next `tune()` on the same store continues it.
 */
export function openStored(store: SqliteStore, experiment: Experiment, o: OpenOptions): ExperimentState {
  let state: ExperimentState;
  try {
    state = openExperiment(store, experiment, o);
  } catch (error) {
    if (error instanceof ScribaError && /resumePolicy Never does not allow a restart/.test(error.message)) {
      throw new ScribaError(
        'failed-precondition',
        `experiment ${experiment.metadata.name} in ${store.path} has ended, and it was recorded with resumePolicy Never, so it cannot be continued: use another name or store`,
      );
    }
    throw error;
  }
  state.recorder = withoutTimeoutOutcome(store);
  return state;
}

function withoutTimeoutOutcome(store: SqliteStore): StateRecorder {
  return {
    experimentChanged: (state) => {
      if (state.outcome?.reason !== TIMEOUT_REASON) store.experimentChanged(state);
    },
    trialChanged: (state, trial) => store.trialChanged(state, trial),
    logsAppended: (state, name, logs) => store.logsAppended(state, name, logs),
    logsCleared: (state, name) => store.logsCleared(state, name),
  };
}
