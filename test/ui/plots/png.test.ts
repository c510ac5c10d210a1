import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ScribaError } from '../../../src/errors.js';
import { canDrawText, historySvg, messageSvg, svgToPng } from '../../../ui/plots/index.js';
import { experiment, size, trial } from './support.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Width and height from the IHDR chunk, the first after the signature (PNG spec, 11.2.2). */
const ihdr = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

let empty = '';
beforeAll(async () => {
  empty = await mkdtemp(join(tmpdir(), 'scriba-no-fonts-'));
});
afterAll(() => rm(empty, { recursive: true, force: true }));

describe('PNG', () => {
  test('the signature, and the SVG size in pixels', () => {
    const svg = historySvg(experiment([trial(0, 1), trial(1, 2), trial(2, 0.5)]));
    const png = svgToPng(svg);
    expect([...png.subarray(0, 8)]).toEqual(SIGNATURE);
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect(ihdr(png)).toEqual(size(svg));
    expect(svgToPng(svg).equals(png)).toBe(true);
  });

  test('with DejaVu Sans loaded from its folder alone, text is drawn', () => {
    expect(canDrawText({ loadSystemFonts: false, fontDirs: ['/usr/share/fonts/truetype/dejavu'] })).toBe(true);
    const png = svgToPng(messageSvg('t', 'no completed trials'), { loadSystemFonts: false, fontDirs: ['/usr/share/fonts/truetype/dejavu'] });
    expect(ihdr(png)).toEqual({ width: 480, height: 160 });
  });

  test('no font at all: refused with what to install, not a picture without its text', () => {
    const opts = { loadSystemFonts: false, fontDirs: [empty] };
    expect(canDrawText(opts)).toBe(false);
    const draw = () => svgToPng(messageSvg('t', 'm'), opts);
    expect(draw).toThrow(ScribaError);
    expect(draw).toThrow(/PNG output needs a font .*fonts-dejavu-core/);
  });

  test('markup that is not SVG is refused', () => {
    expect(() => svgToPng('<svg')).toThrow(/not an SVG picture/);
  });
});
