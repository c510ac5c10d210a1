import { choiceValue, fromUnit, toUnit, type Domain, type ParameterValue, type SearchSpace } from '../../src/search-space/index.js';

/**
 * How the Gaussian process sees a search space: one coordinate per parameter.
 *
 * - A continuous double is its unit-cube coordinate (`toUnit`: affine, or affine in ln x
 *   for logUniform/logNormal; normal and logNormal keep only their scale, the cube is
 *   uniform).
 * - A parameter with finitely many ordered values (int, double with step, discrete list)
 *   is the unit coordinate of its value, which is the centre of the value's cell: the GP
 *   sees ordered points, and the acquisition snaps a coordinate to the nearest cell centre
 *   before scoring it, so it never scores a point that cannot be suggested.
 * - A categorical parameter is the index of its value; the kernel compares indices for
 *   equality only (a Hamming distance), so the order of the list carries no meaning.
 */
export type Coordinate =
  | { kind: 'continuous' }
  | { kind: 'ordered'; count: number; snap: (u: number) => number; centres: readonly number[] }
  | { kind: 'categorical'; size: number };

export interface Encoding {
  space: SearchSpace;
  coordinates: Coordinate[];
  /** 1 where the kernel compares by equality (categorical), else 0. */
  categorical: Uint8Array;
}

/**
 * The largest number of values an ordered coordinate lists for a full sweep of its cells;
 * one with more values (an int range of thousands) is refined by gradient like a
 * continuous coordinate and snapped afterwards.
 */
const MAX_CENTRES = 64;

export function encodingOf(space: SearchSpace): Encoding {
  const coordinates = space.domains.map((d): Coordinate => {
    if (d.kind === 'choice' && d.type === 'categorical') return { kind: 'categorical', size: d.values.length };
    if (d.kind === 'numeric' && d.count === undefined) return { kind: 'continuous' };
    const snap = (u: number): number => toUnit(d, fromUnit(d, u));
    const count = d.kind === 'choice' ? d.values.length : (d.count as number);
    const centres = count <= MAX_CENTRES ? Array.from({ length: count }, (_, i) => snap((i + 0.5) / count)) : [];
    return { kind: 'ordered', count, snap, centres: [...new Set(centres)].sort((a, b) => a - b) };
  });
  return { space, coordinates, categorical: Uint8Array.from(coordinates, (c) => (c.kind === 'categorical' ? 1 : 0)) };
}

/** A value's GP coordinate (for the history reader). */
export function coordinateOf(d: Domain, value: ParameterValue): number {
  return d.kind === 'choice' && d.type === 'categorical' ? d.values.indexOf(String(value)) : toUnit(d, value);
}

/** The parameter value at a GP coordinate. */
export function valueAt(d: Domain, coordinate: number): ParameterValue {
  if (d.kind === 'choice' && d.type === 'categorical') {
    const index = Math.min(d.values.length - 1, Math.max(0, Math.round(coordinate)));
    return choiceValue(d, index);
  }
  return fromUnit(d, coordinate);
}

/**
 * Maps a point of [0, 1]^d (a quasi-random or Latin-hypercube draw) to a valid GP point in
 * place: ordered coordinates to their cell centre, categorical ones to the index of the cell.
 */
export function placeInPlace(encoding: Encoding, u: Float64Array, offset = 0): void {
  encoding.coordinates.forEach((c, j) => {
    const v = u[offset + j] as number;
    if (c.kind === 'ordered') u[offset + j] = c.snap(v);
    else if (c.kind === 'categorical') u[offset + j] = Math.min(c.size - 1, Math.floor(v * c.size));
  });
}

/** Whether gradient refinement moves this coordinate (continuous, or ordered with too many cells to sweep). */
export function isSmooth(c: Coordinate): boolean {
  return c.kind === 'continuous' || (c.kind === 'ordered' && c.centres.length === 0);
}
