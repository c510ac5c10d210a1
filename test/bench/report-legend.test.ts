import { describe, expect, test } from 'vitest';
import type { SyntheticFile, SyntheticRun } from '../../bench/protocol.js';
import { buildReport, charEm, textWidth } from '../../bench/report/index.js';
import { HEIGHT, WIDTH } from '../../bench/report/svg.js';

// The legend of each plot must hold its longest label whole, whatever the viewer's
// sans-serif font: bench/results/tpe/rosenbrock10.svg once cut "scriba_multivariate_tp".

function run(sampler: string, seed: number): SyntheticRun {
  const regret = [10, 1, 0.1, 0.01];
  return {
    function: 'branin', dim: 2, f_star: 0.397887357729738, sampler, seed, budget: 4,
    y: regret.map((r) => r + 0.397887357729738), regret, ask_s: [0, 0, 0, 0], tell_s: [0, 0, 0, 0],
  };
}

function plot(samplers: readonly string[], seeds = 10, engine = 'scriba'): string {
  const file: SyntheticFile = {
    schema: 'hpo-bench/synthetic/v1',
    meta: {
      engine, versions: {}, created: '2026-01-01T00:00:00Z', command: 'test',
      machine: { cpu: 'Test CPU', logical_cpus: 2, mem_gb: 8, os: 'Test OS' }, samplers: {},
    },
    runs: samplers.flatMap((s) => Array.from({ length: seeds }, (_, seed) => run(s, seed))),
  };
  return buildReport([file]).svgs['branin.svg'] as string;
}

const attrs = (tag: string): Record<string, string> =>
  Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]));
const unescape = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

interface Legend {
  svg: { width: number; height: number };
  box: { x: number; y: number; width: number; height: number };
  texts: Array<{ x: number; y: number; size: number; text: string }>;
}

/** The SVG's size, the legend box and the texts inside the legend group, parsed from the markup. */
function legendOf(svg: string): Legend {
  const root = attrs(/<svg [^>]*>/.exec(svg)?.[0] ?? '');
  const group = /<g class="legend">([\s\S]*?)<\/g>/.exec(svg)?.[1];
  expect(group, 'a <g class="legend"> group').toBeDefined();
  const box = attrs(/<rect class="legend-box"[^>]*>/.exec(group as string)?.[0] ?? '');
  const texts = [...(group as string).matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map((m) => {
    const a = attrs(m[1] as string);
    return { x: Number(a.x), y: Number(a.y), size: Number(a['font-size']), text: unescape(m[2] as string) };
  });
  return {
    svg: { width: Number(root.width), height: Number(root.height) },
    box: { x: Number(box.x), y: Number(box.y), width: Number(box.width), height: Number(box.height) },
    texts,
  };
}

// Advance widths of DejaVu Sans (Debian fonts-dejavu-core 2.37, 2048 units per em), read
// from the font's hmtx table for the printable ASCII characters U+0020..U+007E in order.
const DEJAVU_SANS = [
  651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690, 1303, 1303, 1303, 1303,
  1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087, 2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587,
  1540, 604, 604, 1343, 1141, 1767, 1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799,
  690, 799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253,
  1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716,
];

/** DejaVu Sans's width of a character in em; 1 em outside ASCII (CJK is 1 em, accented Latin less). */
const dejavuEm = (c: string): number => {
  const units = DEJAVU_SANS[(c.codePointAt(0) ?? 0) - 32];
  return units === undefined ? 1 : units / 2048;
};

/**
 * The width a label must have room for, independent of the report's own estimate: DejaVu
 * Sans, the widest common default sans-serif, plus 10% for fonts wider in places (Verdana).
 */
const atLeast = (text: string, size: number): number => [...text].reduce((w, c) => w + 1.1 * dejavuEm(c), 0) * size;

function expectLegendFits(legend: Legend, labels: readonly string[]): void {
  const { box, svg, texts } = legend;
  for (const label of labels) {
    const t = texts.find((e) => e.text === label);
    expect(t, `legend text ${label}`).toBeDefined();
    const right = (t?.x ?? 0) + atLeast(label, t?.size ?? 0);
    expect(right, `"${label}" ends at ${right}, the box at ${box.x + box.width}`).toBeLessThanOrEqual(box.x + box.width);
    expect(t?.x).toBeGreaterThanOrEqual(box.x);
    expect(t?.y).toBeLessThanOrEqual(box.y + box.height);
  }
  for (const t of texts) {
    expect(t.x + atLeast(t.text, t.size), t.text).toBeLessThanOrEqual(box.x + box.width);
    expect(t.y, t.text).toBeGreaterThan(box.y);
    expect(t.y + 0.3 * t.size, t.text).toBeLessThanOrEqual(box.y + box.height);
  }
  expect(box.x + box.width, 'the box inside the picture').toBeLessThanOrEqual(svg.width);
  expect(box.y + box.height).toBeLessThanOrEqual(svg.height);
}

describe('plot legends', () => {
  test('the multivariate TPE label of bench/results/tpe fits whole', () => {
    const legend = legendOf(plot(['scriba_tpe', 'scriba_multivariate_tpe']));
    expectLegendFits(legend, ['scriba:tpe', 'scriba:multivariate-tpe']);
  });

  test.each([
    ['a long id', ['scriba_tpe', 'scriba_bayesianoptimization_with_a_very_long_settings_suffix_x']],
    ['wide letters', ['MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMWWWWW', 'scriba_random']],
    ['accents and CJK', ['échantillonneur_ñ_ü_é_à', '探索アルゴリズム_多変量']],
    ['XML specials', ['a<b&"c">\'d\'_with_more_text_than_fits']],
  ])('%s: the box and the picture grow to the longest label', (_, samplers) => {
    const svg = plot(samplers);
    const legend = legendOf(svg);
    expectLegendFits(legend, samplers.map((s) => `scriba:${s.replace(/^scriba_/, '').replace(/_/g, '-')}`));
    expect(legend.svg.width).toBeGreaterThan(WIDTH);
  });

  test('fewer than 10 seeds: the (S=k) mark is measured too', () => {
    const legend = legendOf(plot(['scriba_multivariate_tpe'], 3));
    expectLegendFits(legend, ['scriba:multivariate-tpe (S=3)']);
  });

  test('short labels keep the smallest picture; the plot area does not move', () => {
    const svg = plot(['scriba_tpe', 'scriba_random']);
    expect([WIDTH, HEIGHT]).toEqual([740, 440]);
    expect(legendOf(svg).svg).toEqual({ width: WIDTH, height: HEIGHT });
    expectLegendFits(legendOf(svg), ['scriba:tpe', 'scriba:random', 'line: median over seeds', 'band: [Q1, Q3]']);
    expect(svg).toContain('<rect x="64" y="44" width="476" height="336" fill="none" stroke="#333333"/>');
    expect(plot(Array.from({ length: 8 }, (_, i) => `scriba_algorithm_number_${i}_long`))).toContain(
      '<rect x="64" y="44" width="476" height="336" fill="none" stroke="#333333"/>',
    );
  });

  test('many methods: the picture grows downwards to hold every entry', () => {
    const samplers = Array.from({ length: 24 }, (_, i) => `scriba_m${i}`);
    const legend = legendOf(plot(samplers));
    expectLegendFits(legend, samplers.map((s) => s.replace('scriba_', 'scriba:')));
    expect(legend.svg.height).toBeGreaterThan(HEIGHT);
  });
});

describe('the width estimate', () => {

  test('every printable ASCII character is estimated at least 10% wider than in DejaVu Sans', () => {
    expect(DEJAVU_SANS).toHaveLength(95);
    const narrower = DEJAVU_SANS.map((units, i) => ({ c: String.fromCharCode(32 + i), font: units / 2048 }))
      .filter(({ c, font }) => charEm(c) < 1.1 * font);
    expect(narrower).toEqual([]);
  });

  test('a label is estimated at least as wide as DejaVu Sans draws it, and not wildly wider', () => {
    const dejavu = (s: string): number => [...s].reduce((w, c) => w + dejavuEm(c), 0);
    for (const label of ['scriba:multivariate-tpe', 'optuna:cmaes (S=3)', 'scriba:bayesianoptimization']) {
      expect(textWidth(label, 1)).toBeGreaterThanOrEqual(dejavu(label));
      expect(textWidth(label, 1)).toBeLessThanOrEqual(1.4 * dejavu(label));
    }
  });

  test('sums the characters and scales with the font size', () => {
    expect(textWidth('', 12)).toBe(0);
    expect(textWidth('ab', 10)).toBeCloseTo(10 * (charEm('a') + charEm('b')), 12);
    expect(textWidth('scriba:multivariate-tpe', 24)).toBeCloseTo(2 * textWidth('scriba:multivariate-tpe', 12), 12);
    expect(charEm('é')).toBeGreaterThanOrEqual(1);
    expect(charEm('探')).toBeGreaterThanOrEqual(1);
  });
});
