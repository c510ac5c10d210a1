/**
 * The optimisation history: each ranking trial's objective value against its number in
 * creation order (Succeeded filled, EarlyStopped hollow), the best value so far as a step
 * line, and the best trial ringed.
 *
 *   writeFileSync('history.svg', historySvg(plotExperiment(store.loadState('demo'))));
 */
import type { PlotExperiment } from '../model.js';
import { axisFrame, chartLayout, gridLines, pixelTicks } from './axes.js';
import { legendLines, swatches, type LegendEntry } from './legend.js';
import { along, linearAxis, range, valueAxis } from './scales.js';
import { closeSvg, COLOURS, count, escapeXml, messageSvg, openSvg, px, tooltip } from './svg.js';
import { bestOf, bestSoFar, rankedTrials, type RankedTrial } from './trials.js';

export interface HistoryOptions {
  /** A log10 value axis; values at or below 0 are left out (a note says how many). */
  logY?: boolean;
}

export function historySvg(x: PlotExperiment, o: HistoryOptions = {}): string {
  const title = `${x.name}: ${x.metric} by trial`;
  const ranked = rankedTrials(x);
  const drawn = o.logY ? ranked.filter((t) => t.value > 0) : ranked;
  if (drawn.length === 0) return messageSvg(title, ranked.length === 0 ? 'no completed trials' : `no values of ${x.metric} above 0 for a log axis`);

  // Half a trial of room at each end: trial i of n at (i + 0.5) / n.
  const xAxis = linearAxis(-0.5, Math.max(1, range(x.trials.map((t) => t.index))?.[1] ?? 0) + 0.5, { integer: true });
  const [lo, hi] = range(drawn.map((t) => t.value)) as [number, number];
  const yAxis = valueAxis(lo, hi, o.logY === true);
  const best = bestOf(x, drawn);
  const succeeded = drawn.filter((t) => t.condition === 'Succeeded');
  const stopped = drawn.filter((t) => t.condition === 'EarlyStopped');

  const entries: LegendEntry[] = [
    ...(succeeded.length > 0 ? [{ label: 'Succeeded', swatch: swatches.dot(COLOURS.succeeded) }] : []),
    ...(stopped.length > 0 ? [{ label: 'EarlyStopped', swatch: swatches.ring(COLOURS.earlyStopped) }] : []),
    { label: 'best so far', swatch: swatches.line(COLOURS.best, 1.5) },
    ...(best ? [{ label: `best: ${best.name}`, swatch: swatches.ring(COLOURS.best, 6, 2) }] : []),
  ];
  const notes = [
    ...(x.trials.length > ranked.length ? [`${count(x.trials.length - ranked.length, 'trial')} without a value not drawn`] : []),
    ...(ranked.length > drawn.length ? [`${count(ranked.length - drawn.length, 'value')} at or below 0 not drawn (log axis)`] : []),
  ];
  const titles = { x: 'trial (creation order)', y: o.logY ? `${x.metric} (log scale)` : x.metric };
  const layout = chartLayout({ title, yLabels: yAxis.ticks.map((t) => t.label), axisTitles: titles, legend: { labels: entries.map((e) => e.label), notes } });
  const { area } = layout;
  const sx = (i: number): number => along(area.left, area.right, xAxis.fraction(i) ?? 0);
  const sy = (v: number): number => along(area.bottom, area.top, yAxis.fraction(v) ?? 0);

  const out = openSvg({ width: layout.width, height: layout.height, title });
  out.push(...gridLines(area, xAxis.ticks.map((t) => along(area.left, area.right, t.at)), yAxis.ticks.map((t) => along(area.bottom, area.top, t.at))));

  // Step after each trial: across at the old best, then down (or up) to the new one.
  const so = bestSoFar(x.goal, drawn.map((t) => t.value));
  const steps: string[] = [];
  drawn.forEach((t, i) => {
    const b = so[i] as number;
    const previous = so[i - 1];
    if (previous !== undefined) steps.push(`${px(sx(t.index))},${px(sy(previous))}`);
    if (previous !== b) steps.push(`${px(sx(t.index))},${px(sy(b))}`);
  });
  out.push(`<polyline class="best-so-far" points="${steps.join(' ')}" fill="none" stroke="${COLOURS.best}" stroke-width="1.5"/>`);

  const point = (t: RankedTrial): string =>
    `<circle cx="${px(sx(t.index))}" cy="${px(sy(t.value))}" r="3.5">${tooltip(ranked.length, `${t.name}: ${t.value} (${t.condition})`)}</circle>`;
  if (succeeded.length > 0) out.push(`<g class="succeeded" fill="${COLOURS.succeeded}">`, ...succeeded.map(point), '</g>');
  if (stopped.length > 0) out.push(`<g class="early-stopped" fill="#ffffff" stroke="${COLOURS.earlyStopped}" stroke-width="1.5">`, ...stopped.map(point), '</g>');
  if (best) {
    out.push(
      `<circle class="best" cx="${px(sx(best.index))}" cy="${px(sy(best.value))}" r="7" fill="none" stroke="${COLOURS.best}" stroke-width="2"><title>${escapeXml(`best: ${best.name}: ${best.value}`)}</title></circle>`,
    );
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
