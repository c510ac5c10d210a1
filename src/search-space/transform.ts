import type { ChoiceDomain, Domain, NumericDomain, ParameterValue, SearchSpace } from './domain.js';
import { choiceValue, gridPoint } from './domain.js';
import type { ParameterAssignment } from '../trial/types.js';
import { decodeValue, encodeValue } from './values.js';

/**
 * The one transform between parameter values and the unit cube, shared by every
 * model-based algorithm (as Optuna's `_transform.py` is for its samplers).
 *
 * - Continuous doubles map affinely, or affinely in ln x for log distributions.
 * - A grid of k points (int, or double with step) maps to k equal cells: point i owns
 *   [i/k, (i+1)/k) and maps to its centre (i + 0.5)/k. In log scale the cells are equal
 *   in ln x over [min - step/2, max' + step/2] (Optuna's int transform), and a point is
 *   recovered by rounding to the nearest grid index.
 * - A list of n values maps to n equal cells, discrete values in ascending order,
 *   categorical values in list order.
 *
 * `fromUnit(toUnit(v)) === v` for every value v of the domain, and `fromUnit(u)` lies in
 * the domain for every u in [0, 1] (values outside are clamped).
 */
export function toUnit(d: Domain, value: ParameterValue): number {
  if (d.kind === 'choice') {
    const index = choiceIndex(d, value);
    return (d.order.indexOf(index) + 0.5) / d.values.length;
  }
  const x = Number(value);
  const [lo, hi] = internalBounds(d);
  if (hi === lo) return 0.5;
  return (scale(d, x) - lo) / (hi - lo);
}

export function fromUnit(d: Domain, u: number): ParameterValue {
  const v = Math.min(1, Math.max(0, u));
  if (d.kind === 'choice') {
    const n = d.values.length;
    return choiceValue(d, d.order[Math.min(n - 1, Math.floor(v * n))] as number);
  }
  const [lo, hi] = internalBounds(d);
  const x = unscale(d, lo + v * (hi - lo));
  return snap(d, x);
}

/**
 * The part of [0, 1] that `fromUnit` maps to this value, for a domain with finitely many
 * values (`undefined` for a continuous double). Discrete kernels integrate over it.
 */
export function unitCell(d: Domain, value: ParameterValue): [number, number] | undefined {
  if (d.kind === 'choice') {
    const position = d.order.indexOf(choiceIndex(d, value));
    const n = d.values.length;
    return [position / n, (position + 1) / n];
  }
  if (d.count === undefined) return undefined;
  const step = d.step as number;
  const i = Math.round((Number(value) - d.min) / step);
  const [lo, hi] = internalBounds(d);
  const edge = (x: number): number => Math.min(1, Math.max(0, (scale(d, x) - lo) / (hi - lo)));
  // Snapping picks the nearest grid point, so a cell ends halfway to each neighbour.
  return [i === 0 ? 0 : edge(d.min + (i - 0.5) * step), i === d.count - 1 ? 1 : edge(d.min + (i + 0.5) * step)];
}

/** The nearest value of the domain to a number: clamped, and rounded onto the grid if any. */
export function snap(d: NumericDomain, x: number): number {
  const clamped = Math.min(d.max, Math.max(d.min, x));
  if (d.count === undefined) return clamped;
  const i = Math.min(d.count - 1, Math.max(0, Math.round((clamped - d.min) / (d.step as number))));
  return gridPoint(d, i);
}

/** Unit-cube coordinates of a whole assignment, in the order of `space.domains`. */
export function assignmentToUnit(space: SearchSpace, assignments: readonly ParameterAssignment[]): number[] {
  const byName = new Map(assignments.map((a) => [a.name, a.value]));
  return space.domains.map((d) => {
    const text = byName.get(d.name);
    if (text === undefined) throw new Error(`assignment lacks parameter "${d.name}"`);
    return toUnit(d, decodeValue(d, text));
  });
}

/** The assignment at a point of the unit cube. */
export function unitToAssignment(space: SearchSpace, u: readonly number[]): ParameterAssignment[] {
  return space.domains.map((d, i) => ({ name: d.name, value: encodeValue(d, fromUnit(d, u[i] ?? 0.5)) }));
}

function scale(d: NumericDomain, x: number): number {
  return d.log ? Math.log(x) : x;
}

function unscale(d: NumericDomain, y: number): number {
  return d.log ? Math.exp(y) : y;
}

/** Bounds of the domain in its internal (linear or log) scale. */
function internalBounds(d: NumericDomain): [number, number] {
  if (d.count === undefined) return [scale(d, d.min), scale(d, d.max)];
  const half = (d.step as number) / 2;
  const top = gridPoint(d, d.count - 1);
  const lo = d.log && d.min - half <= 0 ? d.min : d.min - half;
  return [scale(d, lo), scale(d, top + half)];
}

function choiceIndex(d: ChoiceDomain, value: ParameterValue): number {
  const index = d.numbers ? d.numbers.indexOf(Number(value)) : d.values.indexOf(String(value));
  if (index < 0) throw new Error(`value ${String(value)} is not in the list of parameter "${d.name}"`);
  return index;
}
