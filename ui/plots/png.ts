/**
 * Pictures as PNG: the SVG drawn by resvg. resvg draws text only with fonts it has loaded;
 * with none it draws none and says nothing, so a probe is drawn first and a picture without
 * fonts is refused with what to install.
 *
 *   writeFileSync('history.png', svgToPng(historySvg(x)));
 */
import { Resvg, renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import { ScribaError } from '../../src/errors.js';

export interface PngOptions {
  /** The family of `sans-serif` and of text that names none; DejaVu Sans by default. */
  fontFamily?: string;
  /** Look in the system's font folders (/usr/share/fonts and so on); true by default. */
  loadSystemFonts?: boolean;
  /** More folders of .ttf/.otf files. */
  fontDirs?: string[];
}

export const DEFAULT_FONT = 'DejaVu Sans';

function fontOptions(o: PngOptions): NonNullable<ResvgRenderOptions['font']> {
  const family = o.fontFamily ?? DEFAULT_FONT;
  return {
    loadSystemFonts: o.loadSystemFonts ?? true,
    ...(o.fontDirs ? { fontDirs: o.fontDirs } : {}),
    defaultFontFamily: family,
    sansSerifFamily: family,
  };
}

const probed = new Map<string, boolean>();

/** Whether resvg draws text with these fonts: a probe "H" leaves some pixel not transparent (asked once per options). */
export function canDrawText(o: PngOptions = {}): boolean {
  const key = JSON.stringify(fontOptions(o));
  const known = probed.get(key);
  if (known !== undefined) return known;
  const can = probe(o);
  probed.set(key, can);
  return can;
}

function probe(o: PngOptions): boolean {
  const probe = '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="20"><text x="2" y="16" font-size="16" font-family="sans-serif">H</text></svg>';
  const pixels = new Resvg(probe, { font: fontOptions(o), logLevel: 'off' }).render().pixels;
  for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] as number) > 0) return true;
  return false;
}

/** The PNG of an SVG, at its own size (one pixel per SVG px). */
export function svgToPng(svg: string, o: PngOptions = {}): Buffer {
  checkFonts(o);
  let resvg: Resvg;
  try {
    resvg = new Resvg(svg, { font: fontOptions(o), logLevel: 'off', fitTo: { mode: 'original' } });
  } catch (error) {
    throw new ScribaError('invalid-argument', `not an SVG picture: ${(error as Error).message}`);
  }
  return resvg.render().asPng();
}

/** svgToPng on a worker thread of resvg's, leaving this one free (the dashboard's server). */
export async function svgToPngAsync(svg: string, o: PngOptions = {}): Promise<Buffer> {
  checkFonts(o);
  try {
    return (await renderAsync(svg, { font: fontOptions(o), logLevel: 'off', fitTo: { mode: 'original' } })).asPng();
  } catch (error) {
    throw new ScribaError('invalid-argument', `not an SVG picture: ${(error as Error).message}`);
  }
}

function checkFonts(o: PngOptions): void {
  if (!canDrawText(o)) {
    throw new ScribaError(
      'failed-precondition',
      `PNG output needs a font and none was found${o.loadSystemFonts === false ? '' : " in the system's font folders"}${o.fontDirs ? ` or in ${o.fontDirs.join(', ')}` : ''}: ` +
        "install one (Debian and Ubuntu: apt-get install fonts-dejavu-core; Alpine: apk add font-dejavu), or write SVG (a file ending in .svg)",
    );
  }
}
