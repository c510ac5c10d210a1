import { describe, expect, test } from 'vitest';
import { historySvg } from '../../../ui/plots/history.js';
import { bestSoFar } from '../../../ui/plots/trials.js';
import { area, experiment, group, parse, points, tags, texts, trial } from './support.js';

/**
 * Seven trials, minimising: values 3, 5, 2, (Failed), 2.5 (EarlyStopped), 1, 4.
 *
 * Area (short labels): left 64, top 44, 480 x 300, so right 544 and bottom 344.
 * x: trial numbers -0.5..6.5, so trial i at 64 + (i + 0.5) / 7 * 480:
 *   0 -> 98.3, 1 -> 166.9, 2 -> 235.4, 4 -> 372.6, 5 -> 441.1, 6 -> 509.7.
 * y: values 1..5, padded by 5% of 4 to 0.8..5.2, widened to steps of
 *   niceStep(4.4, 6) = 1: 0..6; so v at 344 - v / 6 * 300 = 344 - 50 v.
 * Best so far: 3, 3, 2, 2, 1, 1 at trials 0, 1, 2, 4, 5, 6.
 */
const seven = experiment([
  trial(0, 3),
  trial(1, 5),
  trial(2, 2),
  trial(3, undefined, {}, 'Failed'),
  trial(4, 2.5, {}, 'EarlyStopped'),
  trial(5, 1),
  trial(6, 4),
]);

const circles = (svg: string, cls: string) => tags(group(svg, cls), 'circle').map((c) => [Number(c.cx), Number(c.cy)]);

describe('history', () => {
  test('the area, ticks and axis titles', () => {
    const svg = historySvg(seven);
    expect(area(svg)).toEqual({ left: 64, top: 44, right: 544, bottom: 344 });
    const t = texts(svg);
    for (const label of ['0', '2', '4', '6', '1', '3', '5', 'trial (creation order)', 'loss', 'e: loss by trial']) expect(t).toContain(label);
    parse(svg);
  });

  test('points at their trial number and value; EarlyStopped apart; Failed not drawn', () => {
    const svg = historySvg(seven);
    expect(circles(svg, 'succeeded')).toEqual([
      [98.3, 194],
      [166.9, 94],
      [235.4, 244],
      [441.1, 294],
      [509.7, 144],
    ]);
    expect(circles(svg, 'early-stopped')).toEqual([[372.6, 219]]);
    expect(svg).not.toContain('<title>t3');
    expect(texts(svg)).toContain('1 trial without a value not drawn');
  });

  test('the best-so-far line steps at each new best', () => {
    const svg = historySvg(seven);
    const line = tags(svg, 'polyline').find((p) => p.class === 'best-so-far');
    // Across at the old best to each trial, then down to the new best where there is one.
    expect(points(line?.points ?? '')).toEqual([
      [98.3, 194],
      [166.9, 194],
      [235.4, 194],
      [235.4, 244],
      [372.6, 244],
      [441.1, 244],
      [441.1, 294],
      [509.7, 294],
    ]);
    // The best trial ringed and named in the legend.
    const best = tags(svg, 'circle').find((c) => c.class === 'best');
    expect([best?.cx, best?.cy]).toEqual(['441.1', '294.0']);
    expect(texts(svg)).toContain('best: t5');
  });

  test('maximize: the running maximum', () => {
    expect(bestSoFar('maximize', [3, 5, 2, 2.5, 1, 4])).toEqual([3, 5, 5, 5, 5, 5]);
    expect(bestSoFar('minimize', [3, 5, 2, 2.5, 1, 4])).toEqual([3, 3, 2, 2, 1, 1]);
    const svg = historySvg({ ...seven, goal: 'maximize' });
    const line = tags(svg, 'polyline').find((p) => p.class === 'best-so-far');
    // Up to 5 at trial 1, then across: y 194 (3), then 94 (5).
    expect(points(line?.points ?? '').map((p) => p[1])).toEqual([194, 194, 94, 94, 94, 94, 94]);
    expect(texts(svg)).toContain('best: t1');
  });

  test('log y: ticks at 1, 2, 5 x 10^k; values at or below 0 left out with a note', () => {
    const svg = historySvg(seven, { logY: true });
    // 1..5 padded by 5% of its 0.699 decades, widened to 0.1..10: v at 344 - (log10 v + 1) / 2 * 300.
    const t = texts(svg);
    for (const label of ['0.1', '0.2', '0.5', '1', '2', '5', '10', 'loss (log scale)']) expect(t).toContain(label);
    expect(circles(svg, 'succeeded')).toEqual([
      [98.3, 122.4],
      [166.9, 89.2],
      [235.4, 148.8],
      [441.1, 194],
      [509.7, 103.7],
    ]);
    const withZero = experiment([...seven.trials, trial(7, 0), trial(8, -2)]);
    expect(texts(historySvg(withZero, { logY: true }))).toContain('2 values at or below 0 not drawn (log axis)');
  });

  test('no trial with a value: a picture that says so', () => {
    const svg = historySvg(experiment([trial(0, undefined, {}, 'Failed'), trial(1, undefined, {}, 'Running')]));
    expect(texts(svg)).toContain('no completed trials');
    expect(parse(svg)).toEqual({ width: 480, height: 160 });
    expect(texts(historySvg(experiment([]), { logY: true }))).toContain('no completed trials');
    expect(texts(historySvg(experiment([trial(0, -1)]), { logY: true }))).toContain('no values of loss above 0 for a log axis');
  });

  test('a long tick label, metric or trial name widens the picture instead of being cut', () => {
    const long = experiment([trial(0, 123456.789), trial(1, 123457.5, {}, 'Succeeded', 'trial-with-a-very-long-name-of-the-multivariate-tpe-kind')]);
    const svg = historySvg({ ...long, metric: 'validation/cross-entropy-of-the-held-out-split-at-the-end-of-training-and-more' });
    const a = area(svg);
    // Tick labels end 6 px left of the area; the rotated title's centre is at 18.
    expect(a.left).toBeGreaterThan(64);
    expect(a.bottom - a.top).toBeGreaterThan(300);
    parse(svg);
  });
});

describe('hover texts', () => {
  test('each mark has one up to TOOLTIP_LIMIT trials; past it none but the best', () => {
    const many = (n: number) => experiment(Array.from({ length: n }, (_, i) => trial(i, (i * 37) % 101)));
    const titles = (svg: string) => (svg.match(/<title>/g) ?? []).length;
    // Every point and the best trial's ring, plus the picture's own title.
    expect(titles(historySvg(many(2000)))).toBe(2000 + 2);
    expect(titles(historySvg(many(2001)))).toBe(2);
  });
});
