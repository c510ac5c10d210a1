/**
 * Input size limits. Katib has none of its own beyond Kubernetes' (an object of at most
 * about 1.5 MB in etcd); these keep a mistaken or hostile input from exhausting memory or
 * from reaching code that would build an array the size of the search space. Each is
 * checked where the input comes in, with a message naming the field and the limit
 * (README, "Limits"; docs/katib-differences.md).
 */

/** An Experiment file (YAML or JSON) is refused beyond this size, before it is read. */
export const MAX_EXPERIMENT_BYTES = 4 * 1024 * 1024;

/** At most this many parameters in spec.parameters. */
export const MAX_PARAMETERS = 1_000;

/** At most this many values in one feasibleSpace.list (discrete and categorical parameters). */
export const MAX_LIST_VALUES = 10_000;

/** The grid algorithm: at most this many points for one parameter. */
export const MAX_GRID_POINTS_PER_PARAMETER = 10_000_000;

/**
 * The grid algorithm: at most this many combinations in all. Below 2^53, so that every
 * combination's index is an exact integer.
 */
export const MAX_GRID_COMBINATIONS = 1e15;

/** `4194304` as `4 MiB`, `10000` as `10,000`, 9.999999999999999e299 as `1e300`: a limit or a count as a reader wants to see it. */
export function formatLimit(n: number, unit?: 'bytes'): string {
  if (unit === 'bytes' && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  return n >= 1e15 ? Number(n.toPrecision(6)).toExponential().replace('e+', 'e') : n.toLocaleString('en-US');
}
