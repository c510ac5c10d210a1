/** Sorted arrays of numbers, as the early-stopping judges keep their values. */

/** The number of entries of `sorted` (ascending) strictly smaller than `x`. */
export function countBelow(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts `x` into `sorted` (ascending), after its equals: O(log m) search, O(m) move. */
export function insertSorted(sorted: number[], x: number): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  sorted.splice(lo, 0, x);
}
