import { formatLimit, MAX_LIST_VALUES, MAX_PARAMETERS } from '../experiment/limits.js';
import {
  DISTRIBUTIONS,
  PARAMETER_TYPES,
  type ParameterSpec,
  type ValidationIssue,
} from '../experiment/types.js';

/** Parses a Katib numeric string strictly: "1e-3", "-2", "0.5" yes; "", "abc", "1x" no. */
export function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

/**
 * Checks one parameter against Katib's admission rule 9 (katib-spec §2.3) and the
 * numeric sanity Katib's suggestion services assume but never check (bounds that parse,
 * min <= max, step > 0, integer bounds for int, positive bounds for log distributions).
 */
export function checkParameter(p: ParameterSpec, path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (field: string, message: string) => issues.push({ path: `${path}${field}`, message });
  const fs = p.feasibleSpace ?? {};

  if (!p.name) add('.name', 'expected a non-empty parameter name');
  if (!PARAMETER_TYPES.includes(p.parameterType)) {
    add('.parameterType', `unknown parameter type "${p.parameterType}"; expected one of ${PARAMETER_TYPES.join(', ')}`);
    return issues;
  }
  if (fs.distribution !== undefined && !DISTRIBUTIONS.includes(fs.distribution)) {
    add('.feasibleSpace.distribution', `unknown distribution "${fs.distribution}"; expected one of ${DISTRIBUTIONS.join(', ')}`);
  }
  if (fs.min === undefined && fs.max === undefined && fs.step === undefined && fs.list === undefined) {
    add('.feasibleSpace', 'feasibleSpace must not be empty');
    return issues;
  }

  if (p.parameterType === 'double' || p.parameterType === 'int') {
    if (fs.list !== undefined) add('.feasibleSpace.list', `a ${p.parameterType} parameter takes min and max, not a list`);
    const min = numberField(fs.min, '.feasibleSpace.min', add);
    const max = numberField(fs.max, '.feasibleSpace.max', add);
    const step = fs.step === undefined ? undefined : numberField(fs.step, '.feasibleSpace.step', add);
    if (p.parameterType === 'int') {
      if (min !== undefined && !Number.isInteger(min)) add('.feasibleSpace.min', `expected an integer for an int parameter, got "${fs.min}"`);
      if (max !== undefined && !Number.isInteger(max)) add('.feasibleSpace.max', `expected an integer for an int parameter, got "${fs.max}"`);
      if (step !== undefined && !Number.isInteger(step)) add('.feasibleSpace.step', `expected an integer step for an int parameter, got "${fs.step}"`);
    }
    if (min !== undefined && max !== undefined && max < min) {
      add('.feasibleSpace.max', `expected max >= min, got min ${fs.min} and max ${fs.max}`);
    }
    if (step !== undefined && !(step > 0)) add('.feasibleSpace.step', `expected a step > 0, got "${fs.step}"`);
    const log = fs.distribution === 'logUniform' || fs.distribution === 'logNormal';
    if (log && min !== undefined && !(min > 0)) {
      add('.feasibleSpace.min', `a ${fs.distribution} distribution needs min > 0, got "${fs.min}"`);
    }
    return issues;
  }

  // discrete and categorical: a list only.
  for (const field of ['min', 'max', 'step'] as const) {
    if (fs[field] !== undefined) add(`.feasibleSpace.${field}`, `a ${p.parameterType} parameter takes a list, not ${field}`);
  }
  if (fs.list === undefined || fs.list.length === 0) {
    add('.feasibleSpace.list', `a ${p.parameterType} parameter needs a non-empty list`);
    return issues;
  }
  if (fs.list.length > MAX_LIST_VALUES) {
    add('.feasibleSpace.list', listLimitMessage(fs.list.length));
    return issues;
  }
  const seen = new Set<string>();
  fs.list.forEach((value, i) => {
    if (typeof value !== 'string') {
      add(`.feasibleSpace.list[${i}]`, 'expected a string');
      return;
    }
    if (seen.has(value)) add(`.feasibleSpace.list[${i}]`, `duplicate value "${value}"`);
    seen.add(value);
    if (p.parameterType === 'discrete' && parseNumber(value) === undefined) {
      add(`.feasibleSpace.list[${i}]`, `a discrete parameter takes numbers, got "${value}" (use categorical for strings)`);
    }
  });
  return issues;
}

/** Rule 9 for each parameter, unique names, and at most MAX_PARAMETERS of them (then nothing else is looked at). */
export function checkParameters(parameters: readonly ParameterSpec[], path = 'spec.parameters'): ValidationIssue[] {
  if (parameters.length > MAX_PARAMETERS) return [{ path, message: parameterLimitMessage(parameters.length) }];
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  parameters.forEach((p, i) => {
    issues.push(...checkParameter(p, `${path}[${i}]`));
    if (p.name && seen.has(p.name)) issues.push({ path: `${path}[${i}].name`, message: `duplicate parameter name "${p.name}"` });
    seen.add(p.name);
  });
  return issues;
}

export function listLimitMessage(length: number): string {
  return `a list of ${formatLimit(length)} values exceeds the limit of ${formatLimit(MAX_LIST_VALUES)} values`;
}

export function parameterLimitMessage(count: number): string {
  return `${formatLimit(count)} parameters exceed the limit of ${formatLimit(MAX_PARAMETERS)} parameters`;
}

function numberField(
  text: string | undefined,
  field: string,
  add: (field: string, message: string) => void,
): number | undefined {
  if (text === undefined) {
    add(field, `expected ${field.slice(field.lastIndexOf('.') + 1)} to be set`);
    return undefined;
  }
  const value = parseNumber(text);
  if (value === undefined || !Number.isFinite(value)) {
    add(field, `expected a finite number, got "${text}"`);
    return undefined;
  }
  return value;
}
