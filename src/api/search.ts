import type { Distribution, FeasibleSpace, ParameterType } from '../experiment/types.js';

/** A parameter of the TypeScript API, before it gets its name from the `parameters` record. */
export interface SearchParameter {
  parameterType: ParameterType;
  feasibleSpace: FeasibleSpace;
}

export interface RangeOptions {
  min: number;
  max: number;
  step?: number;
  distribution?: Distribution;
}

function range(parameterType: 'double' | 'int', o: RangeOptions): SearchParameter {
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
 *   optimizer: search.categorical(['sgd', 'adam']),
 * }
 * ```
 */
export const search = {
  double: (options: RangeOptions): SearchParameter => range('double', options),
  int: (options: RangeOptions): SearchParameter => range('int', options),
  /** A list of numbers, suggested as numbers. */
  discrete: (values: readonly number[]): SearchParameter => ({
    parameterType: 'discrete',
    feasibleSpace: { list: values.map(String) },
  }),
  /** A list of strings. */
  categorical: (values: readonly string[]): SearchParameter => ({
    parameterType: 'categorical',
    feasibleSpace: { list: values.map(String) },
  }),
};
