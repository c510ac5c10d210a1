import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PBT_PARENT_LABEL } from '../algorithms/pbt/labels.js';
import type { Experiment } from '../src/experiment/types.js';
import type { TrialRecord } from '../src/trial/types.js';
import { trialDirectory } from './process-runner.js';

/** The setting that gives a trial a checkpoint directory (Katib's PBT: where its volume is mounted). */
export const CHECKPOINT_SETTING = 'suggestion_trial_dir';

/** Where the trial template expects its checkpoint directory, when the experiment keeps one per trial. */
export function checkpointMount(experiment: Experiment): string | undefined {
  const value = experiment.spec.algorithm?.algorithmSettings?.find((s) => s.name === CHECKPOINT_SETTING)?.value;
  return value ? value : undefined;
}

/**
 * Checkpoint directories under `root`, one per trial (`<root>/<experiment>/<trial>`), as
 * Katib's PBT service keeps them on its volume. A trial's directory is created before it
 * starts; a trial with a parent (PBT's exploit and explore) starts from a copy of the
 * parent's. A trial that runs again (after a crash) keeps what it wrote.
 */
export function checkpointDirectories(root: string, experiment: Experiment): ((trial: TrialRecord) => string) | undefined {
  if (checkpointMount(experiment) === undefined) return undefined;
  const name = experiment.metadata.name;
  return (trial) => {
    const dir = trialDirectory(root, name, trial.name);
    if (existsSync(dir)) return dir;
    const parent = trial.labels?.[PBT_PARENT_LABEL];
    const from = parent ? trialDirectory(root, name, parent) : undefined;
    if (from && existsSync(from)) cpSync(from, dir, { recursive: true });
    else mkdirSync(dir, { recursive: true });
    return dir;
  };
}

/** The default root next to a store file: `<store folder>/checkpoints`. */
export function checkpointRoot(storeDir: string): string {
  return join(storeDir, 'checkpoints');
}
