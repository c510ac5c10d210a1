import type { NasOperation, ParameterSpec } from '../../src/experiment/types.js';
import { pyFloat, type PyJson } from './python-json.js';

/**
 * The operations a NAS controller chooses from, numbered as Katib's enas does (katib-spec
 * §4.7): for each operation in order, every combination of its parameters' values (the
 * cartesian product, the last parameter varying fastest), ids 0..m-1 across operations.
 */
export interface EnumeratedOperation {
  id: number;
  type: string;
  /** Parameter name and value, in the operation's parameter order, as Katib's trial programs receive them. */
  params: ReadonlyArray<readonly [string, PyJson]>;
}

/**
 * The values of one operation parameter. Categorical values stay strings (as Katib's).
 * Int: min, min+step, ... <= max, step 1 when unset (Python's `range(min, max + 1, step)`).
 * Double: NumPy's `arange(min, max + step, step)` (first value min, then min + i·δ with
 * δ = (min + step) - min), without values above max; Katib means to drop such a last value
 * but its code raises instead. Discrete values are listed like categorical ones (as
 * strings); Katib's enas leaves discrete parameters out of the operation altogether.
 */
export function parameterValues(p: ParameterSpec): PyJson[] {
  const fs = p.feasibleSpace ?? {};
  if (p.parameterType === 'categorical' || p.parameterType === 'discrete') return [...(fs.list ?? [])];
  const min = Number(fs.min);
  const max = Number(fs.max);
  if (p.parameterType === 'int') {
    const step = fs.step ? Number(fs.step) : 1;
    const values: number[] = [];
    if (!(step > 0)) return values;
    for (let x = min; x <= max; x += step) values.push(x);
    return values;
  }
  if (p.parameterType === 'double') {
    const step = Number(fs.step);
    if (!(step > 0)) return [];
    const stop = max + step;
    const length = Math.max(0, Math.ceil((stop - min) / step));
    const delta = min + step - min;
    const values: PyJson[] = [];
    for (let i = 0; i < length; i++) {
      const x = i === 0 ? min : i === 1 ? min + step : min + i * delta;
      if (x <= max) values.push(pyFloat(x));
    }
    return values;
  }
  return [];
}

/** Every operation id with its type and parameter values (see `parameterValues`). */
export function enumerateOperations(operations: readonly NasOperation[]): EnumeratedOperation[] {
  const out: EnumeratedOperation[] = [];
  for (const op of operations) {
    const axes = enumerated(op).map((p) => ({ name: p.name, values: parameterValues(p) }));
    for (const combination of cartesian(axes.map((a) => a.values))) {
      out.push({ id: out.length, type: op.operationType, params: combination.map((v, k) => [axes[k]?.name ?? '', v] as const) });
    }
  }
  return out;
}

/** How many operation ids there are, without listing them. */
export function countOperations(operations: readonly NasOperation[]): number {
  return operations.reduce((sum, op) => sum + enumerated(op).reduce((n, p) => n * parameterValues(p).length, 1), 0);
}

/** The parameters that enter the product: those of a known type (Katib skips the others). */
function enumerated(op: NasOperation): ParameterSpec[] {
  return (op.parameters ?? []).filter((p) => ENUMERATED_TYPES.has(p.parameterType));
}

const ENUMERATED_TYPES: ReadonlySet<string> = new Set(['categorical', 'discrete', 'int', 'double']);

/** itertools.product: the last axis varies fastest; no axes give one empty combination. */
function cartesian<T>(axes: readonly (readonly T[])[]): T[][] {
  let combos: T[][] = [[]];
  for (const axis of axes) {
    const next: T[][] = [];
    for (const prefix of combos) for (const v of axis) next.push([...prefix, v]);
    combos = next;
  }
  return combos;
}

/**
 * DARTS's list of candidate operations (katib-spec §4.8): `skip_connection` as is, any
 * other operation once per value k of its first parameter's list, as `<op>_<k>x<k>`.
 */
export function dartsSearchSpace(operations: readonly NasOperation[]): string[] {
  const space: string[] = [];
  for (const op of operations) {
    if (op.operationType === 'skip_connection') {
      space.push(op.operationType);
      continue;
    }
    for (const k of op.parameters?.[0]?.feasibleSpace?.list ?? []) space.push(`${op.operationType}_${k}x${k}`);
  }
  return space;
}
