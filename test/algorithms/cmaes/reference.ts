import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/**
 * The reference values of fixtures/cmaes-reference.json, made by
 * fixtures/cmaes_reference.py from the `cmaes` library 0.13.1 (the command is in its
 * docstring).
 */
export interface Generation {
  xs: number[][];
  fs: number[];
  mean: number[];
  sigma: number;
  pSigma?: number[];
  pC?: number[];
  C?: number[];
  diagC?: number[];
  etaMean?: number;
  etaSigma?: number;
  eMean?: number[];
  eSigma?: number[];
  vMean?: number;
  vSigma?: number;
  encoded?: number[][];
  A?: number[];
}

export interface Case {
  mean: number[];
  sigma: number;
  lambda: number;
  margin?: number;
  thresholds?: (number[] | null)[];
  generations: Generation[];
}

export interface SepParameters {
  n: number;
  lambda: number;
  mu: number;
  muEff: number;
  weights: number[];
  c1: number;
  cMu: number;
  cSigma: number;
  dSigma: number;
  cc: number;
  chiN: number;
}

export interface BipopCase {
  lambda0: number;
  inc: number;
  evaluations: number[];
  uniforms: number[];
  plans: { regime: 'small' | 'large'; lambda: number; sigmaFactor: number; maxGenerations: number | null; budgetSmall: number; budgetLarge: number }[];
}

export interface Reference {
  versions: Record<string, string>;
  lra: Case[];
  sepParameters: SepParameters[];
  sep: Case[];
  margin: Case[];
  bipop: BipopCase[];
}

export const REFERENCE: Reference = JSON.parse(readFileSync(new URL('./fixtures/cmaes-reference.json', import.meta.url), 'utf8')) as Reference;

/** |actual − expected| ≤ tolerance · max(1, |expected|) entry by entry, naming the entry on failure. */
export function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  expected.forEach((e, i) => {
    const a = actual[i] as number;
    expect(Math.abs(a - e), `${what}[${i}]: ${a} vs ${e}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(e)));
  });
}

/** The diagonal of an n×n row-major matrix. */
export function diagonalOf(C: ArrayLike<number>, n: number): number[] {
  return Array.from({ length: n }, (_, i) => C[i * n + i] as number);
}
