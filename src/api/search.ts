import type { Distribution, FeasibleSpace, ParameterType } from '../experiment/types.js';
import type { ParameterValue } from '../search-space/index.js';

declare const valueType: unique symbol;

/**
 * A parameter of the TypeScript API, before it gets its name from the `parameters` record.
 * `V` is the type its values arrive as (a number, or the union of a categorical's strings);
 * it exists only for the type checker.
 */
export interface SearchParameter<V extends ParameterValue = ParameterValue> {
  parameterType: ParameterType;
  feasibleSpace: FeasibleSpace;
  readonly [valueType]?: V;
}

/** The parameters of a search space, by name. */
export type SearchSpaceOptions = Readonly<Record<string, SearchParameter>>;

/**
 * The typed values of one trial for a `parameters` record:
 * `ParameterValues<{ x: SearchParameter<number>; act: SearchParameter<'relu' | 'tanh'> }>`
 * is `{ x: number; act: 'relu' | 'tanh' }`.
 */
export type ParameterValues<S extends SearchSpaceOptions = SearchSpaceOptions> = {
  -readonly [K in keyof S]: S[K] extends SearchParameter<infer V> ? V : ParameterValue;
};

export interface RangeOptions {
  min: number;
  max: number;
  step?: number;
  distribution?: Distribution;
}

function range(parameterType: 'double' | 'int', o: RangeOptions): SearchParameter<number> {
  const feasibleSpace: FeasibleSpace = { min: String(o.min), max: String(o.max) };
  if (o.step !== undefined) feasibleSpace.step = String(o.step);
  if (o.distribution !== undefined) feasibleSpace.distribution = o.distribution;
  return { parameterType, feasibleSpace };
}

/**
 * Search-space builders in the vocabulary of Katib's Python SDK (`katib.search`):
 *
 * ```ts
 * parameters: {
 *   lr: search.double({ min: 1e-4, max: 1e-1, distribution: 'logUniform' }),
 *   layers: search.int({ min: 1, max: 4 }),
 *   optimizer: search.categorical(['sgd', 'adam']),   // values typed 'sgd' | 'adam'
 * }
 * ```
 */
export const search = {
  double: (options: RangeOptions): SearchParameter<number> => range('double', options),
  int: (options: RangeOptions): SearchParameter<number> => range('int', options),
  /** A list of numbers, suggested as numbers. */
  discrete: (values: readonly number[]): SearchParameter<number> => ({
    parameterType: 'discrete',
    feasibleSpace: { list: values.map(String) },
  }),
  /** A list of strings; values are typed as the union of the listed strings. */
  categorical: <const T extends string>(values: readonly T[]): SearchParameter<T> => ({
    parameterType: 'categorical',
    feasibleSpace: { list: values.map(String) },
  }),
};
