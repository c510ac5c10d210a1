import { describe, expect, test } from 'vitest';
import type { PlotParameter } from '../../../ui/model.js';
import { sequentialColour } from '../../../ui/plots/colour.js';
import { parallelSvg } from '../../../ui/plots/parallel.js';
import { experiment, group, parse, points, tags, textElements, texts, trial } from './support.js';

const space: PlotParameter[] = [
  { name: 'lr', kind: 'number', log: true, min: 1e-4, max: 1e-1 },
  { name: 'opt', kind: 'category', log: false, categories: ['sgd', 'adam', 'rmsprop'] },
];

/**
 * Three trials with values 2, 1 (the best) and 4, and one Failed.
 *
 * Axes from the top at 72 to the bottom at 372 (300 px): f at 372 - 300 f.
 * x: the first axis holds its widest tick label, "0.001" (3.3 em x 11 px = 36.3, + 16 ->
 *   53); the others are 110 px on (wider than any label or name here): 53, 163, 273.
 * lr, log10 over the space 1e-4..1e-1: f = (log10 v + 4) / 3; 1e-3 -> 272, 1e-2 -> 172, 1e-4 -> 372.
 * opt, categories in the space's order: f = (i + 0.5) / 3; sgd -> 322, adam -> 222, rmsprop -> 122.
 * loss, linear over the values 1..4: f = (v - 1) / 3; 2 -> 272, 1 -> 372, 4 -> 72.
 */
const three = experiment(
  [
    trial(0, 2, { lr: '0.001', opt: 'adam' }),
    trial(1, 1, { lr: '0.01', opt: 'sgd' }),
    trial(2, 4, { lr: '0.0001', opt: 'rmsprop' }),
    trial(3, undefined, { lr: '0.1', opt: 'sgd' }, 'Failed'),
  ],
  space,
);

describe('parallel coordinates', () => {
  test('one axis per parameter in order, then the objective', () => {
    const svg = parallelSvg(three);
    const axes = [...svg.matchAll(/<g class="axis">\n<line x1="([\d.]+)" y1="([\d.]+)" x2="[\d.]+" y2="([\d.]+)"[^>]*>\n<text [^>]*>([^<]*)</g)].map((m) => ({
      x: Number(m[1]),
      top: Number(m[2]),
      bottom: Number(m[3]),
      name: m[4],
    }));
    expect(axes).toEqual([
      { x: 53, top: 72, bottom: 372, name: 'lr' },
      { x: 163, top: 72, bottom: 372, name: 'opt' },
      { x: 273, top: 72, bottom: 372, name: 'loss' },
    ]);
    const t = texts(svg);
    // The log axis at the powers of ten; the categories bottom to top in the space's order.
    for (const label of ['1e-4', '0.001', '0.01', '0.1']) expect(t).toContain(label);
    expect(t.filter((l) => ['sgd', 'adam', 'rmsprop'].includes(l))).toEqual(['sgd', 'adam', 'rmsprop']);
    // Each label's baseline 4 px below its tick.
    expect(['sgd', 'adam', 'rmsprop'].map((c) => textElements(svg).find((e) => e.text === c)?.y)).toEqual(['326.0', '226.0', '126.0']);
    parse(svg);
  });

  test('each trial a polyline through its values; the worst first, the best last and red', () => {
    const svg = parallelSvg(three);
    const lines = tags(group(svg, 'trials'), 'polyline');
    expect(lines.map((l) => points(l.points as string))).toEqual([
      [[53, 372], [163, 122], [273, 72]],
      [[53, 272], [163, 222], [273, 272]],
    ]);
    // Dark is better: the worst (4, at the top of the loss axis) at viridis' light end.
    expect(lines.map((l) => l.stroke)).toEqual([sequentialColour(1), sequentialColour(1 / 3)]);
    const best = tags(group(svg, 'best'), 'polyline');
    expect(best.map((l) => l.stroke)).toEqual(['#ffffff', '#d62728']);
    expect(points(best[1]?.points as string)).toEqual([[53, 172], [163, 322], [273, 372]]);
    expect(texts(svg)).toContain('best: t1');
    expect(texts(svg)).toContain('1 trial without a value not drawn');
  });

  test('maximize: the colours turn round, the best is still on top', () => {
    const svg = parallelSvg({ ...three, goal: 'maximize' });
    const lines = tags(group(svg, 'trials'), 'polyline');
    // Worst first: 1 (t1), then 2 (t0); the best, 4 (t2), in red.
    expect(lines.map((l) => l.stroke)).toEqual([sequentialColour(1), sequentialColour(2 / 3)]);
    expect(texts(svg)).toContain('best: t2');
  });

  test('a value the space does not list joins its axis; a value that is not a number breaks the line', () => {
    const x = experiment([trial(0, 1, { lr: 'oops', opt: 'momentum' }), trial(1, 2, { lr: '0.01', opt: 'sgd' })], space);
    const svg = parallelSvg(x);
    expect(texts(svg).filter((l) => ['sgd', 'adam', 'rmsprop', 'momentum'].includes(l))).toEqual(['sgd', 'adam', 'rmsprop', 'momentum']);
    // t0 (the best): no lr, so its line starts at opt.
    const best = tags(group(svg, 'best'), 'polyline')[1];
    expect(points(best?.points as string).map((p) => p[0])).toEqual([163, 273]);
  });

  test('numeric axes without bounds span the data; a space bound widens to hold values outside it', () => {
    const x = experiment([trial(0, 1, { k: '3' }), trial(1, 2, { k: '7' })], [{ name: 'k', kind: 'number', log: false, min: 4, max: 6 }]);
    const svg = parallelSvg(x);
    const t = texts(svg);
    expect(t).toContain('3');
    expect(t).toContain('7');
  });

  test('long names and categories push the axes apart', () => {
    const long = 'a-category-name-that-is-longer-than-the-gap-between-two-axes';
    const x = experiment([trial(0, 1, { c: long, d: '1' })], [
      { name: 'c', kind: 'category', log: false, categories: [long] },
      { name: 'd', kind: 'number', log: false, min: 0, max: 2 },
    ]);
    const xs = [...parallelSvg(x).matchAll(/<g class="axis">\n<line x1="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(xs[0]).toBeGreaterThan(300);
    expect((xs[1] as number) - (xs[0] as number)).toBeGreaterThanOrEqual(110);
  });

  test('no trial with a value', () => {
    expect(texts(parallelSvg(experiment([trial(0, undefined, {}, 'Running')], space)))).toContain('no completed trials');
  });
});
