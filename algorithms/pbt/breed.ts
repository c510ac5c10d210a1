import type { Rng } from '../../src/rng.js';
import type { ParameterValue, SearchSpace } from '../../src/search-space/index.js';
import { exploreValue } from './explore.js';
import type { Member } from './population.js';

/** One member of the next generation: its values and the trial whose checkpoint it starts from. */
export interface Child {
  values: Map<string, ParameterValue>;
  parent: string;
  /** How it was made: copied from a stronger member, or perturbed from its own. */
  how: 'exploit' | 'explore';
}

/** The pool, best first (ties: creation order). Scores are already "larger is better". */
export function rank(pool: readonly Member[]): Member[] {
  return [...pool].sort((a, b) => (b.score as number) - (a.score as number) || a.index - b.index);
}

/**
 * Child `j` of the generation after `ranked` (Jaderberg et al. 2017, §3 and §4.1
 * "truncation selection"). Child j continues the member of rank j mod n. With
 * k = ⌊n · truncationThreshold⌋, the k lowest-ranked members exploit: they take the
 * values of a member drawn uniformly from the k best, and that stronger member is the
 * parent, whose checkpoint the child starts from (Katib names the weak member itself).
 * The others explore from themselves: their own checkpoint, their values perturbed (see
 * `exploreValue`). With k = 0 no one exploits. As in Katib, an exploiting child's values
 * are copied unperturbed (the paper's Algorithm 1 explores after exploiting).
 *
 * Children beyond n (asked for before the generation's own pool is complete) continue
 * the same ranks again with their own draws.
 */
export function breedChild(
  ranked: readonly Member[],
  j: number,
  space: SearchSpace,
  truncationThreshold: number,
  resampleProbability: number,
  rng: Rng,
): Child {
  const n = ranked.length;
  const k = Math.floor(n * truncationThreshold + 1e-9);
  const rankOf = j % n;
  const member = ranked[rankOf] as Member;
  if (k > 0 && rankOf >= n - k) {
    const stronger = ranked[rng.int(k)] as Member;
    return { values: new Map(stronger.values), parent: stronger.name, how: 'exploit' };
  }
  const values = new Map<string, ParameterValue>();
  for (const d of space.domains) {
    values.set(d.name, exploreValue(d, member.values.get(d.name) as ParameterValue, rng, resampleProbability));
  }
  return { values, parent: member.name, how: 'explore' };
}
