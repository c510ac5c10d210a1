import { createRecent } from '../recent.js';
import { advance, initialState, type CmaConfig, type RunState, type Told } from './run.js';

/**
 * Rebuilding the search state from the trial history. Each suggestion carries the run,
 * generation and slot it was drawn for; the state is replayed from the first run by
 * telling each generation, in order, the first λ of its completed trials in creation
 * order. The replay stops at the first generation with fewer: that is the current one.
 *
 * Replaying costs O(history) per request, so the replayer memoises each generation's
 * result under what was told to it (slots, values and points, compared by value) and the
 * experiment's fingerprint. A memoised step is reused only when exactly the same was
 * told, so a fresh replayer gives the same state: the cache saves time, never changes
 * answers.
 */

/** The told candidates of each generation, keyed `<run>-<generation>`, in creation order. */
export type Generations = ReadonlyMap<string, readonly Told[]>;

export function generationKey(run: number, generation: number): string {
  return `${run}-${generation}`;
}

interface Step {
  signature: Float64Array;
  after: RunState;
}

interface Memo {
  initial: RunState;
  steps: Step[];
}

/** How many experiments a replayer remembers (least recently used first out). */
const MEMO_EXPERIMENTS = 16;

/** A replay with memory; `fingerprint` must identify the configuration (space, settings, seed). */
export type Replayer = (config: CmaConfig, fingerprint: string, generations: Generations) => RunState;

export function createReplayer(): Replayer {
  const memos = createRecent<Memo>(MEMO_EXPERIMENTS);
  return (config, fingerprint, generations) => {
    const memo = memos(fingerprint, () => ({ initial: initialState(config), steps: [] }));

    let state = memo.initial;
    for (let k = 0; ; k++) {
      const told = generations.get(generationKey(state.plan.index, state.dist.generation));
      const lambda = state.dist.params.lambda;
      if (!told || told.length < lambda) {
        memo.steps.length = Math.min(memo.steps.length, k + 1);
        return state;
      }
      const first = told.slice(0, lambda);
      const step = memo.steps[k];
      if (step && sameTold(step.signature, first, config.space.n)) {
        state = step.after;
        continue;
      }
      state = advance(config, state, first);
      memo.steps.length = k;
      memo.steps.push({ signature: signatureOf(first, config.space.n), after: state });
    }
  };
}

function signatureOf(told: readonly Told[], n: number): Float64Array {
  const out = new Float64Array(told.length * (n + 2));
  let i = 0;
  for (const t of told) {
    out[i++] = t.slot;
    out[i++] = t.value;
    for (let j = 0; j < n; j++) out[i++] = t.point[j] as number;
  }
  return out;
}

/** Whether `told` is what `signature` was made from. */
function sameTold(signature: Float64Array, told: readonly Told[], n: number): boolean {
  if (signature.length !== told.length * (n + 2)) return false;
  let i = 0;
  for (const t of told) {
    if (signature[i++] !== t.slot || signature[i++] !== t.value) return false;
    for (let j = 0; j < n; j++) if (signature[i++] !== t.point[j]) return false;
  }
  return true;
}
