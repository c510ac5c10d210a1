import { ScribaError } from '../src/errors.js';
import { createAsha } from './asha/index.js';
import { createMedianStop } from './medianstop/index.js';
import type { EarlyStoppingAlgorithm } from './types.js';

const registry = new Map<string, () => EarlyStoppingAlgorithm>([
  ['medianstop', createMedianStop],
  ['asha', createAsha],
]);

/** Names of the early-stopping algorithms available now. */
export function earlyStoppingNames(): string[] {
  return [...registry.keys()];
}

/** Adds an early-stopping plugin under its name. */
export function registerEarlyStopping(name: string, factory: () => EarlyStoppingAlgorithm): void {
  registry.set(name, factory);
}

/** A fresh instance of the named early-stopping algorithm; an unknown name is Katib's error. */
export function getEarlyStopping(name: string): EarlyStoppingAlgorithm {
  const factory = registry.get(name);
  if (factory) return factory();
  throw new ScribaError('invalid-argument', `unknown algorithm name ${name}; known early stopping algorithms: ${earlyStoppingNames().join(', ')}`);
}
