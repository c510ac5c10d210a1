import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { median, startStepMean } from '../../early-stopping/medianstop/median.js';
import type { MetricLog } from '../../src/trial/types.js';

describe('median', () => {
  // Hand derivations: sort, take the middle value or the mean of the two middle values.
  test.each([
    { values: [5], expected: 5, why: 'one value' },
    { values: [3, 1, 2], expected: 2, why: 'sorted 1 2 3: middle 2' },
    { values: [4, 1, 3, 2], expected: 2.5, why: 'sorted 1 2 3 4: (2 + 3) / 2' },
    { values: [1, 1, 1, 100], expected: 1, why: '(1 + 1) / 2; the mean would be 25.75' },
    { values: [-1, -3], expected: -2, why: '(-3 + -1) / 2' },
    { values: [0.1, 0.2], expected: 0.15000000000000002, why: 'binary 0.1 + (0.2 - 0.1) / 2 rounds up' },
    { values: [1e308, 1e308], expected: 1e308, why: 'no overflow: the sum would be Infinity' },
    { values: [-1e308, 1e308], expected: 0, why: 'opposite signs: the sum is exact' },
    { values: [5e-324, 5e-324], expected: 5e-324, why: 'no underflow: halving each would give 0' },
    { values: [-Infinity, 0, Infinity], expected: 0, why: 'infinities sort to the ends' },
  ])('$values -> $expected ($why)', ({ values, expected }) => {
    expect(median(values)).toBe(expected);
  });

  test('an empty sample has no median', () => {
    expect(median([])).toBeNaN();
  });

  const samples = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 });

  test('property: lies between the smallest and the largest value, whatever their order', () => {
    fc.assert(
      fc.property(samples, fc.integer(), (xs, seed) => {
        const m = median(xs);
        expect(m).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(m).toBeLessThanOrEqual(Math.max(...xs));
        const shuffled = [...xs].sort((a, b) => Math.sin(a * 12.9898 + seed) - Math.sin(b * 12.9898 + seed));
        expect(median(shuffled)).toBe(m);
      }),
    );
  });

  test('property: for an odd count, a value of the sample with at most half the values on either side', () => {
    fc.assert(
      fc.property(samples.filter((xs) => xs.length % 2 === 1), (xs) => {
        const m = median(xs);
        expect(xs).toContain(m);
        expect(xs.filter((x) => x < m).length).toBeLessThanOrEqual(xs.length >> 1);
        expect(xs.filter((x) => x > m).length).toBeLessThanOrEqual(xs.length >> 1);
      }),
    );
  });

  test('property: one value dragged arbitrarily far does not move it (the mean Katib uses would follow)', () => {
    fc.assert(
      fc.property(samples.filter((xs) => xs.length >= 3), fc.double({ min: 1, max: 1e300, noNaN: true }), (xs, far) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const dragged = [...sorted.slice(0, -1), (sorted.at(-1) as number) + far];
        expect(median(dragged)).toBe(median(sorted));
      }),
    );
  });
});

describe('startStepMean', () => {
  const logs = (...values: string[]): MetricLog[] => values.map((value, i) => ({ timeStamp: `2026-01-01T00:00:0${i}Z`, name: 'loss', value }));

  test.each([
    { values: ['1', '2', '3', '4', '5'], step: 3, expected: 2, why: '(1 + 2 + 3) / 3' },
    { values: ['1', '2', '3', '4', '5'], step: 1, expected: 1, why: 'the first value' },
    { values: ['1', '2'], step: 4, expected: 1.5, why: 'fewer reports than start_step: the mean of those there are' },
    { values: ['unavailable', '2', 'NaN', '4', '6'], step: 2, expected: 3, why: 'non-numbers skipped: (2 + 4) / 2' },
    { values: ['+inf', '-Infinity', '0.5', '1e-3'], step: 2, expected: 0.2505, why: 'infinities skipped: (0.5 + 0.001) / 2' },
    { values: ['1e308', '1e308', '1e308'], step: 3, expected: 1e308, why: 'the sum overflows: each value over 3, summed' },
  ])('$values, start_step $step -> $expected ($why)', ({ values, step, expected }) => {
    expect(startStepMean(logs(...values), step)).toBeCloseTo(expected, 12);
  });

  test('no numeric value: undefined, so the trial does not count', () => {
    expect(startStepMean(logs('unavailable', 'x'), 3)).toBeUndefined();
    expect(startStepMean([], 3)).toBeUndefined();
  });
});
