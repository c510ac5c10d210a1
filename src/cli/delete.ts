import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { trialDirectory } from '../../trials/process-runner.js';
import { purgeExperiment, queueNamespace } from '../../trials/queue/producer.js';
import { ScribaError } from '../errors.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import { notFound, withStore } from './get.js';
import type { Io } from './io.js';

export interface DeleteFlags {
  db: string;
  ignoreNotFound: boolean;
  /** The queue it ran through: its trials still on workers stop, and its jobs and keys leave Redis. */
  queue?: string;
}

/**
 * `scriba delete experiment NAME`: its trials, observation logs and trial directories go;
 * refused while a live process runs it. With --ignore-not-found, a missing experiment
 * (or store) is not an error, as in kubectl.
 */
export async function deleteExperiment(name: string, flags: DeleteFlags, io: Io): Promise<number> {
  try {
    if (flags.queue !== undefined) await purgeQueue(name, flags.db, flags.queue, io);
    return withStore(flags.db, (store) => {
      // Checked and deleted in one transaction: a run that claims it meanwhile waits, then finds nothing.
      store.atomically(() => {
        checkDeletable(store, name);
        store.deleteExperiment(name);
      });
      // The experiment's folder holds every trial directory; trialDirectory refuses names that would leave it.
      const trials = dirname(trialDirectory(join(dirname(resolve(store.path)), 'trials'), name, 'any'));
      rmSync(trials, { recursive: true, force: true });
      io.out(`experiment "${name}" deleted`);
      return 0;
    });
  } catch (error) {
    if (flags.ignoreNotFound && error instanceof ScribaError && error.code === 'not-found') return 0;
    throw error;
  }
}

/** Before the store forgets the experiment: what of it is on the queue (the store knows its namespace). */
async function purgeQueue(name: string, db: string, url: string, io: Io): Promise<void> {
  const state = withStore(db, (store) => {
    checkDeletable(store, name);
    return store.loadState(name);
  });
  const { stopped, stillActive } = await purgeExperiment(url, queueNamespace(state));
  if (stopped > 0) io.err(`scriba: stopped ${stopped} trial${stopped === 1 ? '' : 's'} of ${name} still running on workers`);
  if (stillActive > 0) io.err(`scriba: ${stillActive} of them did not stop within 30 s; their workers may still write to Redis`);
}

/** An experiment may be deleted when it exists and no live process runs it. */
function checkDeletable(store: SqliteStore, name: string): void {
  if (!store.hasExperiment(name)) throw notFound('experiments', name, store.path);
  const owner = store.liveOwner(name);
  if (owner !== undefined) {
    throw new ScribaError('failed-precondition', `experiment ${name} is being run by process ${owner}; stop it (Ctrl-C or kill ${owner}) before deleting it`);
  }
}
