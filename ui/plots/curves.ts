/**
 * Learning curves: every trial's intermediate values of a metric against the step they were
 * reported at, overlaid; early-stopped trials in their own colour with a dot where they
 * stopped, the best trial on top in red. Each curve is thinned to a few dozen points that
 * keep its first and last value and each stretch's lowest and highest, so 10,000 trials of
 * 200 values stay a few MB.
 *
 *   const data = new UiData(db);
 *   writeFileSync('curves.svg', curvesSvg(data.plot('demo'), data.curves('demo', 'loss')));
 */
import type { PlotCurve, PlotExperiment } from '../model.js';
import { axisFrame, chartLayout, gridLines, pixelTicks } from './axes.js';
import { legendLines, swatches, type LegendEntry } from './legend.js';
import { along, linearAxis, valueAxis } from './scales.js';
import { closeSvg, COLOURS, escapeXml, messageSvg, openSvg, px } from './svg.js';
import { bestOf, rankedTrials } from './trials.js';

export interface CurvesOptions {
  /** The metric the curves are of (titles only); the objective metric by default. */
  metric?: string;
  /** A log10 value axis; values at or below 0 are left out. */
  logY?: boolean;
}

/** Points kept in all (spread over the curves), the most and the fewest per curve, and the best curve's. */
export const THINNING = { total: 300_000, most: 60, fewest: 16, best: 500 } as const;

/**
 * The indices of at most `max` (>= 4) of `values` that draw like all of them: the first and
 * the last, and from each of (max - 2) / 2 equal stretches between them the lowest and the
 * highest, in order (min/max decimation, as in Jugel et al. 2014, "M4", without the stretch's
 * ends). Everything when there are no more than `max`.
 */
export function decimate(values: readonly number[], max: number): number[] {
  const n = values.length;
  if (n <= max) return values.map((_, i) => i);
  const stretches = Math.max(1, Math.floor((max - 2) / 2));
  const keep = [0];
  for (let s = 0; s < stretches; s++) {
    const start = 1 + Math.floor((s * (n - 2)) / stretches);
    const end = 1 + Math.floor(((s + 1) * (n - 2)) / stretches);
    if (end <= start) continue;
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      if ((values[i] as number) < (values[lo] as number)) lo = i;
      if ((values[i] as number) > (values[hi] as number)) hi = i;
    }
    if (lo === hi) keep.push(lo);
    else keep.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  keep.push(n - 1);
  return keep;
}

/** The opacity of the curves: lower as they crowd. */
const opacity = (n: number): string => (n <= 50 ? '0.8' : n <= 500 ? '0.4' : '0.15');

interface Drawn {
  curve: PlotCurve;
  /** The step of each value; undefined when every value is drawn (the k-th at step k). */
  steps: number[] | undefined;
  values: readonly number[];
}

const stepOf = (d: Drawn, i: number): number => (d.steps ? (d.steps[i] as number) : i + 1);

export function curvesSvg(x: PlotExperiment, curves: readonly PlotCurve[], o: CurvesOptions = {}): string {
  const metric = o.metric ?? x.metric;
  const title = `${x.name}: ${metric} by step`;
  // Step k is the k-th value reported; on a log axis the values at or below 0 drop out.
  const drawn: Drawn[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  let longest = 0;
  const drawable = (v: number): boolean => Number.isFinite(v) && !(o.logY && v <= 0);
  for (const curve of curves) {
    let all = true;
    for (const v of curve.values) {
      if (!drawable(v)) {
        all = false;
        continue;
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    // Copied only when some value drops out (10,000 curves of 200 values are 2,000,000 numbers).
    let d: Drawn = { curve, steps: undefined, values: curve.values };
    if (!all) {
      const steps: number[] = [];
      const values: number[] = [];
      curve.values.forEach((v, i) => {
        if (drawable(v)) steps.push(i + 1), values.push(v);
      });
      d = { curve, steps, values };
    }
    if (d.values.length === 0) continue;
    longest = Math.max(longest, stepOf(d, d.values.length - 1));
    drawn.push(d);
  }
  if (drawn.length === 0) return messageSvg(title, o.logY ? `no intermediate values of ${metric} above 0` : `no intermediate values of ${metric}`);

  const xAxis = linearAxis(1, Math.max(2, longest), { integer: true });
  const yAxis = valueAxis(lo, hi, o.logY === true);
  const bestName = bestOf(x, rankedTrials(x))?.name;
  const best = drawn.find((d) => d.curve.trial === bestName);
  const others = drawn.filter((d) => d !== best);
  const byCondition = (c: string) => others.filter((d) => d.curve.condition === c);
  const succeeded = byCondition('Succeeded');
  const stopped = byCondition('EarlyStopped');
  const rest = others.filter((d) => d.curve.condition !== 'Succeeded' && d.curve.condition !== 'EarlyStopped');
  const per = Math.min(THINNING.most, Math.max(THINNING.fewest, Math.floor(THINNING.total / drawn.length)));
  const thinned = drawn.some((d) => d.values.length > (d === best ? THINNING.best : per));

  const entries: LegendEntry[] = [
    ...(succeeded.length > 0 ? [{ label: 'Succeeded', swatch: swatches.line(COLOURS.succeeded, 1.5) }] : []),
    ...(stopped.length > 0 ? [{ label: 'EarlyStopped', swatch: swatches.line(COLOURS.earlyStopped, 1.5) }] : []),
    ...(stopped.length > 0 || best?.curve.condition === 'EarlyStopped' ? [{ label: 'stopped here', swatch: swatches.dot(COLOURS.earlyStopped) }] : []),
    ...(rest.length > 0 ? [{ label: 'other (running, failed, ...)', swatch: swatches.line(COLOURS.other, 1.5) }] : []),
    ...(best ? [{ label: `best: ${best.curve.trial}`, swatch: swatches.line(COLOURS.best, 2.5) }] : []),
  ];
  const notes = thinned ? [`curves thinned to ${per} points (lowest and highest kept)`] : [];
  const titles = { x: 'step', y: o.logY ? `${metric} (log scale)` : metric };
  const layout = chartLayout({ title, yLabels: yAxis.ticks.map((t) => t.label), axisTitles: titles, legend: { labels: entries.map((e) => e.label), notes } });
  const { area } = layout;
  const sx = (step: number): number => along(area.left, area.right, xAxis.fraction(step) ?? 0);
  const sy = (v: number): number => along(area.bottom, area.top, yAxis.fraction(v) ?? 0);
  // A curve of one value is a line of no length, which a round cap draws as a dot.
  const points = (d: Drawn, max: number): string => {
    const list = decimate(d.values, max).map((i) => `${px(sx(stepOf(d, i)))},${px(sy(d.values[i] as number))}`);
    return (list.length === 1 ? [...list, ...list] : list).join(' ');
  };

  const out = openSvg({ width: layout.width, height: layout.height, title });
  out.push(...gridLines(area, xAxis.ticks.map((t) => along(area.left, area.right, t.at)), yAxis.ticks.map((t) => along(area.bottom, area.top, t.at))));
  const group = (cls: string, colour: string, list: readonly Drawn[]): void => {
    if (list.length === 0) return;
    out.push(`<g class="${cls}" fill="none" stroke="${colour}" stroke-width="1" stroke-linecap="round" stroke-opacity="${opacity(drawn.length)}">`);
    for (const d of list) out.push(`<polyline points="${points(d, per)}"/>`);
    out.push('</g>');
  };
  group('other', COLOURS.other, rest);
  group('succeeded', COLOURS.succeeded, succeeded);
  group('early-stopped', COLOURS.earlyStopped, stopped);
  if (best) {
    out.push(
      `<polyline class="best" points="${points(best, THINNING.best)}" fill="none" stroke="${COLOURS.best}" stroke-width="2.5" stroke-linecap="round"><title>${escapeXml(`best: ${best.curve.trial} (${best.curve.condition})`)}</title></polyline>`,
    );
  }
  // A dot where each early-stopped trial stopped, the best one's included, over every line.
  const ends = [...stopped, ...(best?.curve.condition === 'EarlyStopped' ? [best] : [])];
  if (ends.length > 0) {
    out.push(`<g class="stops" fill="${COLOURS.earlyStopped}">`);
    for (const d of ends) {
      const i = d.values.length - 1;
      out.push(`<circle cx="${px(sx(stepOf(d, i)))}" cy="${px(sy(d.values[i] as number))}" r="2.5"/>`);
    }
    out.push('</g>');
  }
  out.push(
    ...axisFrame(
      area,
      pixelTicks(xAxis.ticks, area.left, area.right),
      pixelTicks(yAxis.ticks, area.bottom, area.top),
      titles,
    ),
    ...legendLines(layout.legend as NonNullable<typeof layout.legend>, entries, notes),
  );
  return closeSvg(out);
}
