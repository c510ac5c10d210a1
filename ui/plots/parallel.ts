/**
 * Parallel coordinates (Inselberg 1985): one vertical axis per parameter, in the space's
 * order, and a last one for the objective; each ranking trial a polyline through its values,
 * coloured by its objective value (dark is better), the best trial on top in red.
 *
 *   writeFileSync('parallel.svg', parallelSvg(plotExperiment(state)));
 */
import type { PlotExperiment } from '../model.js';
import { TICK_FONT, widest } from './axes.js';
import { BAR, colourBarLines, colourBarWidth, sequentialColour } from './colour.js';
import { LEGEND, legendLines, legendSize, swatches } from './legend.js';
import { along, linearAxis, range, type Axis } from './scales.js';
import { closeSvg, COLOURS, count, escapeXml, headingWidth, messageSvg, openSvg, px, tooltip } from './svg.js';
import { textWidth } from './text-width.js';
import { bestOf, parameterAxis, rankedTrials, type RankedTrial } from './trials.js';

/** Axis geometry (px): where the axes start and end, the least gap between them, the name's font. */
export const PARALLEL = { top: 72, height: 300, below: 28, gap: 110, nameFont: 12 } as const;

interface Dimension {
  name: string;
  axis: Axis;
  value(t: RankedTrial): number | string | undefined;
}

/** The opacity of the trials' lines: lower as they crowd. */
const opacity = (n: number): string => (n <= 100 ? '0.8' : n <= 1000 ? '0.5' : '0.25');

export function parallelSvg(x: PlotExperiment): string {
  const title = `${x.name}: parameters and ${x.metric}`;
  const ranked = rankedTrials(x);
  if (ranked.length === 0) return messageSvg(title, 'no completed trials');

  const [lo, hi] = range(ranked.map((t) => t.value)) as [number, number];
  // The objective's axis spans its values, so the colours use the whole scale.
  const objective = linearAxis(lo, hi);
  const dims: Dimension[] = [
    ...x.parameters.map((p) => ({ name: p.name, axis: parameterAxis(p, ranked.map((t) => t.params[p.name])), value: (t: RankedTrial) => t.params[p.name] })),
    { name: x.metric, axis: objective, value: (t: RankedTrial) => t.value },
  ];

  // Each axis far enough from the last for its tick labels (on its left) and both names.
  const names = dims.map((d) => textWidth(d.name, PARALLEL.nameFont));
  const ticks = dims.map((d) => widest(d.axis.ticks.map((t) => t.label), TICK_FONT));
  const xs: number[] = [];
  dims.forEach((_, i) => {
    const tick = Math.ceil((ticks[i] as number) + 6 + 10);
    if (i === 0) xs.push(Math.max(40, tick, Math.ceil((names[0] as number) / 2 + 12)));
    else xs.push((xs[i - 1] as number) + Math.max(PARALLEL.gap, tick + 14, Math.ceil(((names[i - 1] as number) + (names[i] as number)) / 2 + 16)));
  });
  const top = PARALLEL.top;
  const bottom = top + PARALLEL.height;
  const last = xs[xs.length - 1] as number;
  const barX = Math.ceil(last + Math.max(20, (names[names.length - 1] as number) / 2 - BAR.width));
  const best = bestOf(x, ranked);
  const entries = best ? [{ label: `best: ${best.name}`, swatch: swatches.line(COLOURS.best, 2.5) }] : [];
  const notes = [
    `colour: ${x.metric}, darker is better`,
    ...(x.trials.length > ranked.length ? [`${count(x.trials.length - ranked.length, 'trial')} without a value not drawn`] : []),
  ];
  const size = legendSize(entries.map((e) => e.label), notes);
  const legend = { x: barX + colourBarWidth(objective.ticks, '') + 16, y: top, ...size };
  const width = Math.max(legend.x + legend.width + LEGEND.margin, headingWidth(title));
  const height = Math.max(bottom + PARALLEL.below, legend.y + legend.height + LEGEND.margin);

  const sy = (f: number): number => along(bottom, top, f);
  // Dark is better: the colour's fraction runs from the best end of the objective axis.
  const shade = (f: number): string => sequentialColour(x.goal === 'minimize' ? f : 1 - f);
  const lines = (t: RankedTrial): string[] => {
    const runs: string[][] = [[]];
    dims.forEach((d, i) => {
      const v = d.value(t);
      const f = v === undefined ? undefined : d.axis.fraction(v);
      if (f === undefined) runs.push([]);
      else (runs[runs.length - 1] as string[]).push(`${px(xs[i] as number)},${px(sy(f))}`);
    });
    return runs.filter((r) => r.length > 1).map((r) => r.join(' '));
  };

  const out = openSvg({ width, height, title });
  // Worst first, so better lines lie on top; the best last of all.
  const fractionOf = (t: RankedTrial): number => objective.fraction(t.value) ?? 0;
  const badness = (t: RankedTrial): number => (x.goal === 'minimize' ? fractionOf(t) : 1 - fractionOf(t));
  const order = ranked.filter((t) => t !== best).sort((a, b) => badness(b) - badness(a) || a.index - b.index);
  out.push(`<g class="trials" fill="none" stroke-width="1.2" stroke-opacity="${opacity(ranked.length)}">`);
  for (const t of order) {
    const label = tooltip(ranked.length, `${t.name}: ${t.value}`);
    for (const points of lines(t)) out.push(`<polyline points="${points}" stroke="${shade(fractionOf(t))}">${label}</polyline>`);
  }
  out.push('</g>');
  if (best) {
    out.push('<g class="best" fill="none">');
    for (const points of lines(best)) {
      out.push(
        `<polyline points="${points}" stroke="#ffffff" stroke-width="5"/>`,
        `<polyline points="${points}" stroke="${COLOURS.best}" stroke-width="2.5"><title>${escapeXml(`best: ${best.name}: ${best.value}`)}</title></polyline>`,
      );
    }
    out.push('</g>');
  }

  // The axes: a line, ticks and their labels on its left, the name above.
  dims.forEach((d, i) => {
    const ax = xs[i] as number;
    out.push(
      `<g class="axis">`,
      `<line x1="${ax}" y1="${top}" x2="${ax}" y2="${bottom}" stroke="${COLOURS.text}"/>`,
      `<text x="${ax}" y="${top - 12}" text-anchor="middle" font-size="${PARALLEL.nameFont}" font-weight="bold">${escapeXml(d.name)}</text>`,
      // A white outline keeps labels legible over the lines.
      `<g font-size="${TICK_FONT}" fill="${COLOURS.text}" text-anchor="end" stroke="#ffffff" stroke-width="3" stroke-opacity="0.8" paint-order="stroke">`,
    );
    for (const t of d.axis.ticks) {
      const y = sy(t.at);
      out.push(`<line x1="${ax - 4}" y1="${px(y)}" x2="${ax}" y2="${px(y)}" stroke="${COLOURS.text}" stroke-width="1"/>`, `<text x="${ax - 6}" y="${px(y + 4)}">${escapeXml(t.label)}</text>`);
    }
    out.push('</g>', '</g>');
  });
  out.push(
    ...colourBarLines({ x: barX, top, bottom, colour: shade, ticks: objective.ticks, title: '' }),
    ...legendLines(legend, entries, notes),
  );
  return closeSvg(out);
}
