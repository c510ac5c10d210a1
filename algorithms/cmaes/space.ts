import {
  domainSize,
  domainValues,
  toUnit,
  unitCell,
  type Domain,
  type ParameterValue,
  type SearchSpace,
} from '../../src/search-space/index.js';
import type { CoordinateKinds } from './sample.js';

/**
 * How a Katib search space maps onto CMA-ES's coordinates, all in the unit cube of the
 * shared transform (src/search-space/transform.ts: affine, or affine in ln x for log
 * scales):
 *
 * - a continuous double is a continuous coordinate, kept inside [0, 1];
 * - an int, a stepped double and a discrete (numeric) list are ladders of values in their
 *   natural order, handled by the margin method (Hamano et al. 2022): a coordinate whose
 *   cells are the transform's cells of the values;
 * - a categorical list has no order for a Gaussian to exploit: it is drawn uniformly at
 *   random for every trial, as Optuna's CmaEsSampler does through its independent sampler;
 * - a parameter with a single value is that value;
 * - an int or stepped double of more than MAX_LADDER_VALUES values is a continuous
 *   coordinate whose value the transform snaps onto the grid: at that resolution the
 *   margin changes nothing, and the ladder's values are never listed (an int range of
 *   ±9e15 has 1.8e16 of them).
 */
export interface CmaSpace {
  /** Number of CMA-ES coordinates. */
  n: number;
  /** Domain index of each coordinate. */
  domains: number[];
  kinds: CoordinateKinds;
  /** For each discrete coordinate, its values in ascending unit-cube order (undefined for continuous ones). */
  values: (ParameterValue[] | undefined)[];
  /** Unit-cube coordinates of those values. */
  units: (Float64Array | undefined)[];
  /** Domains drawn at random (categorical lists). */
  independent: number[];
  /** Domains with a single value, and that value. */
  fixed: Map<number, ParameterValue>;
}

/** The most values of an int or stepped double handled as a ladder by the margin method; beyond, a snapped continuous coordinate. */
export const MAX_LADDER_VALUES = 1_000_000;

export function cmaSpace(space: SearchSpace): CmaSpace {
  const result: CmaSpace = { n: 0, domains: [], kinds: { thresholds: [] }, values: [], units: [], independent: [], fixed: new Map() };
  const thresholds: (Float64Array | undefined)[] = [];
  space.domains.forEach((d, index) => {
    if (d.kind === 'choice' && d.type === 'categorical') {
      if (d.values.length === 1) result.fixed.set(index, d.values[0] as string);
      else result.independent.push(index);
      return;
    }
    const size = domainSize(d);
    const values = d.kind === 'numeric' && size > MAX_LADDER_VALUES ? undefined : domainValues(d);
    if (values === undefined) {
      if (d.kind === 'numeric' && d.max === d.min) {
        result.fixed.set(index, d.min);
        return;
      }
      result.domains.push(index);
      thresholds.push(undefined);
      result.values.push(undefined);
      result.units.push(undefined);
      return;
    }
    if (values.length === 1) {
      result.fixed.set(index, values[0] as ParameterValue);
      return;
    }
    const ordered = values.map((v) => ({ v, u: toUnit(d, v) })).sort((a, b) => a.u - b.u);
    result.domains.push(index);
    result.values.push(ordered.map((o) => o.v));
    result.units.push(Float64Array.from(ordered, (o) => o.u));
    thresholds.push(Float64Array.from(ordered.slice(0, -1), (o) => (unitCell(d, o.v) as [number, number])[1]));
  });
  result.n = result.domains.length;
  result.kinds = { thresholds };
  return result;
}

/**
 * The initial step size in the unit cube. Without `sigma` it is 1/6, Optuna's and
 * goptuna's default of a sixth of the (narrowest) range. Katib's `sigma` is goptuna's
 * sigma0 (katib-spec §4.4), in parameter units (of ln x for log scales); goptuna's
 * default is the narrowest numeric range / 6, so `sigma` is read in units of the
 * narrowest int/double range: sigma = (max − min) / 6 of that parameter gives 1/6. Every
 * coordinate gets the same unit-cube σ0 (goptuna's raw-unit σ0 would give wide ranges a
 * smaller share of their width).
 */
export function unitSigma(space: SearchSpace, sigma: number | undefined): number {
  if (sigma === undefined || !(sigma > 0)) return 1 / 6;
  let narrowest = Infinity;
  for (const d of space.domains) {
    if (d.kind !== 'numeric' || d.max === d.min) continue;
    narrowest = Math.min(narrowest, rangeOf(d));
  }
  return Number.isFinite(narrowest) ? sigma / narrowest : 1 / 6;
}

function rangeOf(d: Extract<Domain, { kind: 'numeric' }>): number {
  return d.log ? Math.log(d.max) - Math.log(d.min) : d.max - d.min;
}
