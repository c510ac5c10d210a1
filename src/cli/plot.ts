import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { UiData } from '../../ui/data.js';
import { drawPlot, isPlotName, PLOTS, svgToPng } from '../../ui/plots/index.js';
import { errorMessage, ScribaError } from '../errors.js';
import { usageError } from './commander.js';
import type { Io } from './io.js';

export interface PlotFlags {
  db: string;
  /** FILE.svg or FILE.png: the extension is the format. */
  out: string;
  /** The intermediate metric of `curves` (default: the objective metric). */
  metric?: string;
  /** A log10 value axis (history, curves). */
  logY?: boolean;
}

/**
 * `scriba plot KIND EXPERIMENT --out FILE.svg|FILE.png`: one of the dashboard's pictures as
 * a file, read from the store as the dashboard reads it.
 */
export function plotCommand(kind: string, experiment: string, flags: PlotFlags, io: Io): number {
  // `importance` waits for a computation of importances; the picture itself exists (importanceSvg).
  const kinds = PLOTS.join(', ');
  if (kind === 'importance') {
    throw new ScribaError('failed-precondition', `plot importance: parameter importance is not computed yet, so its picture is not available yet; pictures: ${kinds}`);
  }
  if (!isPlotName(kind)) throw usageError(`plot: unknown picture "${kind}"; expected one of ${kinds} (importance: not available yet)`);
  const format = extname(flags.out).toLowerCase();
  if (format !== '.svg' && format !== '.png') throw usageError(`--out: expected a file name ending in .svg or .png, got "${flags.out}"`);
  if (flags.metric !== undefined && kind !== 'curves') throw usageError('--metric: applies to curves only');
  if (flags.logY && kind !== 'history' && kind !== 'curves') throw usageError('--log-y: applies to history and curves only');

  const data = new UiData(flags.db);
  let svg: string;
  try {
    svg = drawPlot(kind, data.plot(experiment), () => data.curves(experiment, flags.metric), { ...(flags.metric !== undefined ? { metric: flags.metric } : {}), logY: flags.logY === true });
  } finally {
    data.close();
  }
  const bytes = format === '.png' ? svgToPng(svg) : svg;
  try {
    writeFileSync(flags.out, bytes);
  } catch (error) {
    throw usageError(`--out: cannot write ${flags.out}: ${errorMessage(error)}`);
  }
  io.out(`${kind} of ${experiment} written to ${flags.out}`);
  return 0;
}
