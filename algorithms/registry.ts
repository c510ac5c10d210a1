import { ScribaError } from '../src/errors.js';
import { createAuto } from './auto/index.js';
import { createBayesianOptimization } from './bayesianoptimization/index.js';
import { createCmaes } from './cmaes/index.js';
import { createDarts } from './darts/index.js';
import { createEnas } from './enas/index.js';
import { createGrid } from './grid/index.js';
import { createPbt } from './pbt/index.js';
import { createHyperband } from './hyperband/index.js';
import { createRandom } from './random/index.js';
import { createSobol } from './sobol/index.js';
import { createTpe } from './tpe/index.js';
import type { Algorithm } from './types.js';

/**
 * Every algorithm name Katib's default configuration knows (katib-spec §4). An experiment
 * naming one that Scriba does not implement yet is told so; any other name is unknown.
 */
export const KATIB_ALGORITHM_NAMES: readonly string[] = [
  'random',
  'grid',
  'tpe',
  'multivariate-tpe',
  'bayesianoptimization',
  'cmaes',
  'sobol',
  'hyperband',
  'pbt',
  'enas',
  'darts',
];

const registry = new Map<string, () => Algorithm>([
  ['random', createRandom],
  ['grid', createGrid],
  ['tpe', () => createTpe(false)],
  ['multivariate-tpe', () => createTpe(true)],
  ['bayesianoptimization', createBayesianOptimization],
  ['cmaes', createCmaes],
  ['sobol', createSobol],
  ['pbt', createPbt],
  ['hyperband', createHyperband],
  ['enas', () => createEnas()],
  ['darts', createDarts],
  ['auto', () => createAuto()],
]);

/** Names of the algorithms available now, built in and registered. */
export function algorithmNames(): string[] {
  return [...registry.keys()];
}

/** Adds an algorithm plugin under its Katib name (or a name of your own). */
export function registerAlgorithm(name: string, factory: () => Algorithm): void {
  registry.set(name, factory);
}

/** A fresh instance of the named algorithm; an unknown name is an error listing the known ones. */
export function getAlgorithm(name: string): Algorithm {
  const factory = registry.get(name);
  if (factory) return factory();
  throw new ScribaError('invalid-argument', unknownAlgorithmMessage(name));
}

export function unknownAlgorithmMessage(name: string): string {
  const known = algorithmNames().join(', ');
  if (KATIB_ALGORITHM_NAMES.includes(name)) {
    return `algorithm ${name} is not implemented in this version of Scriba; available: ${known}`;
  }
  return `unknown algorithm name ${name}; known algorithms: ${known}`;
}
