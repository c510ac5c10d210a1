import { describe, expect, test } from 'vitest';
import type { PlotParameter } from '../../../ui/model.js';
import { sequentialColour } from '../../../ui/plots/colour.js';
import { sliceSvg } from '../../../ui/plots/slice.js';
import { experiment, parse, tags, textElements, texts, trial } from './support.js';

const space: PlotParameter[] = [
  { name: 'lr', kind: 'number', log: true, min: 1e-4, max: 1e-1 },
  { name: 'opt', kind: 'category', log: false, categories: ['sgd', 'adam'] },
];

/**
 * Three trials: (1e-3, adam) -> 2, (1e-2, sgd) -> 1, (1e-1, adam) -> 4.
 *
 * Cells of 220 x 200 px, two in a row; the y tick labels ("1".."4") need less than the
 * least cell margin, 40 px, after the figure's 30: cell 0 spans x 70..290, cell 1 (276 px on)
 * 346..566, both y 48..248.
 * y: the values 1..4 padded by 5% of 3 to 0.85..4.15: v at 248 - (v - 0.85) / 3.3 * 200;
 *   1 -> 238.9, 2 -> 178.3, 4 -> 57.1.
 * lr, log10 over the space: 70 + (log10 v + 4) / 3 * 220; 1e-3 -> 143.3, 1e-2 -> 216.7, 1e-1 -> 290.
 * opt, (i + 0.5) / 2 of the cell in the space's order: sgd -> 401, adam -> 511.
 * Colour by trial number 0..2: viridis at 0, 1/2 and 1.
 */
const three = experiment([trial(0, 2, { lr: '0.001', opt: 'adam' }), trial(1, 1, { lr: '0.01', opt: 'sgd' }), trial(2, 4, { lr: '0.1', opt: 'adam' })], space);

const cells = (svg: string) => svg.split('<g class="cell">').slice(1);

describe('slice', () => {
  test('a cell per parameter, its area and axis', () => {
    const svg = sliceSvg(three);
    const frames = tags(svg, 'rect').filter((r) => r.fill === 'none' && r.stroke === '#333333' && r.width !== '12');
    expect(frames.map((r) => [r.x, r.y, r.width, r.height].map(Number))).toEqual([
      [70, 48, 220, 200],
      [346, 48, 220, 200],
    ]);
    const [lr, opt] = cells(svg).map(texts);
    for (const label of ['1e-4', '0.001', '0.01', '0.1', 'lr', 'loss']) expect(lr).toContain(label);
    expect(opt?.filter((l) => l === 'sgd' || l === 'adam')).toEqual(['sgd', 'adam']);
    // The metric is named once a row.
    expect(opt).not.toContain('loss');
    parse(svg);
  });

  test('points at (parameter, value), coloured by trial number', () => {
    const svg = sliceSvg(three);
    const [lr, opt] = cells(svg).map((c) => tags(c, 'circle').map((p) => [Number(p.cx), Number(p.cy), p.fill]));
    expect(lr).toEqual([
      [143.3, 178.3, sequentialColour(0)],
      [216.7, 238.9, sequentialColour(0.5)],
      [290, 57.1, sequentialColour(1)],
    ]);
    expect(opt).toEqual([
      [511, 178.3, sequentialColour(0)],
      [401, 238.9, sequentialColour(0.5)],
      [511, 57.1, sequentialColour(1)],
    ]);
    const bar = textElements(svg).filter((e) => e.text === 'trial');
    expect(bar).toHaveLength(1);
  });

  test('long category names are slanted and the cells grow downwards', () => {
    const long = ['stochastic-gradient-descent-with-nesterov-momentum', 'adam-with-decoupled-weight-decay'];
    const x = experiment([trial(0, 1, { o: long[0] as string }), trial(1, 2, { o: long[1] as string })], [{ name: 'o', kind: 'category', log: false, categories: long }]);
    const svg = sliceSvg(x);
    const slanted = textElements(svg).filter((e) => long.includes(e.text));
    expect(slanted).toHaveLength(2);
    for (const e of slanted) expect(e.transform).toMatch(/^rotate\(-45 /);
    expect(Number(/height="(\d+)"/.exec(svg)?.[1])).toBeGreaterThan(48 + 200 + 200);
    parse(svg);
  });

  test('more than three parameters: rows of three', () => {
    const params: PlotParameter[] = Array.from({ length: 5 }, (_, i) => ({ name: `p${i}`, kind: 'number', log: false, min: 0, max: 1 }));
    const svg = sliceSvg(experiment([trial(0, 1, { p0: '0.5', p1: '0.5', p2: '0.5', p3: '0.5', p4: '0.5' })], params));
    const frames = tags(svg, 'rect').filter((r) => r.fill === 'none' && r.stroke === '#333333' && r.width !== '12');
    expect(new Set(frames.map((r) => r.y)).size).toBe(2);
    expect(frames.filter((r) => r.y === frames[0]?.y)).toHaveLength(3);
  });

  test('nothing to draw', () => {
    expect(texts(sliceSvg(experiment([trial(0, undefined, {}, 'Failed')], space)))).toContain('no completed trials');
    expect(texts(sliceSvg(experiment([trial(0, 1)], [])))).toContain('no parameters');
  });

  test('past TOOLTIP_LIMIT trials a run of one colour is one path, the same circles in the same order', () => {
    const many = (n: number) =>
      experiment(
        Array.from({ length: n }, (_, i) => trial(i, (i * 37) % 101, { lr: String(10 ** (-4 + ((i * 13) % 300) / 100)), opt: i % 3 === 0 ? 'sgd' : 'adam' })),
        space,
      );
    // Each circle as (cx, cy, colour): from the <circle>s, or from the paths' "M x-3 y a3 3 ..." subpaths.
    const fromCircles = (cell: string) => tags(cell, 'circle').map((c) => [Number(c.cx), Number(c.cy), c.fill]);
    const fromPaths = (cell: string) =>
      tags(cell, 'path').flatMap((p) => [...(p.d as string).matchAll(/M([-\d.]+) ([-\d.]+)a3 3 0 1 0 6 0a3 3 0 1 0-6 0/g)].map((m) => [Math.round((Number(m[1]) + 3) * 10) / 10, Number(m[2]), p.fill]));
    const below = cells(sliceSvg(many(2000)));
    const above = cells(sliceSvg(many(2001)));
    expect(below.map((c) => tags(c, 'path').length)).toEqual([0, 0]);
    expect(above.map((c) => tags(c, 'circle').length)).toEqual([0, 0]);
    above.forEach((cell, i) => {
      const circles = fromPaths(cell);
      expect(circles).toHaveLength(2001);
      // The first 2000 sit where the circles below the limit do (their colours' scale ends one trial earlier).
      expect(circles.slice(0, 2000).map(([x, y]) => [x, y])).toEqual(fromCircles(below[i] as string).map(([x, y]) => [x, y]));
      // Consecutive paths differ in colour, and colours follow trial order.
      const fills = tags(cell, 'path').map((p) => p.fill);
      fills.slice(1).forEach((f, j) => expect(f).not.toBe(fills[j]));
      expect(circles[0]?.[2]).toBe(sequentialColour(0));
      expect(circles[2000]?.[2]).toBe(sequentialColour(1));
    });
    // No hover texts but the picture's own title.
    expect(sliceSvg(many(2001)).match(/<title>/g)).toHaveLength(1);
  });
});
