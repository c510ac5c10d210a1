import { Resvg } from '@resvg/resvg-js';
import { describe, expect, test } from 'vitest';
import type { Method } from '../../../bench/report/dataset.js';
import { plotSvg } from '../../../bench/report/svg.js';
import { curvesSvg, historySvg, parallelSvg, textWidth } from '../../../ui/plots/index.js';
import { attrs, curve, experiment, group, textElements, trial } from './support.js';

// The legend must hold its longest label whole as drawn: a benchmark plot once cut
// "scriba_multivariate_tpe" to "scriba_multivariate_tp". These pictures are drawn with
// DejaVu Sans (the widest common default sans-serif) on a canvas 400 px wider than the
// picture, so text running past the box, or past the picture's edge, shows as pixels.

const DEJAVU = '/usr/share/fonts/truetype/dejavu';
const EXTRA = 400;

interface Image {
  width: number;
  height: number;
  pixels: Buffer;
}

function render(svg: string): Image {
  const wide = svg.replace(/<svg ([^>]*)width="(\d+)" height="(\d+)" viewBox="0 0 (\d+) (\d+)"/, (_, pre: string, w: string, h: string) => {
    const width = Number(w) + EXTRA;
    return `<svg ${pre}width="${width}" height="${h}" viewBox="0 0 ${width} ${h}"`;
  });
  expect(wide).not.toBe(svg);
  const image = new Resvg(wide, {
    font: { loadSystemFonts: false, fontDirs: [DEJAVU], defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  }).render();
  return { width: image.width, height: image.height, pixels: image.pixels };
}

/** Not transparent and not white: something is drawn there. */
const inked = (img: Image, x: number, y: number): boolean => {
  const i = 4 * (y * img.width + x);
  const [r, g, b, a] = [img.pixels[i], img.pixels[i + 1], img.pixels[i + 2], img.pixels[i + 3]] as number[];
  return (a as number) > 24 && ((r as number) < 235 || (g as number) < 235 || (b as number) < 235);
};
/** Text, black or grey (notes): every channel darker than the box's light grey frame (#cccccc). */
const dark = (img: Image, x: number, y: number): boolean => {
  const i = 4 * (y * img.width + x);
  return (img.pixels[i + 3] as number) > 64 && [0, 1, 2].every((k) => (img.pixels[i + k] as number) < 190);
};

function expectLegendHoldsItsText(svg: string, labels: readonly string[]): void {
  const legend = group(svg, 'legend');
  const box = attrs(/<rect class="legend-box"[^>]*>/.exec(legend)?.[0] ?? '');
  const [bx, by, bw, bh] = [box.x, box.y, box.width, box.height].map(Number) as [number, number, number, number];
  const pictureWidth = Number(/<svg [^>]*width="(\d+)"/.exec(svg)?.[1]);
  expect(bx + bw, 'the box inside the picture').toBeLessThanOrEqual(pictureWidth);
  const img = render(svg);
  const entries = textElements(legend);
  for (const label of labels) expect(entries.map((e) => e.text), label).toContain(label);
  for (const e of entries) {
    const [x, y, font] = [Number(e.x), Number(e.y), Number(e['font-size'])];
    // The glyphs' rows: from an ascender above the baseline to a descender below it.
    let right = -1;
    for (let row = Math.floor(y - font); row <= Math.ceil(y + 0.3 * font); row++) {
      for (let col = Math.floor(x); col < img.width; col++) if (dark(img, col, row)) right = Math.max(right, col);
    }
    expect(right, `"${e.text}" is drawn`).toBeGreaterThan(x);
    const drawn = right + 1 - x;
    expect(drawn, `"${e.text}": drawn ${drawn} px wide, estimated ${textWidth(e.text, font)}`).toBeLessThanOrEqual(textWidth(e.text, font));
    // Not vacuous: the estimate is generous, not wild.
    expect(drawn, e.text).toBeGreaterThan(0.6 * textWidth(e.text, font));
    expect(right, `"${e.text}" ends at ${right}, the box at ${bx + bw}`).toBeLessThan(bx + bw);
  }
  // Nothing at all right of the box along its height, on the widened canvas.
  for (let row = by; row <= by + bh; row++) {
    for (let col = bx + bw + 2; col < img.width; col++) expect(inked(img, col, row), `ink at (${col}, ${row})`).toBe(false);
  }
}

const method = (name: string, index: number, seeds = 10): Method => ({ key: name, engine: 'scriba', sampler: name, name, index, seeds });
const series = (names: readonly string[]) =>
  names.map((name, i) => ({ method: method(name, i), points: [1, 2, 3].map((t) => ({ t, median: -t, q1: -t - 0.5, q3: -t + 0.5 })) }));

describe('legends hold their labels as drawn in DejaVu Sans', () => {
  test('the benchmark plot that cut "scriba:multivariate-tpe"', () => {
    const labels = ['scriba:tpe', 'scriba:multivariate-tpe', 'optuna:tpe'];
    expectLegendHoldsItsText(plotSvg('rosenbrock10', series(labels)), labels);
  });

  test('benchmark labels of wide letters and marks, and fewer seeds', () => {
    const labels = ['scriba:bayesianoptimization_with_a_long_suffix', 'MMMMWWWW@@@%%%mmmwww', 'a<b&"c">\'d\''];
    const svg = plotSvg('f', [...series(labels), { method: method('scriba:multivariate-tpe', 3, 3), points: [] }]);
    expectLegendHoldsItsText(svg, [...labels, 'scriba:multivariate-tpe (S=3)']);
  });

  test('history: a long best trial name', () => {
    const name = 'scriba_multivariate_tpe-experiment-WWMM-trial-000042';
    const svg = historySvg(experiment([trial(0, 2), trial(1, 1, {}, 'Succeeded', name), trial(2, 3, {}, 'EarlyStopped')]));
    expectLegendHoldsItsText(svg, ['Succeeded', 'EarlyStopped', 'best so far', `best: ${name}`]);
  });

  test('curves: every kind of line', () => {
    const x = experiment([trial(0, 1), trial(1, 2, {}, 'EarlyStopped'), trial(2, undefined, {}, 'Running'), trial(3, 3)]);
    const svg = curvesSvg(x, [curve('t0', [3, 1]), curve('t1', [4, 2], 'EarlyStopped'), curve('t2', [5], 'Running'), curve('t3', [4, 3])]);
    expectLegendHoldsItsText(svg, ['Succeeded', 'EarlyStopped', 'stopped here', 'other (running, failed, ...)', 'best: t0']);
  });

  test('parallel: a long metric in the note', () => {
    const x = { ...experiment([trial(0, 1, { a: '1' }), trial(1, 2, { a: '2' }), trial(2, undefined, {}, 'Failed')], [{ name: 'a', kind: 'number' as const, log: false }]), metric: 'validation/multivariate-loss' };
    expectLegendHoldsItsText(parallelSvg(x), ['best: t0', 'colour: validation/multivariate-loss, darker is better', '1 trial without a value not drawn']);
  });
});
