/**
 * Slices: small multiples of the objective value against each parameter, one cell per
 * parameter in the space's order (up to three a row), numeric axes log where the space is
 * log, categorical ones by category; points coloured by trial number, later trials on top.
 *
 *   writeFileSync('slice.svg', sliceSvg(plotExperiment(state)));
 */
import type { PlotExperiment } from '../model.js';
import { AXIS_TITLE_FONT, axisFrame, gridLines, slantDepth, TICK_FONT, widest, type Area } from './axes.js';
import { colourBarLines, colourBarWidth, sequentialColour } from './colour.js';
import { along, linearAxis, range, type Axis } from './scales.js';
import { closeSvg, count, COLOURS, escapeXml, headingWidth, messageSvg, openSvg, px, TOOLTIP_LIMIT, tooltip } from './svg.js';
import { textWidth } from './text-width.js';
import { parameterAxis, rankedTrials } from './trials.js';

/** Cell geometry (px): the smallest plot area of a cell, the gaps, the most cells a row. */
export const SLICE = { width: 220, height: 200, gap: 16, columns: 3, left: 30, top: 48 } as const;

interface Cell {
  name: string;
  axis: Axis;
  slant: boolean;
}

export function sliceSvg(x: PlotExperiment): string {
  const title = `${x.name}: ${x.metric} by parameter`;
  const ranked = rankedTrials(x);
  if (ranked.length === 0) return messageSvg(title, 'no completed trials');
  if (x.parameters.length === 0) return messageSvg(title, 'no parameters');

  const [lo, hi] = range(ranked.map((t) => t.value)) as [number, number];
  const yAxis = linearAxis(lo, hi, { pad: 0.05 });
  const cellWidth = Math.max(SLICE.width, ...x.parameters.map((p) => Math.ceil(textWidth(p.name, AXIS_TITLE_FONT) + 8)));
  const cells: Cell[] = x.parameters.map((p) => {
    const axis = parameterAxis(p, ranked.map((t) => t.params[p.name]));
    // Labels wider than their share of the axis are slanted.
    const share = cellWidth / Math.max(1, axis.ticks.length);
    return { name: p.name, axis, slant: widest(axis.ticks.map((t) => t.label), TICK_FONT) > share - 6 };
  });
  const slanted = cells.filter((c) => c.slant).flatMap((c) => c.axis.ticks.map((t) => t.label));
  // Below each area: x tick labels (slanted ones reach further), then the parameter's name.
  const ticksBelow = slanted.length > 0 ? Math.max(20, slantDepth(slanted, TICK_FONT)) : 20;
  const below = ticksBelow + 22;
  const yLabelWidth = widest(yAxis.ticks.map((t) => t.label), TICK_FONT);
  const cellLeft = Math.max(40, Math.ceil(yLabelWidth + 14));
  const columns = Math.min(SLICE.columns, cells.length);
  const rows = Math.ceil(cells.length / columns);
  const pitchX = cellLeft + cellWidth + SLICE.gap;
  const cellHeight = Math.max(SLICE.height, Math.ceil(textWidth(x.metric, AXIS_TITLE_FONT) + 8));
  const pitchY = cellHeight + below + SLICE.gap;
  const areaOf = (i: number): Area => {
    const left = SLICE.left + (i % columns) * pitchX + cellLeft;
    const top = SLICE.top + Math.floor(i / columns) * pitchY;
    return { left, top, right: left + cellWidth, bottom: top + cellHeight };
  };

  // Colour by creation order: the first trial dark, the last light.
  const last = Math.max(1, range(x.trials.map((t) => t.index))?.[1] ?? 0);
  const order = linearAxis(0, last, { integer: true });
  const shade = (index: number): string => sequentialColour(order.fraction(index) ?? 0);
  const barX = SLICE.left + columns * pitchX;
  const barTop = SLICE.top + 14;
  const barBottom = SLICE.top + cellHeight;
  const notes = x.trials.length > ranked.length ? `${count(x.trials.length - ranked.length, 'trial')} without a value not drawn` : '';
  const width = Math.max(barX + colourBarWidth(order.ticks, 'trial') + 12, headingWidth(title), Math.ceil(textWidth(notes, 10) + 2 * SLICE.left));
  const height = SLICE.top + rows * pitchY + (notes ? 14 : 0);

  const out = openSvg({ width, height, title });
  cells.forEach((cell, i) => {
    const area = areaOf(i);
    const sx = (f: number): number => along(area.left, area.right, f);
    const sy = (f: number): number => along(area.bottom, area.top, f);
    out.push(`<g class="cell">`, ...gridLines(area, cell.axis.ticks.map((t) => sx(t.at)), yAxis.ticks.map((t) => sy(t.at)), '#ececec'));
    out.push('<g fill-opacity="0.8">');
    const marks = new Marks(out, ranked.length > TOOLTIP_LIMIT);
    for (const t of ranked) {
      const fx = cell.axis.fraction(t.params[cell.name] ?? '');
      const fy = yAxis.fraction(t.value);
      if (fx === undefined || fy === undefined) continue;
      marks.add(sx(fx), sy(fy), shade(t.index), () => tooltip(ranked.length, `${t.name}: ${cell.name}=${t.params[cell.name]}, ${x.metric}=${t.value}`));
    }
    marks.flush();
    out.push(
      '</g>',
      ...axisFrame(
        area,
        cell.axis.ticks.map((t) => ({ at: sx(t.at), label: t.label })),
        yAxis.ticks.map((t) => ({ at: sy(t.at), label: t.label })),
        { x: cell.name, y: i % columns === 0 ? x.metric : '' },
        { xTitleBelow: cell.slant ? ticksBelow + 16 : 36, yTitleX: 14, ...(cell.slant ? { slantX: true } : {}) },
      ),
      '</g>',
    );
  });
  out.push(...colourBarLines({ x: barX, top: barTop, bottom: barBottom, colour: sequentialColour, ticks: order.ticks, title: 'trial' }));
  if (notes) out.push(`<text x="${SLICE.left}" y="${height - 8}" font-size="10" fill="${COLOURS.note}">${escapeXml(notes)}</text>`);
  return closeSvg(out);
}

/**
 * The points of a cell, in drawing order: one `<circle>` each (with its hover text) up to
 * TOOLTIP_LIMIT trials; past it, where there is no hover text, each run of consecutive
 * points of one colour is one `<path>` of circles, since a PNG's renderer keeps a tree node
 * per element (10,000 points in 4 cells were 40,000 nodes). Later points stay on top; only
 * overlapping points of one run no longer add their opacities.
 */
class Marks {
  private colour = '';
  private d: string[] = [];

  constructor(
    private readonly out: string[],
    private readonly merge: boolean,
  ) {}

  add(cx: number, cy: number, colour: string, title: () => string): void {
    if (!this.merge) {
      this.out.push(`<circle cx="${px(cx)}" cy="${px(cy)}" r="3" fill="${colour}">${title()}</circle>`);
      return;
    }
    if (colour !== this.colour) this.flush();
    this.colour = colour;
    this.d.push(`M${px(cx - 3)} ${px(cy)}a3 3 0 1 0 6 0a3 3 0 1 0-6 0`);
  }

  flush(): void {
    if (this.d.length > 0) this.out.push(`<path fill="${this.colour}" d="${this.d.join('')}"/>`);
    this.d = [];
  }
}
