import { createRequire } from 'node:module';
import { ScribaError } from '../src/errors.js';
import { createRng } from '../src/rng.js';

/**
 * The NAS trial programs' data: the 10,000 handwritten digits (28×28, grey levels in [0, 1])
 * that the `mnist` package ships, so nothing is downloaded at run time. Images are
 * down-sampled by area averaging to `size`×`size` and split into training and validation
 * sets of fixed sizes, balanced across the ten classes and the same for the same seed.
 */
export interface ImageSet {
  /** count × size × size × 1 values in [0, 1], row-major (NHWC). */
  images: Float32Array;
  /** count class ids in 0..9. */
  labels: Int32Array;
  count: number;
  size: number;
  channels: 1;
  classes: 10;
}

export interface DigitsOptions {
  /** Side of the down-sampled images (1..28; default 14). */
  size?: number;
  /** Training images (default 2,000). */
  train?: number;
  /** Validation images (default 500). */
  validation?: number;
  /** Which images go where (default 0). */
  seed?: number;
}

const SIDE = 28;
const CLASSES = 10;
const PIXELS = SIDE * SIDE;

let raw: Float32Array[] | undefined;

/** Each digit's images, as shipped (28×28 each, concatenated). */
function digits(): Float32Array[] {
  if (!raw) {
    const require = createRequire(import.meta.url);
    raw = Array.from({ length: CLASSES }, (_, d) => Float32Array.from((require(`mnist/src/digits/${d}.json`) as { data: number[] }).data));
  }
  return raw;
}

/** How many images of each digit the package ships (1,001 zeros, 1,127 ones, ...). */
export function digitCounts(): number[] {
  return digits().map((d) => d.length / PIXELS);
}

export function loadDigits(o: DigitsOptions = {}): { train: ImageSet; validation: ImageSet } {
  const size = o.size ?? 14;
  const train = o.train ?? 2000;
  const validation = o.validation ?? 500;
  if (!Number.isInteger(size) || size < 1 || size > SIDE) throw new ScribaError('invalid-argument', `image size: expected an integer in 1..${SIDE}, got ${size}`);
  const available = digitCounts().reduce((a, b) => a + b, 0);
  for (const [name, n] of [['train', train], ['validation', validation]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new ScribaError('invalid-argument', `${name} images: expected a positive integer, got ${n}`);
  }
  if (train + validation > available) throw new ScribaError('invalid-argument', `train + validation images: at most ${available} digits ship with the package, asked for ${train + validation}`);
  // Round-robin over the classes, each class's images in a seeded order: balanced sets.
  const rng = createRng(o.seed ?? 0, 'nas-digits');
  const orders = digitCounts().map((n) => shuffle(Array.from({ length: n }, (_, i) => i), rng));
  const picked: Array<[number, number]> = [];
  for (let round = 0; picked.length < train + validation; round++) {
    for (let d = 0; d < CLASSES && picked.length < train + validation; d++) {
      const i = orders[d]?.[round];
      if (i !== undefined) picked.push([d, i]);
    }
  }
  const head = shuffle(picked.slice(0, train), rng);
  const tail = picked.slice(train);
  return { train: imageSet(head, size), validation: imageSet(tail, size) };
}

function imageSet(picked: Array<[number, number]>, size: number): ImageSet {
  const images = new Float32Array(picked.length * size * size);
  const labels = new Int32Array(picked.length);
  picked.forEach(([d, i], n) => {
    labels[n] = d;
    downsample(digits()[d] as Float32Array, i * PIXELS, size, images, n * size * size);
  });
  return { images, labels, count: picked.length, size, channels: 1, classes: CLASSES };
}

/**
 * Area averaging from 28×28 to size×size: each output pixel is the mean of the input over
 * its square [y·s, (y+1)·s) × [x·s, (x+1)·s), s = 28 / size, input pixels weighted by overlap.
 */
export function downsample(source: Float32Array, offset: number, size: number, out: Float32Array, outOffset: number): void {
  const scale = SIDE / size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let sum = 0;
      for (let sy = Math.floor(y * scale); sy < Math.ceil((y + 1) * scale); sy++) {
        const wy = Math.min(sy + 1, (y + 1) * scale) - Math.max(sy, y * scale);
        for (let sx = Math.floor(x * scale); sx < Math.ceil((x + 1) * scale); sx++) {
          const wx = Math.min(sx + 1, (x + 1) * scale) - Math.max(sx, x * scale);
          sum += wy * wx * (source[offset + sy * SIDE + sx] ?? 0);
        }
      }
      out[outOffset + y * size + x] = sum / (scale * scale);
    }
  }
}

/** Fisher–Yates with the given generator. */
function shuffle<T>(items: T[], rng: { int(n: number): number }): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
