/**
 * A framed legend: one row per series (a swatch, then its label), then notes in smaller
 * type. Its box is sized from a generous estimate of the text's width (text-width.ts), so
 * the longest label fits whole in whatever sans-serif font the viewer has.
 */
import { COLOURS, escapeXml } from './svg.js';
import { textWidth } from './text-width.js';

/** Legend geometry (px): a swatch, then the label; notes in smaller type under the entries. */
export const LEGEND = { gap: 12, pad: 8, swatch: 24, swatchGap: 6, row: 22, font: 12, noteFont: 10, noteRow: 14, margin: 12 } as const;

export interface LegendBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LegendEntry {
  label: string;
  /** The swatch's markup, given the swatch's left edge and the row's middle line. */
  swatch(x: number, y: number): string;
}

/** The box's size for these labels and notes. */
export function legendSize(labels: readonly string[], notes: readonly string[] = []): { width: number; height: number } {
  let entry = 0;
  for (const l of labels) entry = Math.max(entry, LEGEND.swatch + LEGEND.swatchGap + textWidth(l, LEGEND.font));
  let note = 0;
  for (const n of notes) note = Math.max(note, textWidth(n, LEGEND.noteFont));
  return {
    width: Math.ceil(2 * LEGEND.pad + Math.max(entry, note)),
    height: 2 * LEGEND.pad + labels.length * LEGEND.row + (notes.length > 0 ? notes.length * LEGEND.noteRow + 4 : 0),
  };
}

/** The legend in `box` (from legendSize): `<g class="legend">` with a `legend-box` frame. */
export function legendLines(box: LegendBox, entries: readonly LegendEntry[], notes: readonly string[] = []): string[] {
  const lx = box.x + LEGEND.pad;
  const out = [
    '<g class="legend">',
    `<rect class="legend-box" x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" fill="#ffffff" stroke="#cccccc"/>`,
  ];
  entries.forEach((e, i) => {
    const y = box.y + LEGEND.pad + LEGEND.row / 2 + i * LEGEND.row;
    out.push(e.swatch(lx, y), `<text x="${lx + LEGEND.swatch + LEGEND.swatchGap}" y="${y + 4}" font-size="${LEGEND.font}">${escapeXml(e.label)}</text>`);
  });
  const noteY = box.y + LEGEND.pad + entries.length * LEGEND.row + LEGEND.noteRow;
  notes.forEach((note, i) => {
    out.push(`<text x="${lx}" y="${noteY + i * LEGEND.noteRow}" font-size="${LEGEND.noteFont}" fill="${COLOURS.note}">${escapeXml(note)}</text>`);
  });
  out.push('</g>');
  return out;
}

/** Swatches: a line, a dot, a ring, a filled square. */
export const swatches = {
  line: (colour: string, width = 2, dash = '') => (x: number, y: number) =>
    `<line x1="${x}" y1="${y}" x2="${x + LEGEND.swatch}" y2="${y}" stroke="${colour}" stroke-width="${width}"${dash}/>`,
  dot: (colour: string) => (x: number, y: number) => `<circle cx="${x + LEGEND.swatch / 2}" cy="${y}" r="3.5" fill="${colour}"/>`,
  ring: (colour: string, r = 3.5, width = 1.5) => (x: number, y: number) =>
    `<circle cx="${x + LEGEND.swatch / 2}" cy="${y}" r="${r}" fill="none" stroke="${colour}" stroke-width="${width}"/>`,
  square: (colour: string) => (x: number, y: number) => `<rect x="${x + 6}" y="${y - 6}" width="12" height="12" fill="${colour}"/>`,
} as const;
