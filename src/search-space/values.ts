import { ScribaError } from '../errors.js';
import type { ParameterAssignment } from '../trial/types.js';
import { parseNumber } from './check.js';
import type { Domain, ParameterValue, SearchSpace } from './domain.js';
import { gridPoint } from './domain.js';

/**
 * Conversions between Katib's string-valued assignments (YAML, gRPC, the plugin
 * contract) and typed values (the TypeScript API, the maths).
 */

/** The Katib string for a typed value: the list entry as written, or JavaScript's shortest number form. */
export function encodeValue(d: Domain, value: ParameterValue): string {
  if (d.kind === 'choice') {
    if (d.numbers) {
      const index = d.numbers.indexOf(Number(value));
      return index >= 0 ? (d.values[index] as string) : String(value);
    }
    return String(value);
  }
  return String(value);
}

/** The typed value of a Katib string; throws if it is not a value of the domain. */
export function decodeValue(d: Domain, text: string): ParameterValue {
  if (d.kind === 'choice') {
    if (d.numbers) {
      const x = parseNumber(text);
      if (x === undefined || !d.numbers.includes(x)) throw notInDomain(d, text);
      return x;
    }
    if (!d.values.includes(text)) throw notInDomain(d, text);
    return text;
  }
  const x = parseNumber(text);
  if (x === undefined || !containsNumber(d, x)) throw notInDomain(d, text);
  return x;
}

/** Whether a typed value belongs to the domain (in range, on the grid, in the list). */
export function contains(d: Domain, value: ParameterValue): boolean {
  if (d.kind === 'choice') {
    return d.numbers ? d.numbers.includes(Number(value)) : d.values.includes(String(value));
  }
  return typeof value === 'number' && containsNumber(d, value);
}

function containsNumber(d: Exclude<Domain, { kind: 'choice' }>, x: number): boolean {
  if (!Number.isFinite(x) || x < d.min || x > d.max) return false;
  if (d.type === 'int' && !Number.isInteger(x)) return false;
  if (d.count === undefined) return true;
  const i = Math.round((x - d.min) / (d.step as number));
  if (i < 0 || i >= d.count) return false;
  const g = gridPoint(d, i);
  return Math.abs(g - x) <= 1e-9 * Math.max(1, Math.abs(g));
}

/** Typed values of an assignment, keyed by parameter name. */
export function decodeAssignments(
  space: SearchSpace,
  assignments: readonly ParameterAssignment[],
): Record<string, ParameterValue> {
  const out: Record<string, ParameterValue> = {};
  for (const a of assignments) {
    const d = space.byName.get(a.name);
    if (!d) throw new ScribaError('invalid-argument', `assignment names unknown parameter "${a.name}"`);
    setOwn(out, a.name, decodeValue(d, a.value));
  }
  for (const d of space.domains) {
    if (!Object.hasOwn(out, d.name)) throw new ScribaError('invalid-argument', `assignment lacks parameter "${d.name}"`);
  }
  return out;
}

/**
 * Sets an own property, whatever the key: a parameter may be named `__proto__` (plain
 * assignment would change the object's prototype instead) or `constructor`.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Katib assignments of typed values, in the order of the search space. */
export function encodeAssignments(
  space: SearchSpace,
  values: Readonly<Record<string, ParameterValue>>,
): ParameterAssignment[] {
  return space.domains.map((d) => {
    const v = Object.hasOwn(values, d.name) ? values[d.name] : undefined;
    if (v === undefined) throw new ScribaError('invalid-argument', `no value for parameter "${d.name}"`);
    if (!contains(d, v)) throw notInDomain(d, String(v));
    return { name: d.name, value: encodeValue(d, v) };
  });
}

/** Order-independent identity of an assignment (Katib's optuna service keys trials by sorted `name:value`). */
export function assignmentKey(assignments: readonly ParameterAssignment[]): string {
  return assignments
    .map((a) => `${a.name}:${a.value}`)
    .sort()
    .join(',');
}

function notInDomain(d: Domain, text: string): ScribaError {
  const where =
    d.kind === 'choice'
      ? `one of [${d.values.join(', ')}]`
      : `a${d.type === 'int' ? 'n integer' : ' number'} in [${d.min}, ${d.max}]${d.step !== undefined ? ` on the grid of step ${d.step}` : ''}`;
  return new ScribaError('invalid-argument', `value "${text}" of parameter "${d.name}" is not ${where}`);
}
