import { describe, expect, test } from 'vitest';
import { search, tune } from '../../src/api/index.js';
import { compileSpace, decodeAssignments, encodeAssignments } from '../../src/search-space/index.js';
import type { ParameterSpec } from '../../src/experiment/types.js';

/*
 * Katib allows any parameter name, Object.prototype's included. `__proto__` assigned as a
 * plain property changes the prototype instead of adding a key, and `'constructor' in {}`
 * is true: the values must still reach the objective as own properties.
 */
const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];

const spec = (name: string, i: number): ParameterSpec => ({
  name,
  parameterType: 'int',
  feasibleSpace: { min: String(i), max: String(i + 10) },
});

describe('parameters named like Object.prototype members', () => {
  const space = compileSpace(NAMES.map(spec));

  test('decode gives own properties with the values, encode reads them back', () => {
    const assignments = NAMES.map((name, i) => ({ name, value: String(i + 1) }));
    const values = decodeAssignments(space, assignments);
    expect(Object.keys(values)).toEqual(NAMES);
    for (const [i, name] of NAMES.entries()) expect(Object.getOwnPropertyDescriptor(values, name)?.value).toBe(i + 1);
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect(encodeAssignments(space, values)).toEqual(assignments);
  });

  test('a missing one is reported, not found on the prototype', () => {
    const partial = NAMES.slice(1).map((name, i) => ({ name, value: String(i + 1) }));
    expect(() => decodeAssignments(space, partial)).toThrow('assignment lacks parameter "__proto__"');
    const values = decodeAssignments(space, NAMES.map((name, i) => ({ name, value: String(i) })));
    Reflect.deleteProperty(values, 'constructor');
    expect(() => encodeAssignments(space, values)).toThrow('no value for parameter "constructor"');
  });

  test('tune(): every value reaches the objective', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const parameters = Object.fromEntries(NAMES.map((name, i) => [name, search.int({ min: i, max: i + 10 })]));
    const result = await tune({
      parameters,
      objective: (p) => {
        seen.push({ ...p });
        return Object.values(p).reduce<number>((s, v) => s + Number(v), 0);
      },
      objectiveType: 'minimize',
      maxTrialCount: 3,
      seed: 3,
    });
    expect(result.status).toBe('Succeeded');
    for (const p of seen) {
      expect(Object.keys(p)).toEqual(NAMES);
      NAMES.forEach((name, i) => {
        const v = Object.getOwnPropertyDescriptor(p, name)?.value;
        expect(typeof v).toBe('number');
        expect(v).toBeGreaterThanOrEqual(i);
        expect(v).toBeLessThanOrEqual(i + 10);
      });
    }
    expect(Object.keys(result.bestTrial?.parameters ?? {})).toEqual(NAMES);
  });
});
