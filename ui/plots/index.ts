/**
 * The pictures of an experiment as self-contained SVG (and PNG): pure functions of the data
 * in ui/model.ts, the same for `scriba ui` and `scriba plot`; the benchmark reports draw with
 * the same primitives.
 *
 *   const x = plotExperiment(store.loadState('demo'));
 *   writeFileSync('history.png', svgToPng(historySvg(x, { logY: true })));
 */
export { historySvg, type HistoryOptions } from './history.js';
export { parallelSvg, PARALLEL } from './parallel.js';
export { curvesSvg, decimate, THINNING, type CurvesOptions } from './curves.js';
export { sliceSvg, SLICE } from './slice.js';
export { importanceOrder, importanceSvg, type ParameterImportance } from './importance.js';
export { canDrawText, DEFAULT_FONT, svgToPng, svgToPngAsync, type PngOptions } from './png.js';
export { bestOf, bestSoFar, parameterAxis, rankedTrials, type RankedTrial } from './trials.js';
export { along, categoryAxis, linearAxis, logAxis, niceStep, valueAxis, type Axis, type Tick } from './scales.js';
export { axisFrame, chartLayout, gridLines, MARGIN, type Area, type ChartLayout } from './axes.js';
export { LEGEND, legendLines, legendSize, swatches, type LegendBox, type LegendEntry } from './legend.js';
export { sequentialColour } from './colour.js';
export { closeSvg, COLOURS, escapeXml, formatNumber, messageSvg, openSvg, PALETTE, px, tickLabel } from './svg.js';
export { charEm, textWidth } from './text-width.js';

/** The pictures drawn from an experiment (and its curves) alone, by name; importance needs numbers of its own. */
export const PLOTS = ['history', 'parallel', 'slice', 'curves'] as const;
export type PlotName = (typeof PLOTS)[number];

import { curvesSvg } from './curves.js';
import { historySvg } from './history.js';
import { parallelSvg } from './parallel.js';
import { sliceSvg } from './slice.js';
import type { PlotCurve, PlotExperiment } from '../model.js';

export interface DrawOptions {
  /** The intermediate metric of `curves` (default: the objective metric). */
  metric?: string;
  /** A log10 value axis (history, curves). */
  logY?: boolean;
}

/** Draws picture `kind` of an experiment; `curves` is read only when the picture needs it. */
export function drawPlot(kind: PlotName, x: PlotExperiment, curves: () => readonly PlotCurve[], o: DrawOptions = {}): string {
  const logY = o.logY === true;
  switch (kind) {
    case 'history':
      return historySvg(x, { logY });
    case 'parallel':
      return parallelSvg(x);
    case 'slice':
      return sliceSvg(x);
    case 'curves':
      return curvesSvg(x, curves(), { metric: o.metric ?? x.metric, logY });
  }
}

export function isPlotName(kind: string): kind is PlotName {
  return (PLOTS as readonly string[]).includes(kind);
}
