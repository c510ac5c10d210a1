/**
 * One self-contained SVG per function: for each method the median of L_t = log10(r_t + 1e-12)
 * over seeds (bench-protocol §3) against evaluations t = 1..N as a line, and [Q1, Q3] as a
 * translucent band in the same colour. Pure string building; the same input gives the same bytes.
 * The drawing primitives (escaping, ticks, axes, legend, palette, text width) are the
 * dashboard's, in ui/plots.
 */
import { axisFrame, gridLines, type Area } from '../../ui/plots/axes.js';
import { LEGEND, legendLines, legendSize, type LegendBox } from '../../ui/plots/legend.js';
import { niceStep } from '../../ui/plots/scales.js';
import { closeSvg, escapeXml, openSvg, PALETTE, px, tickLabel } from '../../ui/plots/svg.js';
import type { Method } from './dataset.js';
import { PROTOCOL_SEEDS, type CurvePoint } from './stats.js';

export { escapeXml, niceStep, PALETTE, type LegendBox };

/** The smallest size of a plot; a long legend widens it, a tall one lengthens it. */
export const WIDTH = 740;
export const HEIGHT = 440;
/** The plot area, the same in every plot; the legend sits to its right. */
const AREA: Area = { left: 64, right: 540, top: 44, bottom: 380 };

const NOTES = ['line: median over seeds', 'band: [Q1, Q3]'] as const;

/** A legend entry's text: the method's label, with `(S=k)` for fewer than 10 seeds (§3). */
export function legendLabel(m: Method): string {
  return m.seeds > 0 && m.seeds < PROTOCOL_SEEDS ? `${m.name} (S=${m.seeds})` : m.name;
}

/** The legend box, wide enough for the longest label by a generous estimate of its width. */
export function legendBox(labels: readonly string[]): LegendBox {
  return { x: AREA.right + LEGEND.gap, y: AREA.top, ...legendSize(labels, NOTES) };
}

export interface PlotSeries {
  method: Method;
  points: readonly CurvePoint[];
}

/** Colour per method by first appearance; a second round of methods is dashed. */
function styleOf(m: Method): { colour: string; dash: string } {
  const colour = PALETTE[m.index % PALETTE.length] as string;
  return { colour, dash: m.index >= PALETTE.length ? ' stroke-dasharray="6 3"' : '' };
}

/** Axis titles; a synthetic-function plot's by default. */
export interface AxisTitles {
  x: string;
  y: string;
}

/** The plot of one function; `series` in legend order. */
export function plotSvg(fn: string, series: readonly PlotSeries[], axes: AxisTitles = { x: 'evaluations', y: 'log10 regret' }): string {
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(2, ...all.map((p) => p.t));
  const lo = all.length === 0 ? -1 : Math.min(...all.map((p) => p.q1));
  const hi = all.length === 0 ? 0 : Math.max(...all.map((p) => p.q3));
  const yStep = niceStep(Math.max(hi - lo, 0.5), 8);
  const yMin = Math.floor(lo / yStep) * yStep;
  const yMax = Math.max(Math.ceil(hi / yStep) * yStep, yMin + yStep);
  const sx = (t: number): number => AREA.left + ((t - 1) / (xMax - 1)) * (AREA.right - AREA.left);
  const sy = (v: number): number => AREA.bottom - ((v - yMin) / (yMax - yMin)) * (AREA.bottom - AREA.top);
  const xy = (t: number, v: number): string => `${px(sx(t))},${px(sy(v))}`;
  const labels = series.map((s) => legendLabel(s.method));
  const legend = legendBox(labels);
  const width = Math.max(WIDTH, legend.x + legend.width + LEGEND.margin);
  const height = Math.max(HEIGHT, legend.y + legend.height + LEGEND.margin);

  const out = openSvg({ width, height, title: fn, label: `${fn}: ${axes.y} against ${axes.x}`, titleX: (AREA.left + AREA.right) / 2 });

  // Grid and ticks: x at 1 and multiples of a nice step; y at multiples of a nice step.
  const xStep = Math.max(1, niceStep(xMax - 1, 6));
  const xTicks = [1, ...Array.from({ length: Math.floor(xMax / xStep) }, (_, i) => (i + 1) * xStep).filter((t) => t > 1)];
  const yTicks = Array.from({ length: Math.round((yMax - yMin) / yStep) + 1 }, (_, i) => yMin + i * yStep);
  out.push(...gridLines(AREA, xTicks.map(sx), yTicks.map(sy)));

  // Bands first, lines on top, so no band hides another method's median.
  for (const s of series) {
    if (s.points.length === 0) continue;
    const { colour } = styleOf(s.method);
    const band = [...s.points.map((p) => xy(p.t, p.q3)), ...[...s.points].reverse().map((p) => xy(p.t, p.q1))];
    out.push(`<polygon points="${band.join(' ')}" fill="${colour}" fill-opacity="0.18" stroke="none"/>`);
  }
  for (const s of series) {
    if (s.points.length === 0) continue;
    const { colour, dash } = styleOf(s.method);
    const line = s.points.map((p) => xy(p.t, p.median)).join(' ');
    out.push(`<polyline points="${line}" fill="none" stroke="${colour}" stroke-width="2" stroke-linejoin="round"${dash}/>`);
  }

  out.push(
    ...axisFrame(
      AREA,
      xTicks.map((t) => ({ at: sx(t), label: String(t) })),
      yTicks.map((v) => ({ at: sy(v), label: tickLabel(v, yStep) })),
      axes,
    ),
  );

  // Legend: a framed box with one entry per method, then what the marks mean.
  const entries = series.map((s, i) => {
    const { colour, dash } = styleOf(s.method);
    return {
      label: labels[i] as string,
      swatch: (x: number, y: number) =>
        `<rect x="${x}" y="${y - 7}" width="${LEGEND.swatch}" height="14" fill="${colour}" fill-opacity="0.18"/>\n` +
        `<line x1="${x}" y1="${y}" x2="${x + LEGEND.swatch}" y2="${y}" stroke="${colour}" stroke-width="2"${dash}/>`,
    };
  });
  out.push(...legendLines(legend, entries, NOTES));
  return closeSvg(out);
}
