/**
 * A sequential colour scale and its bar. Viridis (van der Walt and Smith, matplotlib 2015)
 * reads in order in grey and to most colour-blind eyes; its yellow end is cut at 0.85 so
 * that the palest lines still show on white.
 */
import { escapeXml, px } from './svg.js';
import type { Tick } from './scales.js';
import { TICK_FONT } from './axes.js';
import { textWidth } from './text-width.js';

/** matplotlib's viridis at 0, 1/8, ..., 1. */
const VIRIDIS = [
  [0x44, 0x01, 0x54], [0x47, 0x2d, 0x7b], [0x3b, 0x52, 0x8b], [0x2c, 0x72, 0x8e], [0x21, 0x91, 0x8c],
  [0x28, 0xae, 0x80], [0x5e, 0xc9, 0x62], [0xad, 0xdc, 0x30], [0xfd, 0xe7, 0x25],
] as const;

/** The part of viridis in use: dark purple (0) to light green (1). */
const TOP = 0.85;

/** The colour at `t` in [0, 1] (clipped; NaN reads as 0), interpolated in RGB between the stops. */
export function sequentialColour(t: number): string {
  const c = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const x = c * TOP * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i] as readonly number[];
  const b = VIRIDIS[i + 1] as readonly number[];
  const hex = (k: number) => Math.round((a[k] as number) + f * ((b[k] as number) - (a[k] as number))).toString(16).padStart(2, '0');
  return `#${hex(0)}${hex(1)}${hex(2)}`;
}

export interface ColourBar {
  /** Left edge, top and bottom of the bar (px); the bar's low end is at the bottom. */
  x: number;
  top: number;
  bottom: number;
  /** The colour at a fraction of the bar, 0 at the bottom. */
  colour(f: number): string;
  /** Labels at fractions of the bar. */
  ticks: readonly Tick[];
  /** A caption above the bar; none when empty. */
  title: string;
}

export const BAR = { width: 12, bands: 32, labelGap: 4 } as const;

/** Width the bar takes right of its left edge, with its tick labels and its caption (px). */
export function colourBarWidth(ticks: readonly Tick[], title: string): number {
  let w = 0;
  for (const t of ticks) w = Math.max(w, textWidth(t.label, TICK_FONT));
  return Math.ceil(Math.max(BAR.width + BAR.labelGap + w, textWidth(title, TICK_FONT) / 2 + BAR.width / 2));
}

/** The bar as `bands` stacked rectangles, framed, with tick labels on its right. */
export function colourBarLines(bar: ColourBar): string[] {
  const h = (bar.bottom - bar.top) / BAR.bands;
  const out = ['<g class="colour-bar">'];
  for (let i = 0; i < BAR.bands; i++) {
    // Each band a little taller than its share, so no seam shows between neighbours.
    out.push(`<rect x="${bar.x}" y="${px(bar.bottom - (i + 1) * h)}" width="${BAR.width}" height="${px(h + 0.5)}" fill="${bar.colour((i + 0.5) / BAR.bands)}"/>`);
  }
  out.push(`<rect x="${bar.x}" y="${bar.top}" width="${BAR.width}" height="${bar.bottom - bar.top}" fill="none" stroke="#333333"/>`, `<g font-size="${TICK_FONT}" fill="#333333">`);
  for (const t of bar.ticks) {
    const y = bar.bottom - t.at * (bar.bottom - bar.top);
    out.push(`<text x="${bar.x + BAR.width + BAR.labelGap}" y="${px(y + 4)}">${escapeXml(t.label)}</text>`);
  }
  out.push('</g>');
  if (bar.title !== '') out.push(`<text x="${px(bar.x + BAR.width / 2)}" y="${bar.top - 8}" text-anchor="middle" font-size="${TICK_FONT}">${escapeXml(bar.title)}</text>`);
  out.push('</g>');
  return out;
}
