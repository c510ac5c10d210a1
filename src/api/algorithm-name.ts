/**
 * The algorithms built into Scriba, by Katib algorithm name. Katib's other names
 * (enas, darts) join this list once they are implemented; a test keeps it
 * equal to the registry's built-in names.
 */
export const BUILT_IN_ALGORITHMS = [
  'random',
  'grid',
  'tpe',
  'multivariate-tpe',
  'bayesianoptimization',
  'cmaes',
  'sobol',
  'pbt',
  'hyperband',
] as const;

export type BuiltInAlgorithmName = (typeof BUILT_IN_ALGORITHMS)[number];

/**
 * A built-in algorithm name, or the name a plugin was given with `registerAlgorithm()`.
 * `string & {}` keeps editors completing the built-in names while accepting any other.
 */
export type AlgorithmName = BuiltInAlgorithmName | (string & {});
