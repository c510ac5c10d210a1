import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { PlotCurve, PlotTrial } from '../../../ui/model.js';
import { curvesSvg, decimate, THINNING } from '../../../ui/plots/curves.js';
import { area, curve, experiment, group, parse, points, tags, texts, trial } from './support.js';

/**
 * t0 Succeeded 4, 3, 2, 1 (the best, 1); t1 EarlyStopped 5, 4.5; t2 Failed with one value, 6.
 *
 * Area: left 64, top 44, 480 x 300. x: steps 1..4, step s at 64 + (s - 1) / 3 * 480:
 *   64, 224, 384, 544. y: values 1..6 padded by 5% of 5 to 0.75..6.25, widened to steps of
 *   niceStep(5.5, 6) = 1: 0..7; v at 344 - v / 7 * 300.
 */
const x = experiment([trial(0, 1), trial(1, 4.5, {}, 'EarlyStopped'), trial(2, undefined, {}, 'Failed')]);
const curves = [curve('t0', [4, 3, 2, 1]), curve('t1', [5, 4.5], 'EarlyStopped'), curve('t2', [6], 'Failed')];

describe('curves', () => {
  test('each curve at its steps and values, early stops dotted, the best on top in red', () => {
    const svg = curvesSvg(x, curves);
    expect(area(svg)).toEqual({ left: 64, top: 44, right: 544, bottom: 344 });
    expect(tags(group(svg, 'early-stopped'), 'polyline').map((p) => points(p.points as string))).toEqual([[[64, 129.7], [224, 151.1]]]);
    expect(tags(group(svg, 'stops'), 'circle').map((c) => [Number(c.cx), Number(c.cy)])).toEqual([[224, 151.1]]);
    // One value: a line of no length, drawn as a dot by its round cap.
    expect(tags(group(svg, 'other'), 'polyline').map((p) => points(p.points as string))).toEqual([[[64, 86.9], [64, 86.9]]]);
    const best = tags(svg, 'polyline').find((p) => p.class === 'best');
    expect(best?.stroke).toBe('#d62728');
    expect(points(best?.points as string)).toEqual([[64, 172.6], [224, 215.4], [384, 258.3], [544, 301.1]]);
    expect(svg.indexOf('class="best"')).toBeGreaterThan(svg.indexOf('class="other"'));
    const t = texts(svg);
    for (const label of ['1', '2', '3', '4', 'step', 'loss', 'EarlyStopped', 'stopped here', 'best: t0']) expect(t).toContain(label);
    parse(svg);
  });

  test('another metric: its name in the titles', () => {
    const svg = curvesSvg(x, curves, { metric: 'accuracy' });
    expect(texts(svg)).toContain('e: accuracy by step');
    expect(texts(svg)).toContain('accuracy');
  });

  test('log y leaves out values at or below 0', () => {
    const svg = curvesSvg(x, [curve('t0', [10, 1, 0, -1, 0.1])], { logY: true });
    const best = tags(svg, 'polyline').find((p) => p.class === 'best');
    // Steps 1, 2 and 5 remain, at left + (s - 1) / 4 * 480 (the "0.01" tick label moves the area 1 px right).
    const { left } = area(svg);
    expect(left).toBe(65);
    expect(points(best?.points as string).map((p) => p[0])).toEqual([left, left + 120, left + 480]);
    expect(texts(curvesSvg(x, [curve('t0', [0, -1])], { logY: true }))).toContain('no intermediate values of loss above 0');
  });

  test('no curves: a picture that says so', () => {
    const svg = curvesSvg(x, [curve('t0', [])]);
    expect(texts(svg)).toContain('no intermediate values of loss');
    parse(svg);
  });
});

describe('decimate', () => {
  test('hand-worked: the ends, and the lowest and highest of the one stretch between', () => {
    // max 4: one stretch, indices 1..6; its lowest is 1 (index 2), its highest 9 (index 3).
    expect(decimate([0, 5, 1, 9, 2, 8, 3, 7], 4)).toEqual([0, 2, 3, 7]);
    expect(decimate([1, 2, 3], 60)).toEqual([0, 1, 2]);
  });

  test('at most max points, in order, keeping the ends, the lowest and the highest', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 400 }), fc.integer({ min: 4, max: 80 }), (values, max) => {
        const kept = decimate(values, max);
        expect(kept.length).toBeLessThanOrEqual(Math.min(max, values.length));
        expect(kept[0]).toBe(0);
        expect(kept[kept.length - 1]).toBe(values.length - 1);
        for (let i = 1; i < kept.length; i++) expect(kept[i] as number).toBeGreaterThan(kept[i - 1] as number);
        const lo = Math.min(...values);
        const hi = Math.max(...values);
        expect(kept.some((i) => values[i] === lo)).toBe(true);
        expect(kept.some((i) => values[i] === hi)).toBe(true);
      }),
    );
  });
});

describe('10,000 trials of 200 values', () => {
  // A deterministic crowd: falling curves with a wiggle, one trial in four stopped at step 50.
  const n = 10_000;
  const trials: PlotTrial[] = [];
  const many: PlotCurve[] = [];
  for (let i = 0; i < n; i++) {
    const stopped = i % 4 === 3;
    const values = Array.from({ length: stopped ? 50 : 200 }, (_, s) => 1 + (i % 97) / 50 + 5 / (s + 1) + 0.05 * Math.sin(i + s));
    trials.push(trial(i, values[values.length - 1] as number, {}, stopped ? 'EarlyStopped' : 'Succeeded'));
    many.push(curve(`t${i}`, values, stopped ? 'EarlyStopped' : 'Succeeded'));
  }
  const svg = curvesSvg(experiment(trials), many);

  test('stays under 6 MB: 30 points a curve (300,000 / 10,000), one decimal', () => {
    expect(Buffer.byteLength(svg)).toBeLessThan(6_000_000);
    const lines = tags(svg, 'polyline');
    expect(lines).toHaveLength(n);
    const most = Math.max(...lines.filter((l) => l.class !== 'best').map((l) => (l.points as string).split(' ').length));
    expect(most).toBe(Math.floor(THINNING.total / n));
    // Coordinates with one decimal.
    expect(lines.every((l) => /^\d+\.\d,\d+\.\d( \d+\.\d,\d+\.\d)*$/.test(l.points as string))).toBe(true);
    expect(texts(svg)).toContain('curves thinned to 30 points (lowest and highest kept)');
    expect(tags(group(svg, 'stops'), 'circle')).toHaveLength(n / 4);
  });

  test('still one well-formed picture', () => {
    parse(svg);
  });
});
