import { createRng } from '../../src/rng.js';
import { createRecent } from '../recent.js';
import type { ControllerDims } from './controller.js';
import { decodeReward } from './labels.js';
import type { EnasSettings } from './settings.js';
import { initialState, trainController, type ControllerState } from './train.js';

/**
 * Rebuilding the controller of a request: from the seeded initial weights, the training
 * of every earlier request is replayed in order, each on its recorded reward with its own
 * seeded stream, then this request's own training. The same seed, settings and rewards
 * give the same weights bit for bit, so a restarted service gives the same answers.
 *
 * Replaying costs every earlier request's training, so the replayer remembers, per
 * experiment, the state after the requests it last computed and what they were trained
 * on; it resumes from there only when that is exactly a prefix of what is asked now,
 * under the same fingerprint (seed, sizes, settings). It saves time, never changes answers.
 */
export interface ReplayInput {
  experiment: string;
  seed: number;
  dims: ControllerDims;
  settings: EnasSettings;
  /** Encoded reward of each request so far, index = request number (see `readRequests`), this one last. */
  rewards: readonly string[];
}

export type Replayer = (input: ReplayInput) => ControllerState;

interface Memo {
  fingerprint: string;
  rewards: string[];
  state: ControllerState;
}

/** How many experiments a replayer remembers (least recently used first out). */
const MEMO_EXPERIMENTS = 16;

export function createReplayer(options: { memo?: boolean } = {}): Replayer {
  const memos = createRecent<{ memo?: Memo }>(MEMO_EXPERIMENTS);
  return ({ experiment, seed, dims, settings, rewards }) => {
    const fingerprint = JSON.stringify([seed, dims, settings]);
    const box = options.memo === false ? {} : memos(experiment, () => ({}));
    const memo = box.memo;
    let done = 0;
    let state: ControllerState;
    if (memo && memo.fingerprint === fingerprint && memo.rewards.length <= rewards.length && memo.rewards.every((r, g) => r === rewards[g])) {
      done = memo.rewards.length;
      state = memo.state;
    } else {
      state = initialState(dims, createRng(seed, 'enas', 'init'));
    }
    for (let g = done; g < rewards.length; g++) {
      const reward = decodeReward(rewards[g]);
      // Request 0 samples from the initial controller (Katib's first call); a request with
      // nothing to learn from (no Succeeded trial) does not train either.
      if (g > 0 && reward !== null) state = trainController(state, dims, settings, reward, createRng(seed, 'enas', 'train', g));
    }
    if (options.memo !== false) box.memo = { fingerprint, rewards: [...rewards], state };
    return state;
  };
}
