import type { Distribution, ParameterSpec } from '../experiment/types.js';
import { ScribaError } from '../errors.js';
import { checkParameter, parseNumber } from './check.js';

/** A typed parameter value: numbers for double, int and discrete; strings for categorical. */
export type ParameterValue = number | string;

/** A numeric range, optionally on a grid of `count` points `min + i·step`. */
export interface NumericDomain {
  kind: 'numeric';
  name: string;
  type: 'double' | 'int';
  min: number;
  max: number;
  /** Grid step; always set for int (default 1), optional for double. */
  step?: number;
  /** Number of grid points when `step` is set. */
  count?: number;
  /** Log-scaled (logUniform, logNormal). */
  log: boolean;
  distribution: Distribution;
  /** Decimals to round grid values to, so 0.1 + 2·0.1 prints as 0.3. */
  decimals: number;
}

/** A finite list: discrete (numbers) or categorical (strings). */
export interface ChoiceDomain {
  kind: 'choice';
  name: string;
  type: 'discrete' | 'categorical';
  /** The values exactly as written in the experiment. */
  values: string[];
  /** Discrete values as numbers, `undefined` for categorical. */
  numbers?: number[];
  /** Indices of `values` in ascending numeric order (identity for categorical): the unit-cube order. */
  order: number[];
}

export type Domain = NumericDomain | ChoiceDomain;

export interface SearchSpace {
  domains: Domain[];
  byName: Map<string, Domain>;
}

/** Number of decimals a Katib number string carries: "0.05" → 2, "1e-4" → 4, "3" → 0. */
export function decimalsOf(text: string): number {
  const m = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) return 0;
  const fraction = m[2]?.length ?? 0;
  const exponent = m[3] === undefined ? 0 : Number(m[3]);
  return Math.max(0, fraction - exponent);
}

/** Compiles validated Katib parameters into numeric domains. Throws on invalid parameters. */
export function compileSpace(parameters: readonly ParameterSpec[]): SearchSpace {
  const domains = parameters.map((p, i) => compileDomain(p, `parameters[${i}]`));
  const byName = new Map<string, Domain>();
  for (const d of domains) {
    if (byName.has(d.name)) throw new ScribaError('invalid-argument', `duplicate parameter name "${d.name}"`);
    byName.set(d.name, d);
  }
  return { domains, byName };
}

export function compileDomain(p: ParameterSpec, path = 'parameter'): Domain {
  const issues = checkParameter(p, path);
  if (issues.length > 0) throw ScribaError.fromIssues(issues);
  const fs = p.feasibleSpace;
  const distribution = fs.distribution ?? 'uniform';

  if (p.parameterType === 'double' || p.parameterType === 'int') {
    const min = parseNumber(fs.min) as number;
    const max = parseNumber(fs.max) as number;
    const step = fs.step !== undefined ? (parseNumber(fs.step) as number) : p.parameterType === 'int' ? 1 : undefined;
    const decimals = Math.max(decimalsOf(fs.min ?? '0'), decimalsOf(fs.step ?? '1'));
    const domain: NumericDomain = {
      kind: 'numeric',
      name: p.name,
      type: p.parameterType,
      min,
      max,
      log: distribution === 'logUniform' || distribution === 'logNormal',
      distribution,
      decimals,
    };
    if (step !== undefined) {
      domain.step = step;
      // Grid points min, min+step, ... <= max; the epsilon absorbs binary rounding of (max-min)/step.
      domain.count = Math.floor((max - min) / step + 1e-9) + 1;
    }
    return domain;
  }

  const values = [...(fs.list ?? [])];
  if (p.parameterType === 'discrete') {
    const numbers = values.map((v) => parseNumber(v) as number);
    const order = values.map((_, i) => i).sort((a, b) => (numbers[a] as number) - (numbers[b] as number));
    return { kind: 'choice', name: p.name, type: 'discrete', values, numbers, order };
  }
  return { kind: 'choice', name: p.name, type: 'categorical', values, order: values.map((_, i) => i) };
}

/** The i-th grid point of a stepped numeric domain, rounded to the domain's decimals. */
export function gridPoint(d: NumericDomain, i: number): number {
  const x = d.min + i * (d.step as number);
  const rounded = d.type === 'int' ? Math.round(x) : roundTo(x, d.decimals);
  return Math.min(d.max, rounded); // binary rounding may carry the last point just past max
}

/**
 * How many values a domain can take, computed from its bounds and step, never by listing
 * them (a step of 1e-300 over [0, 1] is 1e300 values): Infinity for a continuous double.
 */
export function domainSize(d: Domain): number {
  if (d.kind === 'choice') return d.values.length;
  return d.count ?? Infinity;
}

/** The i-th value of a domain with finitely many values (`i` below `domainSize(d)`), without listing the others. */
export function nthValue(d: Domain, i: number): ParameterValue {
  return d.kind === 'choice' ? choiceValue(d, i) : gridPoint(d, i);
}

/** Every value a domain can take, or `undefined` for a continuous double. Mind `domainSize` first. */
export function domainValues(d: Domain): ParameterValue[] | undefined {
  if (d.kind === 'choice') return d.values.map((_, i) => choiceValue(d, i));
  if (d.count === undefined) return undefined;
  return Array.from({ length: d.count }, (_, i) => gridPoint(d, i));
}

export function choiceValue(d: ChoiceDomain, index: number): ParameterValue {
  return d.numbers ? (d.numbers[index] as number) : (d.values[index] as string);
}

function roundTo(x: number, decimals: number): number {
  return decimals > 15 ? x : Number(x.toFixed(decimals));
}
