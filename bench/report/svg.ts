/**
 * One self-contained SVG per function: for each method the median of L_t = log10(r_t + 1e-12)
 * over seeds (bench-protocol §3) against evaluations t = 1..N as a line, and [Q1, Q3] as a
 * translucent band in the same colour. Pure string building; the same input gives the same bytes.
 */
import type { Method } from './dataset.js';
import { PROTOCOL_SEEDS, type CurvePoint } from './stats.js';
import { textWidth } from './text-width.js';

/** The smallest size of a plot; a long legend widens it, a tall one lengthens it. */
export const WIDTH = 740;
export const HEIGHT = 440;
/** The plot area, the same in every plot; the legend sits to its right. */
const AREA = { left: 64, right: 540, top: 44, bottom: 380 } as const;

/** Legend geometry (px): a swatch, then the label; notes in smaller type under the entries. */
const LEGEND = { gap: 12, pad: 8, swatch: 24, swatchGap: 6, row: 22, font: 12, noteFont: 10, noteRow: 14, margin: 12 } as const;
const NOTES = ['line: median over seeds', 'band: [Q1, Q3]'] as const;

export interface LegendBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A legend entry's text: the method's label, with `(S=k)` for fewer than 10 seeds (§3). */
export function legendLabel(m: Method): string {
  return m.seeds > 0 && m.seeds < PROTOCOL_SEEDS ? `${m.name} (S=${m.seeds})` : m.name;
}

/** The legend box, wide enough for the longest label by a generous estimate of its width. */
export function legendBox(labels: readonly string[]): LegendBox {
  const entry = Math.max(0, ...labels.map((l) => LEGEND.swatch + LEGEND.swatchGap + textWidth(l, LEGEND.font)));
  const note = Math.max(...NOTES.map((n) => textWidth(n, LEGEND.noteFont)));
  return {
    x: AREA.right + LEGEND.gap,
    y: AREA.top,
    width: Math.ceil(2 * LEGEND.pad + Math.max(entry, note)),
    height: 2 * LEGEND.pad + labels.length * LEGEND.row + NOTES.length * LEGEND.noteRow + 4,
  };
}

/** Colour per method by first appearance (Tableau 10); a second round of methods is dashed. */
export const PALETTE = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd',
  '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
] as const;

export interface PlotSeries {
  method: Method;
  points: readonly CurvePoint[];
}

/** Text and attribute values: the five XML special characters. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** A tick step of 1, 2 or 5 × 10^k giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

const fixed = (v: number): string => v.toFixed(1);

function tickLabel(v: number, step: number): string {
  const s = v.toFixed(step >= 1 ? 0 : Math.ceil(-Math.log10(step)));
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

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
  const xy = (t: number, v: number): string => `${fixed(sx(t))},${fixed(sy(v))}`;
  const labels = series.map((s) => legendLabel(s.method));
  const legend = legendBox(labels);
  const width = Math.max(WIDTH, legend.x + legend.width + LEGEND.margin);
  const height = Math.max(HEIGHT, legend.y + legend.height + LEGEND.margin);

  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" role="img" aria-label="${escapeXml(`${fn}: ${axes.y} against ${axes.x}`)}">`,
    `<title>${escapeXml(fn)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${fixed((AREA.left + AREA.right) / 2)}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(fn)}</text>`,
  ];

  // Grid and ticks: x at 1 and multiples of a nice step; y at multiples of a nice step.
  const xStep = Math.max(1, niceStep(xMax - 1, 6));
  const xTicks = [1, ...Array.from({ length: Math.floor(xMax / xStep) }, (_, i) => (i + 1) * xStep).filter((t) => t > 1)];
  const yTicks = Array.from({ length: Math.round((yMax - yMin) / yStep) + 1 }, (_, i) => yMin + i * yStep);
  out.push('<g stroke="#e6e6e6" stroke-width="1">');
  for (const t of xTicks) out.push(`<line x1="${fixed(sx(t))}" y1="${AREA.top}" x2="${fixed(sx(t))}" y2="${AREA.bottom}"/>`);
  for (const v of yTicks) out.push(`<line x1="${AREA.left}" y1="${fixed(sy(v))}" x2="${AREA.right}" y2="${fixed(sy(v))}"/>`);
  out.push('</g>');

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

  // Axes, tick labels and axis titles.
  out.push(
    `<rect x="${AREA.left}" y="${AREA.top}" width="${AREA.right - AREA.left}" height="${AREA.bottom - AREA.top}" fill="none" stroke="#333333"/>`,
    '<g font-size="11" fill="#333333">',
  );
  for (const t of xTicks) out.push(`<text x="${fixed(sx(t))}" y="${AREA.bottom + 16}" text-anchor="middle">${t}</text>`);
  for (const v of yTicks) out.push(`<text x="${AREA.left - 6}" y="${fixed(sy(v) + 4)}" text-anchor="end">${tickLabel(v, yStep)}</text>`);
  out.push(
    '</g>',
    `<text x="${fixed((AREA.left + AREA.right) / 2)}" y="${AREA.bottom + 40}" text-anchor="middle" font-size="13">${escapeXml(axes.x)}</text>`,
    `<text x="18" y="${fixed((AREA.top + AREA.bottom) / 2)}" text-anchor="middle" font-size="13" transform="rotate(-90 18 ${fixed((AREA.top + AREA.bottom) / 2)})">${escapeXml(axes.y)}</text>`,
  );

  // Legend: a framed box with one entry per method, then what the marks mean.
  const lx = legend.x + LEGEND.pad;
  out.push(
    `<g class="legend">`,
    `<rect class="legend-box" x="${legend.x}" y="${legend.y}" width="${legend.width}" height="${legend.height}" fill="#ffffff" stroke="#cccccc"/>`,
  );
  series.forEach((s, i) => {
    const { colour, dash } = styleOf(s.method);
    const y = legend.y + LEGEND.pad + LEGEND.row / 2 + i * LEGEND.row;
    out.push(
      `<rect x="${lx}" y="${y - 7}" width="${LEGEND.swatch}" height="14" fill="${colour}" fill-opacity="0.18"/>`,
      `<line x1="${lx}" y1="${y}" x2="${lx + LEGEND.swatch}" y2="${y}" stroke="${colour}" stroke-width="2"${dash}/>`,
      `<text x="${lx + LEGEND.swatch + LEGEND.swatchGap}" y="${y + 4}" font-size="${LEGEND.font}">${escapeXml(labels[i] as string)}</text>`,
    );
  });
  const noteY = legend.y + LEGEND.pad + series.length * LEGEND.row + LEGEND.noteRow;
  NOTES.forEach((note, i) => {
    out.push(`<text x="${lx}" y="${noteY + i * LEGEND.noteRow}" font-size="${LEGEND.noteFont}" fill="#666666">${escapeXml(note)}</text>`);
  });
  out.push('</g>', '</svg>');
  return `${out.join('\n')}\n`;
}
