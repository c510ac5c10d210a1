/**
 * Mixed-type test spaces: Scriba's own, beside the protocol's twelve continuous functions.
 * Each mixes the parameter kinds users tune — log-scale doubles, integers (some on a log
 * scale), stepped values, numeric lists and string categoricals — and has a known minimum,
 * so regret is measured as for §2's functions. docs/benchmark-protocol.md describes them;
 * bench/peers/optuna_driver.py implements the same functions (checked by golden-mixed.json).
 *
 * @example
 *   const fn = getMixedFunction('mixed_mlp');
 *   fn.f(fn.xStar) - fn.fStar; // 0
 */

/** One parameter, in the terms both Scriba (Katib's types) and Optuna (`suggest_*`) have. */
export type MixedParameter =
  | { name: string; type: 'double'; min: number; max: number; log?: boolean; step?: number }
  | { name: string; type: 'int'; min: number; max: number; log?: boolean; step?: number }
  /** A list of numbers (Katib `discrete`, Optuna `suggest_categorical` with numbers). */
  | { name: string; type: 'discrete'; values: number[] }
  | { name: string; type: 'categorical'; values: string[] };

export type MixedPoint = Readonly<Record<string, number | string>>;

export interface MixedFunction {
  name: string;
  dim: number;
  space: readonly MixedParameter[];
  fStar: number;
  xStar: MixedPoint;
  f(x: MixedPoint): number;
}

const num = (x: MixedPoint, name: string): number => x[name] as number;
const str = (x: MixedPoint, name: string): string => x[name] as string;

/** A fixed table entry in [0, 1) from small integers: exact in every language (no libm). */
export function tableEntry(...ints: number[]): number {
  let h = 0;
  for (const v of ints) h = (h * 31 + v + 7) % 1_000_003;
  return ((h * 7919) % 1000) / 1000;
}

/**
 * A network's training loss as a bowl: log10(lr) must match an optimum that moves with the
 * optimiser and the batch size (larger batches take larger rates), the dropout's optimum moves
 * with depth, and each optimiser and batch size has its own floor. Minimum 0 at adam, batch 64,
 * lr 1e-3, 4 layers, dropout 0.4.
 */
const OPTIMISER_LR: Record<string, number> = { sgd: -1, momentum: -1.5, adam: -3, rmsprop: -2.5 };
const OPTIMISER_FLOOR: Record<string, number> = { sgd: 0.3, momentum: 0.1, adam: 0, rmsprop: 0.05 };
function mixedMlp(x: MixedPoint): number {
  const u = Math.log10(num(x, 'lr'));
  const optimiser = str(x, 'optimizer');
  const doublings = Math.log2(num(x, 'batch') / 64);
  const layers = num(x, 'layers');
  const uStar = (OPTIMISER_LR[optimiser] as number) + 0.25 * doublings;
  return (
    (u - uStar) ** 2 +
    0.08 * (layers - 4) ** 2 +
    2 * (num(x, 'dropout') - 0.2 - 0.05 * layers) ** 2 +
    (OPTIMISER_FLOOR[optimiser] as number) +
    0.02 * doublings ** 2
  );
}

/** Rosenbrock's valley on a 0.05 grid, with stepped, integer and log-integer terms. Minimum 0 at a = b = 1, c = 3.5, n = 3, m = 45, k = 8. */
function mixedSteps(x: MixedPoint): number {
  const [a, b] = [num(x, 'a'), num(x, 'b')];
  return (
    100 * (b - a * a) ** 2 +
    (1 - a) ** 2 +
    (num(x, 'c') - 3.5) ** 2 +
    ((num(x, 'n') - 3) / 3) ** 2 +
    ((num(x, 'm') - 45) / 20) ** 2 +
    (Math.log2(num(x, 'k')) - 3) ** 2
  );
}

/**
 * Six categoricals (3, 4, 5, 3, 4 and 5 choices) with fixed main effects and pairwise
 * interactions from `tableEntry`, a numeric list, and a double whose optimum depends on the
 * first categorical. The minimum is found by enumerating the 3,600 combinations.
 */
const CATEGORIES = [3, 4, 5, 3, 4, 5];
const CATEGORY_NAMES = CATEGORIES.map((_, i) => `c${i}`);
const choiceNames = (count: number): string[] => Array.from({ length: count }, (_, j) => String.fromCharCode(97 + j));
function categoricalPart(choice: readonly number[]): number {
  let f = 0;
  for (let i = 0; i < choice.length; i++) {
    f += tableEntry(i, choice[i] as number);
    for (let j = i + 1; j < choice.length; j++) f += 0.5 * tableEntry(100 + i, j, choice[i] as number, choice[j] as number);
  }
  return f;
}
function mixedCategorical(x: MixedPoint): number {
  const choice = CATEGORY_NAMES.map((name) => str(x, name).charCodeAt(0) - 97);
  const target = 0.2 + 0.3 * (choice[0] as number);
  return categoricalPart(choice) + (num(x, 'w') - 2) ** 2 / 4 + 3 * (num(x, 'y') - target) ** 2;
}
function categoricalMinimum(): { f: number; choice: number[] } {
  let best = { f: Infinity, choice: [] as number[] };
  const choice = CATEGORIES.map(() => 0);
  const walk = (i: number): void => {
    if (i === CATEGORIES.length) {
      const f = categoricalPart(choice);
      if (f < best.f) best = { f, choice: [...choice] };
      return;
    }
    for (let c = 0; c < (CATEGORIES[i] as number); c++) {
      choice[i] = c;
      walk(i + 1);
    }
  };
  walk(0);
  return best;
}
const CATEGORICAL_BEST = categoricalMinimum();

/**
 * A kernel machine's validation error as a bowl in log coordinates: C, gamma and the tolerance
 * span orders of magnitude, the number of estimators is a log-scale integer, and gamma matters
 * only for the rbf and poly kernels, its optimum moving with C. Minimum 0 at rbf, C = 10^1.5,
 * gamma = 10^-2, 200 estimators, tol = 10^-4.
 */
const KERNEL_FLOOR: Record<string, number> = { linear: 0.8, rbf: 0, poly: 0.3 };
function mixedLog(x: MixedPoint): number {
  const c = Math.log10(num(x, 'C')) - 1.5;
  const kernel = str(x, 'kernel');
  const gamma = kernel === 'linear' ? 0 : (Math.log10(num(x, 'gamma')) + 2 - 0.5 * c) ** 2;
  return c ** 2 + gamma + 0.5 * (Math.log10(num(x, 'n_estimators') / 200)) ** 2 + 0.1 * (Math.log10(num(x, 'tol')) + 4) ** 2 + (KERNEL_FLOOR[kernel] as number);
}

function define(spec: Omit<MixedFunction, 'dim' | 'f'>, impl: (x: MixedPoint) => number): MixedFunction {
  const names = spec.space.map((p) => p.name);
  const f = (x: MixedPoint): number => {
    const missing = names.filter((n) => x[n] === undefined);
    if (missing.length > 0) throw new RangeError(`${spec.name} needs ${missing.join(', ')}`);
    return impl(x);
  };
  return Object.freeze({ ...spec, dim: spec.space.length, f });
}

export const MIXED_FUNCTIONS: readonly MixedFunction[] = Object.freeze([
  define(
    {
      name: 'mixed_mlp',
      space: [
        { name: 'lr', type: 'double', min: 1e-5, max: 1, log: true },
        { name: 'layers', type: 'int', min: 1, max: 8 },
        { name: 'optimizer', type: 'categorical', values: ['sgd', 'momentum', 'adam', 'rmsprop'] },
        { name: 'batch', type: 'discrete', values: [16, 32, 64, 128, 256, 512] },
        { name: 'dropout', type: 'double', min: 0, max: 0.9 },
      ],
      fStar: 0,
      xStar: { lr: 1e-3, layers: 4, optimizer: 'adam', batch: 64, dropout: 0.4 },
    },
    mixedMlp,
  ),
  define(
    {
      name: 'mixed_steps',
      space: [
        { name: 'a', type: 'double', min: -2, max: 2, step: 0.05 },
        { name: 'b', type: 'double', min: -2, max: 2, step: 0.05 },
        { name: 'c', type: 'double', min: 0, max: 10, step: 0.5 },
        { name: 'n', type: 'int', min: -10, max: 10 },
        { name: 'm', type: 'int', min: 0, max: 100, step: 5 },
        { name: 'k', type: 'int', min: 1, max: 64, log: true },
      ],
      fStar: 0,
      xStar: { a: 1, b: 1, c: 3.5, n: 3, m: 45, k: 8 },
    },
    mixedSteps,
  ),
  define(
    {
      name: 'mixed_categorical',
      space: [
        ...CATEGORIES.map((count, i): MixedParameter => ({ name: `c${i}`, type: 'categorical', values: choiceNames(count) })),
        { name: 'w', type: 'discrete', values: [0, 1, 2, 4, 8] },
        { name: 'y', type: 'double', min: 0, max: 1 },
      ],
      fStar: CATEGORICAL_BEST.f,
      xStar: {
        ...Object.fromEntries(CATEGORICAL_BEST.choice.map((c, i) => [`c${i}`, String.fromCharCode(97 + c)])),
        w: 2,
        y: 0.2 + 0.3 * (CATEGORICAL_BEST.choice[0] as number),
      },
    },
    mixedCategorical,
  ),
  define(
    {
      name: 'mixed_log',
      space: [
        { name: 'C', type: 'double', min: 1e-3, max: 1e3, log: true },
        { name: 'gamma', type: 'double', min: 1e-5, max: 10, log: true },
        { name: 'kernel', type: 'categorical', values: ['linear', 'rbf', 'poly'] },
        { name: 'n_estimators', type: 'int', min: 10, max: 1000, log: true },
        { name: 'tol', type: 'double', min: 1e-6, max: 1e-1, log: true },
      ],
      fStar: 0,
      xStar: { C: 10 ** 1.5, gamma: 1e-2, kernel: 'rbf', n_estimators: 200, tol: 1e-4 },
    },
    mixedLog,
  ),
]);

const BY_NAME: ReadonlyMap<string, MixedFunction> = new Map(MIXED_FUNCTIONS.map((fn) => [fn.name, fn]));

export function mixedFunctionNames(): string[] {
  return MIXED_FUNCTIONS.map((fn) => fn.name);
}

export function getMixedFunction(name: string): MixedFunction | undefined {
  return BY_NAME.get(name);
}
