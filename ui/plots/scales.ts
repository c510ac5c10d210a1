/**
 * Axes as fractions: where a value lies along an axis (0 at its low end, 1 at its high end)
 * and where its ticks go, for linear, log10 and categorical axes. A picture turns fractions
 * into pixels with `along`. Every finite input gives finite fractions: spans that overflow
 * a double, a single value and subnormal numbers included.
 */
import { formatNumber, tickLabel } from './svg.js';

export interface Tick {
  /** The fraction of the axis, 0 at its low end. */
  at: number;
  label: string;
}

export interface Axis {
  kind: 'linear' | 'log' | 'category';
  /** Where `v` lies, 0 at the low end and 1 at the high end; undefined where it cannot be drawn. */
  fraction(v: number | string): number | undefined;
  ticks: Tick[];
}

/** The pixel at fraction `f` of an axis drawn from `from` (its low end) to `to`. */
export const along = (from: number, to: number, f: number): number => from + f * (to - from);

/** A tick step of 1, 2 or 5 × 10^k giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

/** The smallest and largest finite values, or undefined when there are none; a loop, for millions of values. */
export function range(values: Iterable<number>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/**
 * [lo, hi] widened when it is as good as one value (lo = hi, within 1e-12 of their size, or
 * within 1e-300, where halves and steps would underflow): by 10% of the value, or by 1 near 0.
 */
export function widen(lo: number, hi: number): [number, number] {
  if (hi - lo > Math.max(Math.abs(lo), Math.abs(hi)) * 1e-12 && hi / 2 - lo / 2 > 1e-300) return [lo, hi];
  const pad = Math.abs(lo) > 1e-300 ? Math.abs(lo) * 0.1 : 1;
  const a = lo - pad;
  const b = hi + pad;
  return [Number.isFinite(a) ? a : lo, Number.isFinite(b) ? b : hi];
}

/** [lo, hi] with `f` of its span added at each end (ends that would overflow stay). */
export function pad(lo: number, hi: number, f: number): [number, number] {
  const d = (hi / 2 - lo / 2) * 2 * f;
  const a = lo - d;
  const b = hi + d;
  return [Number.isFinite(a) ? a : lo, Number.isFinite(b) ? b : hi];
}

/** (v - lo) / (hi - lo) without overflow: halves keep every difference of finite doubles finite. */
const ratio = (v: number, lo: number, hi: number): number => (v / 2 - lo / 2) / (hi / 2 - lo / 2);

/**
 * Labels that tell neighbouring ticks apart: fixed decimals from the step for everyday
 * magnitudes, else an exponent with as many digits as the step needs.
 */
function labels(values: readonly number[], step: number): string[] {
  const top = Math.max(...values.map(Math.abs));
  if (top < 1e5 && step >= 1e-3) return values.map((v) => tickLabel(v, step));
  const digits = Math.min(17, Math.max(1, Math.floor(Math.log10(top || 1)) - Math.floor(Math.log10(step)) + 1));
  return values.map((v) => (v === 0 ? '0' : v.toExponential(digits - 1).replace(/\.?0+e/, 'e').replace('e+', 'e')));
}

export interface LinearOptions {
  /** About how many intervals between ticks. */
  count?: number;
  /** Widen the ends out to multiples of the tick step. */
  nice?: boolean;
  /** Ticks at whole numbers only (a trial number, a step). */
  integer?: boolean;
  /** Add this fraction of the span at each end before widening to nice ends. */
  pad?: number;
}

/** A linear axis over [lo, hi] (widened when lo = hi), ticks at multiples of 1, 2 or 5 × 10^k. */
export function linearAxis(lo0: number, hi0: number, o: LinearOptions = {}): Axis & { lo: number; hi: number } {
  let [lo, hi] = widen(lo0, hi0);
  if (o.pad) [lo, hi] = pad(lo, hi, o.pad);
  const count = o.count ?? 6;
  const span = hi - lo;
  let step = Number.isFinite(span) ? niceStep(span, count) : NaN;
  if (o.integer) step = Math.max(1, step);
  let values: number[] = [];
  if (Number.isFinite(step) && step > 0) {
    if (o.nice) {
      const a = Math.floor(lo / step) * step;
      const b = Math.ceil(hi / step) * step;
      if (Number.isFinite(a) && Number.isFinite(b) && b > a) [lo, hi] = [a, b];
    }
    const first = Math.ceil(lo / step);
    const last = Math.floor(hi / step);
    if (last - first <= 4 * count) {
      for (let k = first; k <= last; k++) {
        const v = k * step;
        if (v >= lo && v <= hi && values[values.length - 1] !== v) values.push(v);
      }
    }
  }
  if (values.length < 2) {
    // Steps too fine for the magnitude (or spans beyond a double): the ends and the middle.
    values = [lo, lo / 2 + hi / 2, hi];
    step = hi / 2 - lo / 2;
  }
  const text = labels(values, step);
  return {
    kind: 'linear',
    lo,
    hi,
    fraction: (v) => {
      const x = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(x) && (typeof v === 'number' || v.trim() !== '') ? ratio(x, lo, hi) : undefined;
    },
    ticks: values.map((v, i) => ({ at: ratio(v, lo, hi), label: text[i] as string })),
  };
}

/** 10^e as a label: plain from 0.001 to 10000, else `1e-5`, `2e6`, `3.16e308` (written from the exponent, so never Infinity). */
export function powerLabel(e: number): string {
  const k = Math.floor(e);
  const m = Number((10 ** (e - k)).toPrecision(3));
  if (k >= -3 && k <= 4) return formatNumber(m * 10 ** k);
  return m >= 10 ? `1e${k + 1}` : `${m}e${k}`;
}

/**
 * A log10 axis over [lo, hi] (both > 0): ticks at the powers of ten (every d-th decade when
 * there are more than 10; 2 and 5 times them too over two decades or less); `nice` widens
 * the ends to powers of ten. Computed on exponents,
 * so 5e-324 and 1.7e308 are as good as 1.
 */
export function logAxis(lo0: number, hi0: number, o: { nice?: boolean; pad?: number } = {}): Axis {
  let a = Math.log10(lo0);
  let b = Math.log10(hi0);
  if (!(b > a)) [a, b] = [a - 0.5, b + 0.5];
  if (o.pad) [a, b] = [a - (b - a) * o.pad, b + (b - a) * o.pad];
  if (o.nice) [a, b] = [Math.floor(a), Math.ceil(b)];
  const every = Math.max(1, Math.ceil((b - a) / 10));
  const ticks: Tick[] = [];
  for (let k = Math.ceil(a / every) * every; k <= b; k += every) ticks.push({ at: (k - a) / (b - a), label: powerLabel(k) });
  if (b - a <= 2) {
    // Two decades or less: 2 and 5 times each power of ten as well.
    for (let k = Math.floor(a); k <= b; k++) {
      for (const m of [2, 5]) {
        const e = k + Math.log10(m);
        if (e >= a && e <= b) ticks.push({ at: (e - a) / (b - a), label: powerLabel(e) });
      }
    }
  }
  if (ticks.length < 2) {
    // Less than a decade: the ends as well.
    for (const e of [a, b]) if (!ticks.some((t) => Math.abs(t.at - (e - a) / (b - a)) < 0.05)) ticks.push({ at: (e - a) / (b - a), label: powerLabel(e) });
  }
  ticks.sort((x, y) => x.at - y.at);
  return {
    kind: 'log',
    fraction: (v) => {
      const x = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(x) && x > 0 && (typeof v === 'number' || v.trim() !== '') ? (Math.log10(x) - a) / (b - a) : undefined;
    },
    ticks,
  };
}

/** Categories evenly spaced in the given order (repeats dropped), each in the middle of its band: (i + 0.5) / n. */
export function categoryAxis(list: readonly string[]): Axis {
  const categories = [...new Set(list)];
  const n = Math.max(1, categories.length);
  const index = new Map(categories.map((c, i) => [c, i]));
  return {
    kind: 'category',
    fraction: (v) => {
      const i = index.get(String(v));
      return i === undefined ? undefined : (i + 0.5) / n;
    },
    ticks: categories.map((c, i) => ({ at: (i + 0.5) / n, label: c })),
  };
}

/** The axis of objective (or intermediate) values: linear or log10, 5% more than the values, widened to nice ends. */
export function valueAxis(lo: number, hi: number, log: boolean): Axis {
  return log ? logAxis(lo, hi, { nice: true, pad: 0.05 }) : linearAxis(lo, hi, { nice: true, pad: 0.05 });
}
