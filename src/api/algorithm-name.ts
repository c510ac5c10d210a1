/**
 * The algorithms built into Scriba, by Katib algorithm name (every one of Katib's); a test
 * keeps it equal to the registry's built-in names. enas and darts search a `nasConfig`
 * (an Experiment's, through `scriba run` or gRPC), not `parameters`.
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
  'enas',
  'darts',
  'auto',
] as const;

export type BuiltInAlgorithmName = (typeof BUILT_IN_ALGORITHMS)[number];

/**
 * A built-in algorithm name, or the name a plugin was given with `registerAlgorithm()`.
 * `string & {}` keeps editors completing the built-in names while accepting any other.
 */
export type AlgorithmName = BuiltInAlgorithmName | (string & {});
