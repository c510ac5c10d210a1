import { describe, expect, test } from 'vitest';
import { ScribaError } from '../../../src/errors.js';
import { importanceOrder, importanceSvg } from '../../../ui/plots/importance.js';
import { area, group, parse, tags, textElements, texts } from './support.js';

const x = { name: 'e', metric: 'loss' };

describe('importance', () => {
  test('bars, the largest on top, lengths to scale', () => {
    const svg = importanceSvg(x, [
      { name: 'lr', importance: 0.6 },
      { name: 'layers', importance: 0.1 },
      { name: 'optimizer', importance: 0.3 },
    ]);
    // The names are the y tick labels; "optimizer" (5.9 em x 11 px = 64.9, + 36) sets the left edge at 101.
    // x: 0..0.6 in steps of niceStep(0.6, 5) = 0.2 over 360 px. Rows of 24 px from the top at 44.
    expect(area(svg)).toEqual({ left: 101, top: 44, right: 461, bottom: 116 });
    const bars = tags(group(svg, 'bars'), 'rect').map((r) => [Number(r.y), Number(r.width)]);
    expect(bars).toEqual([
      [49, 360],
      [73, 180],
      [97, 60],
    ]);
    const names = textElements(svg).filter((e) => ['lr', 'optimizer', 'layers'].includes(e.text));
    expect(names.map((e) => [e.text, e.y])).toEqual([
      ['lr', '60.0'],
      ['optimizer', '84.0'],
      ['layers', '108.0'],
    ]);
    for (const label of ['0.0', '0.2', '0.4', '0.6', 'importance', '0.3', '0.1']) expect(texts(svg)).toContain(label);
    parse(svg);
  });

  test('equal importances by name; all zero still draws', () => {
    expect(importanceOrder([{ name: 'b', importance: 1 }, { name: 'a', importance: 1 }, { name: 'c', importance: 2 }]).map((i) => i.name)).toEqual(['c', 'a', 'b']);
    const svg = importanceSvg(x, [{ name: 'a', importance: 0 }]);
    expect(tags(group(svg, 'bars'), 'rect')[0]?.width).toBe('0.0');
    parse(svg);
  });

  test('numbers that are not importances are refused, each named', () => {
    const bad = () => importanceSvg(x, [{ name: 'a', importance: -1 }, { name: 'b', importance: NaN }, { name: 'c', importance: 1 }]);
    expect(bad).toThrow(ScribaError);
    expect(bad).toThrow(/a: importance must be a finite number >= 0, got -1\n {2}b: .* got NaN/);
  });

  test('none: a picture that says so', () => {
    expect(texts(importanceSvg(x, []))).toContain('no parameter importances');
  });
});
