/**
 * Parameter importance as horizontal bars, the most important on top. The numbers come in
 * as they are (any non-negative scale: fANOVA's variance fractions, permutation losses);
 * this only draws them.
 *
 *   importanceSvg(x, [{ name: 'lr', importance: 0.7 }, { name: 'layers', importance: 0.2 }]);
 */
import { ScribaError } from '../../src/errors.js';
import type { PlotExperiment } from '../model.js';
import { axisFrame, chartLayout, gridLines, pixelTicks, TICK_FONT, widest } from './axes.js';
import { along, linearAxis } from './scales.js';
import { closeSvg, COLOURS, escapeXml, formatNumber, messageSvg, openSvg, px } from './svg.js';

export interface ParameterImportance {
  name: string;
  /** Finite and at least 0. */
  importance: number;
}

/** A row per parameter (px) and the bar's thickness in it. */
export const BARS = { row: 24, bar: 14 } as const;

/** The bars in drawing order: the largest first, equal ones by name. */
export function importanceOrder(importances: readonly ParameterImportance[]): ParameterImportance[] {
  return [...importances].sort((a, b) => b.importance - a.importance || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function importanceSvg(x: Pick<PlotExperiment, 'name' | 'metric'>, importances: readonly ParameterImportance[]): string {
  const bad = importances.filter((i) => !(Number.isFinite(i.importance) && i.importance >= 0));
  if (bad.length > 0) {
    throw ScribaError.fromIssues(
      bad.map((i) => ({ path: i.name, message: `importance must be a finite number >= 0, got ${i.importance}` })),
      'parameter importances',
    );
  }
  const title = `${x.name}: parameter importance for ${x.metric}`;
  if (importances.length === 0) return messageSvg(title, 'no parameter importances');

  const bars = importanceOrder(importances);
  const top = Math.max(...bars.map((b) => b.importance));
  const xAxis = linearAxis(0, top > 0 ? top : 1, { nice: true, count: 5 });
  const values = bars.map((b) => formatNumber(b.importance));
  const titles = { x: 'importance', y: '' };
  const layout = chartLayout({
    title,
    yLabels: bars.map((b) => b.name),
    axisTitles: titles,
    areaWidth: 360,
    areaHeight: Math.max(2 * BARS.row, bars.length * BARS.row),
    beside: Math.ceil(widest(values, TICK_FONT) + 8),
  });
  const { area } = layout;
  const sx = (v: number): number => along(area.left, area.right, xAxis.fraction(v) ?? 0);
  const rowMiddle = (i: number): number => area.top + (i + 0.5) * BARS.row;

  const out = openSvg({ width: layout.width, height: layout.height, title });
  out.push(...gridLines(area, xAxis.ticks.map((t) => along(area.left, area.right, t.at)), []));
  out.push(`<g class="bars" fill="${COLOURS.succeeded}">`);
  bars.forEach((b, i) => {
    const y = rowMiddle(i) - BARS.bar / 2;
    out.push(`<rect x="${area.left}" y="${px(y)}" width="${px(sx(b.importance) - area.left)}" height="${BARS.bar}"><title>${escapeXml(`${b.name}: ${b.importance}`)}</title></rect>`);
  });
  out.push('</g>', `<g font-size="${TICK_FONT}" fill="${COLOURS.text}">`);
  bars.forEach((b, i) => out.push(`<text x="${px(sx(b.importance) + 4)}" y="${px(rowMiddle(i) + 4)}">${escapeXml(values[i] as string)}</text>`));
  out.push(
    '</g>',
    ...axisFrame(
      area,
      pixelTicks(xAxis.ticks, area.left, area.right),
      bars.map((b, i) => ({ at: rowMiddle(i), label: b.name })),
      titles,
    ),
  );
  return closeSvg(out);
}
