import { describe, expect, test } from 'vitest';
import type { PlotExperiment } from '../../../ui/model.js';
import { curvesSvg, escapeXml, historySvg, importanceSvg, parallelSvg, sliceSvg } from '../../../ui/plots/index.js';
import { curve, parse, texts, trial } from './support.js';

// Everything a user names reaches the picture only escaped: experiment, metric, parameter
// and trial names, categorical values.
const SCRIPT = '<script>alert(1)</script>';
const hostile = {
  experiment: `exp<&"'>`,
  metric: `m<&"'`,
  param: `p<1&"'`,
  other: `q"'>&`,
  trial: `t<&"'0`,
} as const;

const x: PlotExperiment = {
  name: hostile.experiment,
  metric: hostile.metric,
  goal: 'minimize',
  parameters: [
    { name: hostile.param, kind: 'category', log: false, categories: ['sgd', SCRIPT] },
    { name: hostile.other, kind: 'number', log: true, min: 1e-3, max: 1 },
  ],
  trials: [
    trial(0, 1, { [hostile.param]: SCRIPT, [hostile.other]: '0.01' }, 'Succeeded', hostile.trial),
    trial(1, 2, { [hostile.param]: 'sgd', [hostile.other]: '0.1' }, 'EarlyStopped', `${hostile.trial}-1`),
  ],
};

const pictures: [string, string][] = [
  ['history', historySvg(x)],
  ['parallel', parallelSvg(x)],
  ['slice', sliceSvg(x)],
  ['curves', curvesSvg(x, [curve(hostile.trial, [3, 2, 1]), curve(`${hostile.trial}-1`, [4, 2], 'EarlyStopped')])],
  ['importance', importanceSvg(x, [{ name: hostile.param, importance: 1 }, { name: SCRIPT, importance: 0.5 }])],
];

describe.each(pictures)('%s: text is escaped', (kind, svg) => {
  test('no markup, quote or ampersand of a name appears raw', () => {
    expect(svg).not.toContain('<script>');
    for (const raw of [SCRIPT, ...Object.values(hostile)]) expect(svg, raw).not.toContain(raw);
    // Outside the markup, no bare & (only entities) and no < that is not a tag.
    expect(svg).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    expect(svg).not.toMatch(/<(?![a-zA-Z/?])/);
    parse(svg);
  });

  test('and reads back as given', () => {
    const t = texts(svg);
    expect(t.some((s) => s.includes(hostile.experiment))).toBe(true);
    expect(svg).toContain(escapeXml(hostile.experiment));
    if (kind === 'parallel' || kind === 'slice') {
      expect(t).toContain(SCRIPT);
      expect(t).toContain(hostile.param);
      expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    if (kind === 'history' || kind === 'curves') expect(t).toContain(`best: ${hostile.trial}`);
    if (kind === 'importance') expect(t).toContain(SCRIPT);
  });
});

test('escapeXml: the five specials', () => {
  expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
});
