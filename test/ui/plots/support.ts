import { Resvg } from '@resvg/resvg-js';
import type { PlotCurve, PlotExperiment, PlotParameter, PlotTrial } from '../../../ui/model.js';

/** The attributes of one start tag. */
export const attrs = (tag: string): Record<string, string> =>
  Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]));

export const unescape = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The inside of the first `<g class="NAME" ...>` group (groups inside it must not be of the same depth's end). */
export function group(svg: string, name: string): string {
  const m = new RegExp(`<g class="${name}"[^>]*>([\\s\\S]*?)\\n</g>`).exec(svg);
  if (!m) throw new Error(`no <g class="${name}"> in the picture`);
  return m[1] as string;
}

/** Every start tag of an element, with its attributes. */
export const tags = (svg: string, element: string): Record<string, string>[] =>
  [...svg.matchAll(new RegExp(`<${element} [^>]*>`, 'g'))].map((m) => attrs(m[0]));

/** The points of a polyline as [x, y] pairs. */
export const points = (list: string): number[][] => list.split(' ').map((p) => p.split(',').map(Number));

/** Texts (unescaped) of the `<text>` elements. */
export const texts = (svg: string): string[] => [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => unescape(m[1] as string));

/** The `<text>` elements: their attributes and their text (unescaped). */
export const textElements = (svg: string): (Record<string, string> & { text: string })[] =>
  [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map((m) => ({ ...attrs(m[1] as string), text: unescape(m[2] as string) }));

/** The framed plot area: the first unfilled rectangle stroked like an axis. */
export function area(svg: string): { left: number; top: number; right: number; bottom: number } {
  const rect = tags(svg, 'rect').find((r) => r.fill === 'none' && r.stroke === '#333333');
  if (!rect) throw new Error('no plot area');
  const [x, y, w, h] = [rect.x, rect.y, rect.width, rect.height].map(Number) as [number, number, number, number];
  return { left: x, top: y, right: x + w, bottom: y + h };
}

/** The root element's size. */
export function size(svg: string): { width: number; height: number } {
  const root = attrs(/<svg [^>]*>/.exec(svg)?.[0] ?? '');
  return { width: Number(root.width), height: Number(root.height) };
}

/** Parses the SVG as resvg does (it refuses XML that is not well formed) and gives its size. */
export function parse(svg: string): { width: number; height: number } {
  const r = new Resvg(svg, { font: { loadSystemFonts: false } });
  return { width: r.width, height: r.height };
}

export const trial = (index: number, value: number | undefined, params: Record<string, string> = {}, condition: PlotTrial['condition'] = 'Succeeded', name = `t${index}`): PlotTrial => ({
  name,
  index,
  condition,
  ...(value !== undefined ? { value } : {}),
  params,
});

export const experiment = (trials: PlotTrial[], parameters: PlotParameter[] = [], goal: 'minimize' | 'maximize' = 'minimize'): PlotExperiment => ({
  name: 'e',
  metric: 'loss',
  goal,
  parameters,
  trials,
});

export const curve = (trial: string, values: number[], condition: PlotCurve['condition'] = 'Succeeded'): PlotCurve => ({ trial, condition, values });
