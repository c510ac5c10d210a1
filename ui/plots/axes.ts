/**
 * A framed plot area: grid lines, the frame, tick labels and axis titles, and the layout
 * that sizes a picture around them so that long tick labels, a long heading and the legend
 * fit whole. Ticks come in as pixel positions.
 */
import { legendSize, LEGEND, type LegendBox } from './legend.js';
import { along, type Tick } from './scales.js';
import { COLOURS, escapeXml, headingWidth, px } from './svg.js';
import { textWidth } from './text-width.js';

/** The plot area in px; whole numbers, so its edges print as they are. */
export interface Area {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface PixelTick {
  at: number;
  label: string;
}

export const TICK_FONT = 11;
export const AXIS_TITLE_FONT = 13;

/** Light grid lines at the ticks, drawn under the data. */
export function gridLines(area: Area, xs: readonly number[], ys: readonly number[], colour = '#e6e6e6'): string[] {
  const out = [`<g stroke="${colour}" stroke-width="1">`];
  for (const x of xs) out.push(`<line x1="${px(x)}" y1="${area.top}" x2="${px(x)}" y2="${area.bottom}"/>`);
  for (const y of ys) out.push(`<line x1="${area.left}" y1="${px(y)}" x2="${area.right}" y2="${px(y)}"/>`);
  out.push('</g>');
  return out;
}

export interface FrameOptions {
  /** The x axis title's baseline below the area (px); 40 by default. */
  xTitleBelow?: number;
  /** The centre of the rotated y axis title; 18 by default. */
  yTitleX?: number;
  /** Turn the x tick labels by -45° (long category names). */
  slantX?: boolean;
}

/** The frame of the area, tick labels (x under it, y left of it) and the axis titles (none where empty). */
/** An axis's ticks placed in pixels between `from` (its low end) and `to`. */
export function pixelTicks(ticks: readonly Tick[], from: number, to: number): PixelTick[] {
  return ticks.map((t) => ({ at: along(from, to, t.at), label: t.label }));
}

export function axisFrame(area: Area, x: readonly PixelTick[], y: readonly PixelTick[], titles: { x: string; y: string }, o: FrameOptions = {}): string[] {
  const out = [
    `<rect x="${area.left}" y="${area.top}" width="${area.right - area.left}" height="${area.bottom - area.top}" fill="none" stroke="${COLOURS.text}"/>`,
    `<g font-size="${TICK_FONT}" fill="${COLOURS.text}">`,
  ];
  for (const t of x) {
    if (o.slantX) {
      const [tx, ty] = [px(t.at + 4), area.bottom + 12];
      out.push(`<text x="${tx}" y="${ty}" text-anchor="end" transform="rotate(-45 ${tx} ${ty})">${escapeXml(t.label)}</text>`);
    } else {
      out.push(`<text x="${px(t.at)}" y="${area.bottom + 16}" text-anchor="middle">${escapeXml(t.label)}</text>`);
    }
  }
  for (const t of y) out.push(`<text x="${area.left - 6}" y="${px(t.at + 4)}" text-anchor="end">${escapeXml(t.label)}</text>`);
  const mid = px((area.top + area.bottom) / 2);
  const yx = o.yTitleX ?? 18;
  out.push('</g>');
  if (titles.x !== '') out.push(`<text x="${px((area.left + area.right) / 2)}" y="${area.bottom + (o.xTitleBelow ?? 40)}" text-anchor="middle" font-size="${AXIS_TITLE_FONT}">${escapeXml(titles.x)}</text>`);
  if (titles.y !== '') out.push(`<text x="${yx}" y="${mid}" text-anchor="middle" font-size="${AXIS_TITLE_FONT}" transform="rotate(-90 ${yx} ${mid})">${escapeXml(titles.y)}</text>`);
  return out;
}

/** The widest of some labels at a font size (px), 0 for none. */
export function widest(labels: readonly string[], font: number): number {
  let w = 0;
  for (const l of labels) w = Math.max(w, textWidth(l, font));
  return w;
}

/** How far slanted (-45°) labels reach below their anchor: the label's width times sin 45°, plus the anchor's drop. */
export function slantDepth(labels: readonly string[], font: number): number {
  return Math.ceil(widest(labels, font) * Math.SQRT1_2 + font + 12);
}

export interface ChartSize {
  title: string;
  /** The y tick labels, which the left margin must hold. */
  yLabels: readonly string[];
  /** Legend entries and notes at the right of the area; none when absent. */
  legend?: { labels: readonly string[]; notes?: readonly string[] };
  /** Room below the area for the x tick labels and title (px); 56 by default. */
  below?: number;
  /** Room right of the area before the legend (a colour bar), px. */
  beside?: number;
  /** The axis titles, which the area grows to hold whole. */
  axisTitles?: { x: string; y: string };
  /** The area's smallest size; 480 × 300 by default. */
  areaWidth?: number;
  areaHeight?: number;
}

export interface ChartLayout {
  area: Area;
  width: number;
  height: number;
  legend?: LegendBox;
}

/** The smallest plot area's margins: 64 px left (y tick labels and title), 44 px on top (the heading). */
export const MARGIN = { left: 64, top: 44, right: 24 } as const;

/**
 * Where the area and the legend go, and the picture's size: the left margin grows with the
 * widest y tick label (the rotated y title sits at x = 18, tick labels end 6 px left of the
 * area), the area with its axis titles, the width with the legend and the heading, the
 * height with the legend.
 */
export function chartLayout(c: ChartSize): ChartLayout {
  const left = Math.max(MARGIN.left, Math.ceil(36 + widest(c.yLabels, TICK_FONT)));
  const top = MARGIN.top;
  const w = Math.max(c.areaWidth ?? 480, Math.ceil(textWidth(c.axisTitles?.x ?? '', AXIS_TITLE_FONT) + 8));
  const h = Math.max(c.areaHeight ?? 300, Math.ceil(textWidth(c.axisTitles?.y ?? '', AXIS_TITLE_FONT) + 8));
  const area = { left, top, right: left + w, bottom: top + h };
  const below = c.below ?? 56;
  const besideRight = area.right + (c.beside ?? 0);
  let width = besideRight + MARGIN.right;
  let height = area.bottom + below;
  let legend: LegendBox | undefined;
  if (c.legend) {
    const size = legendSize(c.legend.labels, c.legend.notes);
    legend = { x: besideRight + LEGEND.gap, y: area.top, ...size };
    width = legend.x + legend.width + LEGEND.margin;
    height = Math.max(height, legend.y + legend.height + LEGEND.margin);
  }
  width = Math.max(width, headingWidth(c.title));
  return { area, width, height, ...(legend ? { legend } : {}) };
}
