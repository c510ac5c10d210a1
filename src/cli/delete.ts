import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { trialDirectory } from '../../trials/process-runner.js';
import { ScribaError } from '../errors.js';
import { notFound, withStore } from './get.js';
import type { Io } from './io.js';

export interface DeleteFlags {
  db: string;
  ignoreNotFound: boolean;
}

/**
 * `scriba delete experiment NAME`: its trials, observation logs and trial directories go;
 * refused while a live process runs it. With --ignore-not-found, a missing experiment
 * (or store) is not an error, as in kubectl.
 */
export function deleteExperiment(name: string, flags: DeleteFlags, io: Io): number {
  try {
    return withStore(flags.db, (store) => {
      // Checked and deleted in one transaction: a run that claims it meanwhile waits, then finds nothing.
      store.atomically(() => {
        if (!store.hasExperiment(name)) throw notFound('experiments', name, store.path);
        const owner = store.liveOwner(name);
        if (owner !== undefined) {
          throw new ScribaError('failed-precondition', `experiment ${name} is being run by process ${owner}; stop it (Ctrl-C or kill ${owner}) before deleting it`);
        }
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
