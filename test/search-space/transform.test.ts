import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ParameterSpec } from '../../src/experiment/types.js';
import {
  compileDomain,
  compileSpace,
  contains,
  decimalsOf,
  domainValues,
  fromUnit,
  toUnit,
  unitCell,
  type Domain,
} from '../../src/search-space/index.js';
import { parametersArbitrary } from '../support/arbitraries.js';

const p = (parameterType: ParameterSpec['parameterType'], feasibleSpace: ParameterSpec['feasibleSpace']): Domain =>
  compileDomain({ name: 'x', parameterType, feasibleSpace });

describe('unit-cube transform: hand-computed values', () => {
  // Each row: domain, value, u. Derivations: linear u = (x - min)/(max - min); log u = ln(x/min)/ln(max/min);
  // a grid of k points gives point i the cell centre (i + 0.5)/k; lists likewise in sorted (discrete) or list order.
  test.each([
    ['double [0,10]', p('double', { min: '0', max: '10' }), 2.5, 0.25],
    ['double [-1,1]', p('double', { min: '-1', max: '1' }), 1, 1],
    ['logUniform [1,100] at 10', p('double', { min: '1', max: '100', distribution: 'logUniform' }), 10, 0.5],
    ['logUniform [1e-4,1] at 1e-2', p('double', { min: '1e-4', max: '1', distribution: 'logUniform' }), 1e-2, 0.5],
    ['int [1,3] at 1', p('int', { min: '1', max: '3' }), 1, 1 / 6],
    ['int [1,3] at 2', p('int', { min: '1', max: '3' }), 2, 0.5],
    ['int [1,3] at 3', p('int', { min: '1', max: '3' }), 3, 5 / 6],
    ['double step 0.5 on [0,1] at 0.5', p('double', { min: '0', max: '1', step: '0.5' }), 0.5, 0.5],
    ['int step 5 on [0,12] at 10 (points 0,5,10)', p('int', { min: '0', max: '12', step: '5' }), 10, 5 / 6],
    ['discrete [10,1,5] at 10 (sorted 1,5,10)', p('discrete', { list: ['10', '1', '5'] }), 10, 5 / 6],
    ['categorical [a,b] at b', p('categorical', { list: ['a', 'b'] }), 'b', 0.75],
    ['int log [1,3] at 1: cells in ln over [0.5, 3.5]', p('int', { min: '1', max: '3', distribution: 'logUniform' }), 1, Math.log(1 / 0.5) / Math.log(3.5 / 0.5)],
  ])('%s', (_, d, value, u) => {
    expect(toUnit(d, value)).toBeCloseTo(u, 12);
    const back = fromUnit(d, u);
    // continuous values round-trip to 1e-12 relative (exp/log); grid and list values exactly
    if (typeof value === 'number' && d.kind === 'numeric' && d.count === undefined) {
      expect(Math.abs((back as number) - value)).toBeLessThanOrEqual(1e-12 * Math.abs(value));
    } else {
      expect(back).toBe(value);
    }
  });

  test('fromUnit clamps outside [0, 1] and maps the ends to the extreme values', () => {
    const d = p('int', { min: '1', max: '3' });
    expect(fromUnit(d, -0.5)).toBe(1);
    expect(fromUnit(d, 1)).toBe(3);
    expect(fromUnit(d, 7)).toBe(3);
    expect(fromUnit(p('double', { min: '2', max: '4' }), 1)).toBe(4);
  });

  test('a zero-width range maps to the centre and back', () => {
    const d = p('double', { min: '3', max: '3' });
    expect(toUnit(d, 3)).toBe(0.5);
    expect(fromUnit(d, 0.1)).toBe(3);
  });
});

describe('grid values', () => {
  test('double steps are rounded to the decimals of min and step', () => {
    expect(domainValues(p('double', { min: '0', max: '1', step: '0.1' }))).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(domainValues(p('double', { min: '0.05', max: '0.2', step: '0.05' }))).toEqual([0.05, 0.1, 0.15, 0.2]);
  });

  test('max off the grid is not included', () => {
    expect(domainValues(p('int', { min: '1', max: '10', step: '4' }))).toEqual([1, 5, 9]);
  });

  test('decimalsOf reads plain and exponent forms', () => {
    expect([decimalsOf('0.05'), decimalsOf('1e-4'), decimalsOf('3'), decimalsOf('2.5e1'), decimalsOf('1.25e-2')]).toEqual([2, 4, 0, 0, 4]);
  });
});

describe('unit-cube transform: properties over random spaces', () => {
  test('fromUnit lands in the domain for every u, and toUnit(fromUnit(u)) lies in [0, 1]', () => {
    fc.assert(
      fc.property(parametersArbitrary(), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }), (parameters, us) => {
        for (const d of compileSpace(parameters).domains) {
          for (const u of us) {
            const v = fromUnit(d, u);
            expect(contains(d, v), `${JSON.stringify(d)} u=${u} v=${v}`).toBe(true);
            const back = toUnit(d, v);
            expect(back).toBeGreaterThanOrEqual(0);
            expect(back).toBeLessThanOrEqual(1);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test('every value of a finite domain survives toUnit then fromUnit', () => {
    fc.assert(
      fc.property(parametersArbitrary(), (parameters) => {
        for (const d of compileSpace(parameters).domains) {
          const values = domainValues(d);
          if (!values || values.length > 500) continue;
          for (const v of values) expect(fromUnit(d, toUnit(d, v)), `${JSON.stringify(d)} v=${v}`).toBe(v);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('unit cells of finite domains', () => {
  test('cells tile [0, 1] in order and contain their value\'s image', () => {
    fc.assert(
      fc.property(parametersArbitrary(), (parameters) => {
        for (const d of compileSpace(parameters).domains) {
          const values = domainValues(d);
          if (!values || values.length > 300) continue;
          const cells = values.map((v) => unitCell(d, v)!).sort((a, b) => a[0] - b[0]);
          expect(cells[0]![0]).toBe(0);
          expect(cells.at(-1)![1]).toBe(1);
          for (let i = 1; i < cells.length; i++) expect(cells[i]![0]).toBeCloseTo(cells[i - 1]![1], 12);
          for (const v of values) {
            const [a, b] = unitCell(d, v)!;
            const u = toUnit(d, v);
            expect(u).toBeGreaterThanOrEqual(a - 1e-12);
            expect(u).toBeLessThanOrEqual(b + 1e-12);
            expect(fromUnit(d, (a + b) / 2)).toBe(v);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  test('hand-computed: int [1,3] has thirds; log int [1,3] has cells in ln over [0.5, 3.5]', () => {
    expect(unitCell(p('int', { min: '1', max: '3' }), 2)).toEqual([1 / 3, 2 / 3]);
    const [a, b] = unitCell(p('int', { min: '1', max: '3', distribution: 'logUniform' }), 2)!;
    expect(a).toBeCloseTo(Math.log(1.5 / 0.5) / Math.log(3.5 / 0.5), 14);
    expect(b).toBeCloseTo(Math.log(2.5 / 0.5) / Math.log(3.5 / 0.5), 14);
    expect(unitCell(p('double', { min: '0', max: '1' }), 0.3)).toBeUndefined();
  });
});
