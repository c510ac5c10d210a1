import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { PlotCurve, PlotExperiment, PlotParameter, PlotTrial } from '../../../ui/model.js';
import { curvesSvg, historySvg, importanceSvg, parallelSvg, sliceSvg } from '../../../ui/plots/index.js';
import { parse, size } from './support.js';

// Names from characters that need escaping, and none that could spell NaN, Infinity or
// undefined, so those words in a picture can only come from a broken computation.
const text = fc.string({ unit: fc.constantFrom('a', 'b', 'x', '<', '>', '&', '"', "'", ' ', 'é', '-', '1'), maxLength: 12 });
const number = fc.double({ noNaN: true, noDefaultInfinity: true });

const parameter: fc.Arbitrary<PlotParameter> = fc.oneof(
  fc.record({
    name: text,
    kind: fc.constant('number' as const),
    log: fc.boolean(),
    min: fc.option(number, { nil: undefined }),
    max: fc.option(number, { nil: undefined }),
  }).map(({ min, max, ...p }) => ({ ...p, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) })),
  fc.record({ name: text, kind: fc.constant('category' as const), log: fc.constant(false), categories: fc.array(text, { maxLength: 5 }) }),
);

const conditions: PlotTrial['condition'][] = ['Succeeded', 'EarlyStopped', 'Failed', 'Running', 'Killed', 'MetricsUnavailable', 'Created'];

const experimentArb: fc.Arbitrary<{ x: PlotExperiment; curves: PlotCurve[] }> = fc
  .record({
    name: text,
    metric: text,
    goal: fc.constantFrom('minimize' as const, 'maximize' as const),
    parameters: fc.uniqueArray(parameter, { maxLength: 4, selector: (p) => p.name }),
    trials: fc.array(
      fc.record({
        condition: fc.constantFrom(...conditions),
        value: fc.option(number, { nil: undefined }),
        values: fc.array(fc.oneof(number, fc.double({ min: -10, max: 10, noNaN: true })), { maxLength: 30 }),
        draws: fc.array(fc.oneof(number.map(String), text, fc.constant('')), { minLength: 4, maxLength: 4 }),
      }),
      { maxLength: 15 },
    ),
    best: fc.option(fc.nat(20), { nil: undefined }),
  })
  .map(({ trials, best, ...rest }) => {
    const list: PlotTrial[] = trials.map((t, index) => ({
      name: `trial-${index}`,
      index,
      condition: t.condition,
      ...(t.value !== undefined ? { value: t.value } : {}),
      params: Object.fromEntries(rest.parameters.map((p, k) => [p.name, t.draws[k] as string])),
    }));
    const x: PlotExperiment = { ...rest, trials: list, ...(best !== undefined && best < list.length ? { bestTrial: `trial-${best}` } : {}) };
    return { x, curves: trials.map((t, i) => ({ trial: `trial-${i}`, condition: t.condition, values: t.values })) };
  });

function expectSound(draw: () => string): void {
  const svg = draw();
  expect(draw(), 'the same bytes twice').toBe(svg);
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  const { width, height } = size(svg);
  expect(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0).toBe(true);
  expect(parse(svg)).toEqual({ width, height });
}

describe('random experiments always give well-formed, deterministic pictures', () => {
  test('history (linear and log), parallel, slice, curves', () => {
    fc.assert(
      fc.property(experimentArb, fc.boolean(), ({ x, curves }, logY) => {
        expectSound(() => historySvg(x, { logY }));
        expectSound(() => parallelSvg(x));
        expectSound(() => sliceSvg(x));
        expectSound(() => curvesSvg(x, curves, { logY }));
      }),
      { numRuns: 150 },
    );
  });

  test('importance', () => {
    fc.assert(
      fc.property(text, fc.array(fc.record({ name: text, importance: fc.double({ min: 0, max: 1e300, noNaN: true }) }), { maxLength: 8 }), (name, list) => {
        expectSound(() => importanceSvg({ name, metric: 'm' }, list));
      }),
    );
  });
});
