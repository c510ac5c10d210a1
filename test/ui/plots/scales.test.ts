import { describe, expect, test } from 'vitest';
import { categoryAxis, linearAxis, logAxis, niceStep, pad, range, valueAxis, widen } from '../../../ui/plots/scales.js';
import { formatNumber, tickLabel } from '../../../ui/plots/svg.js';
import { sequentialColour } from '../../../ui/plots/colour.js';

const labels = (a: { ticks: { label: string }[] }) => a.ticks.map((t) => t.label);
const ats = (a: { ticks: { at: number }[] }) => a.ticks.map((t) => t.at);

describe('linear axes (hand-derived)', () => {
  test('0..10: step niceStep(10, 6) = 2 (10/6 = 1.67 -> 2), ticks at fifths', () => {
    const a = linearAxis(0, 10);
    expect(labels(a)).toEqual(['0', '2', '4', '6', '8', '10']);
    ats(a).forEach((at, i) => expect(at).toBeCloseTo(i / 5, 12));
    expect(a.fraction(2.5)).toBeCloseTo(0.25, 12);
    expect(a.fraction('7.5')).toBeCloseTo(0.75, 12);
    expect(a.fraction('')).toBeUndefined();
    expect(a.fraction('abc')).toBeUndefined();
  });

  test('nice ends: 0.8..5.2 (1..5 padded by 5%) widens to 0..6, step 1', () => {
    const [lo, hi] = pad(1, 5, 0.05);
    expect([lo, hi]).toEqual([0.8, 5.2]);
    const a = linearAxis(1, 5, { nice: true, pad: 0.05 });
    expect([a.lo, a.hi]).toEqual([0, 6]);
    expect(labels(a)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    expect(labels(valueAxis(1, 5, false))).toEqual(labels(a));
  });

  test('a step below 1 labels every tick with its decimals, never "-0"', () => {
    // 1..4 over 6 intervals: 0.5, labelled with one decimal.
    expect(labels(linearAxis(1, 4))).toEqual(['1.0', '1.5', '2.0', '2.5', '3.0', '3.5', '4.0']);
    expect(labels(linearAxis(-0.2, 0.2))).toContain('0.0');
    expect(tickLabel(-0.0001, 0.1)).toBe('0.0');
  });

  test('whole-number ticks for trial numbers and steps', () => {
    expect(labels(linearAxis(-0.5, 6.5, { integer: true }))).toEqual(['0', '2', '4', '6']);
    expect(labels(linearAxis(1, 2, { integer: true }))).toEqual(['1', '2']);
  });

  test('one value: widened by 10% (by 1 at 0)', () => {
    expect(widen(5, 5)).toEqual([4.5, 5.5]);
    expect(widen(0, 0)).toEqual([-1, 1]);
    const a = linearAxis(3, 3);
    expect(a.fraction(3)).toBeCloseTo(0.5, 12);
  });

  test('tiny steps and huge magnitudes get labels that tell ticks apart', () => {
    expect(labels(linearAxis(0, 0.0004))).toEqual(['0', '1e-4', '2e-4', '3e-4', '4e-4']);
    const big = labels(linearAxis(1e300, 1e300 + 5e285));
    expect(new Set(big).size).toBe(big.length);
  });

  test('spans beyond a double stay finite', () => {
    const a = linearAxis(-Number.MAX_VALUE, Number.MAX_VALUE);
    expect(a.fraction(0)).toBeCloseTo(0.5, 12);
    expect(a.fraction(Number.MAX_VALUE)).toBe(1);
    for (const t of a.ticks) expect(Number.isFinite(t.at)).toBe(true);
    const b = linearAxis(-Number.MAX_VALUE, -Number.MAX_VALUE);
    expect(b.ticks.every((t) => Number.isFinite(t.at))).toBe(true);
    // Subnormal neighbours are one value: widened by 1 around it.
    const c = linearAxis(5.4e-323, 6e-323);
    expect(c.ticks.every((t) => Number.isFinite(t.at) && !/NaN|Infinity/.test(t.label))).toBe(true);
    expect(c.fraction(6e-323)).toBeCloseTo(0.5, 12);
  });

  test('niceStep: 1, 2 or 5 x 10^k', () => {
    // [span, count, step]: span / count rounded up to the next of 1, 2, 5, 10 times a power of ten.
    const table: [number, number, number][] = [
      [10, 6, 2],
      [4.4, 6, 1],
      [3, 6, 0.5],
      [7, 6, 2],
      [1000, 6, 200],
      [0.6, 5, 0.2],
    ];
    for (const [span, count, step] of table) expect(niceStep(span, count), `${span}/${count}`).toBeCloseTo(step, 12);
  });
});

describe('log axes (hand-derived)', () => {
  test('1e-4..1e-1: one tick per power of ten, fraction = (log10 v + 4) / 3', () => {
    const a = logAxis(1e-4, 1e-1);
    expect(labels(a)).toEqual(['1e-4', '0.001', '0.01', '0.1']);
    ats(a).forEach((at, i) => expect(at).toBeCloseTo(i / 3, 12));
    expect(a.fraction(1e-2)).toBeCloseTo(2 / 3, 12);
    expect(a.fraction(0)).toBeUndefined();
    expect(a.fraction(-1)).toBeUndefined();
  });

  test('two decades or less: 2 and 5 times the powers as well', () => {
    // 1..5 padded by 5% of 0.699 decades, then widened to 0.1..10.
    const a = valueAxis(1, 5, true);
    expect(labels(a)).toEqual(['0.1', '0.2', '0.5', '1', '2', '5', '10']);
    expect(a.fraction(1)).toBeCloseTo(0.5, 12);
    expect(a.fraction(5)).toBeCloseTo((Math.log10(5) + 1) / 2, 12);
  });

  test('many decades: every d-th power, so about 10 ticks', () => {
    const a = logAxis(1e-30, 1e30);
    expect(labels(a)).toEqual(['1e-30', '1e-24', '1e-18', '1e-12', '1e-6', '1', '1e6', '1e12', '1e18', '1e24', '1e30']);
  });

  test('subnormal and huge values stay finite', () => {
    const a = logAxis(5e-324, Number.MAX_VALUE, { nice: true });
    expect(a.fraction(5e-324)).toBeGreaterThanOrEqual(0);
    expect(a.fraction(Number.MAX_VALUE)).toBeLessThanOrEqual(1);
    expect(a.ticks.every((t) => Number.isFinite(t.at) && !/NaN|Infinity/.test(t.label))).toBe(true);
  });

  test('less than a decade: the ends are labelled', () => {
    const a = logAxis(2, 3);
    expect(a.ticks.length).toBeGreaterThanOrEqual(2);
    expect(labels(a)).toContain('2');
  });
});

describe('category axes', () => {
  test('in the given order, each in the middle of its band: (i + 0.5) / n', () => {
    const a = categoryAxis(['sgd', 'adam', 'rmsprop']);
    expect(labels(a)).toEqual(['sgd', 'adam', 'rmsprop']);
    expect([a.fraction('sgd'), a.fraction('adam'), a.fraction('rmsprop')]).toEqual([0.5 / 3, 1.5 / 3, 2.5 / 3]);
    expect(a.fraction('momentum')).toBeUndefined();
  });

  test('repeats are dropped', () => {
    expect(labels(categoryAxis(['a', 'b', 'a']))).toEqual(['a', 'b']);
  });
});

describe('numbers and colours', () => {
  test('formatNumber: 4 significant digits, an exponent far from 1', () => {
    const table: [number, string][] = [
      [0, '0'],
      [1, '1'],
      [0.123456, '0.1235'],
      [12345.6, '12350'],
      [123456, '1.23e5'],
      [1e-7, '1e-7'],
      [-0.0015, '-0.0015'],
    ];
    for (const [v, s] of table) expect(formatNumber(v), String(v)).toBe(s);
  });

  test('range skips what is not finite and handles millions of values', () => {
    expect(range([3, NaN, -1, Infinity, 2])).toEqual([-1, 3]);
    expect(range([])).toBeUndefined();
    expect(range(new Float64Array(3_000_000).fill(1))).toEqual([1, 1]);
  });

  test('viridis from its dark end; the light end cut at 0.85', () => {
    // t = 0: the first stop; t = 1: 0.85 x 8 = 6.8, 80% from #5ec962 to #addc30.
    expect(sequentialColour(0)).toBe('#440154');
    expect(sequentialColour(1)).toBe('#9dd83a');
    expect(sequentialColour(NaN)).toBe('#440154');
    expect(sequentialColour(2)).toBe('#9dd83a');
  });
});
