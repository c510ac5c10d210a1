/**
 * The primitives every picture is built from, the benchmark reports' and the dashboard's:
 * escaping, number formats, the document around a picture and the series palette. Pure
 * string building; the same input gives the same bytes.
 */
import { textWidth } from './text-width.js';

/** Text and attribute values: the five XML special characters. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** Colour per series by first appearance (Tableau 10). */
export const PALETTE = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd',
  '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
] as const;

/** Colours with a meaning of their own in the dashboard's pictures. */
export const COLOURS = {
  succeeded: PALETTE[0],
  earlyStopped: PALETTE[1],
  other: '#999999',
  best: PALETTE[3],
  text: '#333333',
  note: '#666666',
} as const;

/** A coordinate with one decimal: enough for a screen, and small files. */
export const px = (v: number): string => v.toFixed(1);

/** A number as a label: at most 4 significant digits, an exponent far from 1. */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** `n thing` or `n things`. */
export const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A tick at `v` of a scale stepping by `step`: as many decimals as the step has, never "-0". */
export function tickLabel(v: number, step: number): string {
  const s = v.toFixed(step >= 1 ? 0 : Math.min(20, Math.ceil(-Math.log10(step))));
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

export interface Document {
  width: number;
  height: number;
  /** The bold heading, also the `<title>`. */
  title: string;
  /** What a screen reader says; the title by default. */
  label?: string;
  /** Where the heading is centred; the middle of the picture by default. */
  titleX?: number;
}

/** Size of the heading (px) and the baseline it sits on. */
export const HEADING = { font: 16, baseline: 26 } as const;

/** The smallest width that holds a heading whole, with a margin of 20 px on each side. */
export function headingWidth(title: string): number {
  return Math.ceil(textWidth(title, HEADING.font) + 40);
}

/** The opening of a picture: the root element, its title, a white background, the heading. */
export function openSvg(d: Document): string[] {
  const { width, height } = d;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" role="img" aria-label="${escapeXml(d.label ?? d.title)}">`,
    `<title>${escapeXml(d.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${px(d.titleX ?? width / 2)}" y="${HEADING.baseline}" text-anchor="middle" font-size="${HEADING.font}" font-weight="bold">${escapeXml(d.title)}</text>`,
  ];
}

/** The lines of a picture as one string, ending in a newline. */
export function closeSvg(out: readonly string[]): string {
  return `${[...out, '</svg>'].join('\n')}\n`;
}

/** A picture with nothing to draw: its heading and a line saying why. */
export function messageSvg(title: string, message: string, label?: string): string {
  const width = Math.max(480, headingWidth(title), Math.ceil(textWidth(message, 14) + 40));
  const height = 160;
  return closeSvg([
    ...openSvg({ width, height, title, ...(label !== undefined ? { label } : {}) }),
    `<text class="message" x="${px(width / 2)}" y="90" text-anchor="middle" font-size="14" fill="${COLOURS.note}">${escapeXml(message)}</text>`,
  ]);
}

/** Marks carry a hover text only up to this many trials: past it the titles cost more to draw than they help. */
export const TOOLTIP_LIMIT = 2000;

/** A mark's hover text (`<title>`), or nothing when the picture has more than TOOLTIP_LIMIT trials. */
export function tooltip(trials: number, text: string): string {
  return trials <= TOOLTIP_LIMIT ? `<title>${escapeXml(text)}</title>` : '';
}
