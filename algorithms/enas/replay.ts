import { createRng } from '../../src/rng.js';
import { createRecent } from '../recent.js';
import type { ControllerDims } from './controller.js';
import type { Lesson } from './history.js';
import type { EnasSettings } from './settings.js';
import { initialState, trainController, type ControllerState } from './train.js';

/**
 * Rebuilding the controller of a request: from the seeded initial weights, the training
 * of every earlier request is replayed in order, each on the trials it learnt from (a run
 * of the ordered lessons, ended by its labelled count), then this request's own training
 * on the trials not learnt yet. The same seed, settings and trials give the same weights
 * bit for bit, so a restarted service gives the same answers.
 *
 * Replaying costs every earlier request's training, so the replayer remembers, per
 * experiment, the state after the requests it last computed and what they learnt; it
 * resumes from there only when that is exactly a prefix of what is asked now, under the
 * same fingerprint (seed, sizes, settings). It saves time, never changes answers.
 */
export interface ReplayInput {
  experiment: string;
  seed: number;
  dims: ControllerDims;
  settings: EnasSettings;
  /** The trials to learn from, in order (see `lessons`). */
  lessons: readonly Lesson[];
  /** How many lessons each request had learnt when it sampled, index = request number, this one last. */
  counts: readonly number[];
}

export type Replayer = (input: ReplayInput) => ControllerState;

interface Memo {
  fingerprint: string;
  /** One key per replayed request: what it learnt. */
  steps: string[];
  state: ControllerState;
}

/** How many experiments a replayer remembers (least recently used first out). */
const MEMO_EXPERIMENTS = 16;

export function createReplayer(options: { memo?: boolean } = {}): Replayer {
  const memos = createRecent<{ memo?: Memo }>(MEMO_EXPERIMENTS);
  return ({ experiment, seed, dims, settings, lessons, counts }) => {
    const fingerprint = JSON.stringify([seed, dims, settings]);
    const batches = counts.map((end, g) => lessons.slice(Math.min(g === 0 ? 0 : (counts[g - 1] ?? 0), lessons.length), Math.min(end, lessons.length)));
    const steps = batches.map((batch) => JSON.stringify(batch));
    const box = options.memo === false ? {} : memos(experiment, () => ({}));
    const memo = box.memo;
    let done = 0;
    let state: ControllerState;
    if (memo && memo.fingerprint === fingerprint && memo.steps.length <= steps.length && memo.steps.every((k, g) => k === steps[g])) {
      done = memo.steps.length;
      state = memo.state;
    } else {
      state = initialState(dims, createRng(seed, 'enas', 'init'));
    }
    for (let g = done; g < batches.length; g++) state = trainController(state, dims, settings, batches[g] ?? []);
    if (options.memo !== false) box.memo = { fingerprint, steps, state };
    return state;
  };
}
