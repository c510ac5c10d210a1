/**
 * The twelve synthetic test functions of bench-protocol v1, §2, with the protocol's names,
 * domains, minima and minimisers, in the order of its table.
 *
 * @example
 *   const f = getFunction('branin');
 *   f.f([Math.PI, 2.275]) - f.fStar; // ≈ 0
 */
import { ackley, branin, goldsteinPrice, levy, rastrigin, rosenbrock, sixHumpCamel, sphere, styblinskiTang } from './classic.js';
import { hartmann3, hartmann6 } from './hartmann.js';

export { hartmann3, hartmann6 } from './hartmann.js';
export { ackley, branin, goldsteinPrice, levy, rastrigin, rosenbrock, sixHumpCamel, sphere, styblinskiTang } from './classic.js';

export interface BenchFunction {
  name: string;
  dim: number;
  /** [low, high] per coordinate, linear scale (§1). */
  bounds: Array<[number, number]>;
  fStar: number;
  /** known minimisers */
  xStar: number[][];
  f(x: readonly number[]): number;
}

/** The same interval for every coordinate, e.g. [-5, 10]^5. */
function cube(low: number, high: number, dim: number): Array<[number, number]> {
  return Array.from({ length: dim }, (): [number, number] => [low, high]);
}

function fill(value: number, dim: number): number[] {
  return new Array<number>(dim).fill(value);
}

/** Freezes the entry and makes f refuse points of the wrong dimension. */
function define(spec: Omit<BenchFunction, 'dim' | 'f'>, impl: (x: readonly number[]) => number): BenchFunction {
  const dim = spec.bounds.length;
  const f = (x: readonly number[]): number => {
    if (x.length !== dim) throw new RangeError(`${spec.name} takes ${dim} coordinates, got ${x.length}`);
    return impl(x);
  };
  spec.bounds.forEach((b) => Object.freeze(b));
  spec.xStar.forEach((p) => Object.freeze(p));
  Object.freeze(spec.bounds);
  Object.freeze(spec.xStar);
  return Object.freeze({ name: spec.name, dim, bounds: spec.bounds, fStar: spec.fStar, xStar: spec.xStar, f });
}

/** Styblinski–Tang per-coordinate minimiser and minimum (§2, notes). */
const ST_Z = -2.903534027771177;
const ST_MIN = -39.166165703771413;

/** §2's table, in its order. */
export const FUNCTIONS: readonly BenchFunction[] = Object.freeze([
  define(
    {
      name: 'branin',
      bounds: [
        [-5, 10],
        [0, 15],
      ],
      fStar: 0.397887357729738, // = 5/(4π)
      xStar: [
        [Math.PI, 2.275],
        [-Math.PI, 12.275],
        [3 * Math.PI, 2.475],
      ],
    },
    branin,
  ),
  define(
    {
      name: 'six_hump_camel',
      bounds: [
        [-3, 3],
        [-2, 2],
      ],
      fStar: -1.0316284534898774,
      xStar: [
        [0.0898420126, -0.7126564041],
        [-0.0898420126, 0.7126564041],
      ],
    },
    sixHumpCamel,
  ),
  define({ name: 'goldstein_price', bounds: cube(-2, 2, 2), fStar: 3, xStar: [[0, -1]] }, goldsteinPrice),
  define(
    // The true minimum, not the quoted -3.86278214782076 (§2, notes on Hartmann-3).
    { name: 'hartmann3', bounds: cube(0, 1, 3), fStar: -3.862779787332663, xStar: [[0.1145888723, 0.5556488969, 0.8525469839]] },
    hartmann3,
  ),
  define(
    {
      name: 'hartmann6',
      bounds: cube(0, 1, 6),
      fStar: -3.322368011415515,
      xStar: [[0.2016895092, 0.150010693, 0.4768739767, 0.2753324293, 0.3116516155, 0.6573005353]],
    },
    hartmann6,
  ),
  define({ name: 'rosenbrock5', bounds: cube(-5, 10, 5), fStar: 0, xStar: [fill(1, 5)] }, rosenbrock),
  define({ name: 'rosenbrock10', bounds: cube(-5, 10, 10), fStar: 0, xStar: [fill(1, 10)] }, rosenbrock),
  define({ name: 'ackley5', bounds: cube(-32.768, 32.768, 5), fStar: 0, xStar: [fill(0, 5)] }, ackley),
  define({ name: 'rastrigin5', bounds: cube(-5.12, 5.12, 5), fStar: 0, xStar: [fill(0, 5)] }, rastrigin),
  define({ name: 'levy5', bounds: cube(-10, 10, 5), fStar: 0, xStar: [fill(1, 5)] }, levy),
  define(
    // -195.83082851885706 = 5 × -39.166165703771413 (§2).
    { name: 'styblinski_tang5', bounds: cube(-5, 5, 5), fStar: 5 * ST_MIN, xStar: [fill(ST_Z, 5)] },
    styblinskiTang,
  ),
  define({ name: 'sphere10', bounds: cube(-5.12, 5.12, 10), fStar: 0, xStar: [fill(0, 10)] }, sphere),
]);

const BY_NAME: ReadonlyMap<string, BenchFunction> = new Map(FUNCTIONS.map((fn) => [fn.name, fn]));

/** The protocol's function names, in table order. */
export function functionNames(): string[] {
  return FUNCTIONS.map((fn) => fn.name);
}

/** The function named `name`; throws an Error listing the known names otherwise. */
export function getFunction(name: string): BenchFunction {
  const fn = BY_NAME.get(name);
  if (fn === undefined) throw new Error(`unknown benchmark function "${name}"; known: ${functionNames().join(', ')}`);
  return fn;
}
