import { ScribaError } from '../../src/errors.js';

/**
 * The three values a Katib DARTS trial receives (katib-spec §4.8): `--algorithm-settings`
 * and `--search-space` are JSON written with `'` for `"` (the suggestion service swaps
 * them so the text survives the trial template), `--num-layers` is an integer as text.
 * Katib's trial program swaps `'` back and parses JSON; so do we. The template quotes each
 * value (`--search-space="${trialParameters.searchSpace}"`): a shell strips those quotes, a
 * container command without one passes them on, so one surrounding pair is removed here too.
 */

/** The algorithm settings of Katib's DARTS service, with its defaults (katib-spec §4.8). */
export interface DartsSettings {
  numEpochs: number;
  wLr: number;
  wLrMin: number;
  wMomentum: number;
  wWeightDecay: number;
  wGradClip: number;
  alphaLr: number;
  alphaWeightDecay: number;
  /** null ("None" in the experiment): each step takes the whole split as one batch. */
  batchSize: number | null;
  /** Accepted and validated; the data live in memory, so there are no loader workers. */
  numWorkers: number;
  initChannels: number;
  printStep: number;
  numNodes: number;
  stemMultiplier: number;
}

interface SettingRule {
  key: keyof DartsSettings;
  integer: boolean;
  min: number;
  /** `min` itself is allowed (>=) rather than excluded (>). */
  inclusive: boolean;
  fallback: number;
  nullable?: true;
}

/** Katib's names, defaults and validation rules, in the order its service lists them. */
const RULES: Record<string, SettingRule> = {
  num_epochs: { key: 'numEpochs', integer: true, min: 0, inclusive: false, fallback: 50 },
  w_lr: { key: 'wLr', integer: false, min: 0, inclusive: true, fallback: 0.025 },
  w_lr_min: { key: 'wLrMin', integer: false, min: 0, inclusive: true, fallback: 0.001 },
  w_momentum: { key: 'wMomentum', integer: false, min: 0, inclusive: true, fallback: 0.9 },
  w_weight_decay: { key: 'wWeightDecay', integer: false, min: 0, inclusive: true, fallback: 3e-4 },
  w_grad_clip: { key: 'wGradClip', integer: false, min: 0, inclusive: true, fallback: 5.0 },
  alpha_lr: { key: 'alphaLr', integer: false, min: 0, inclusive: true, fallback: 3e-4 },
  alpha_weight_decay: { key: 'alphaWeightDecay', integer: false, min: 0, inclusive: true, fallback: 1e-3 },
  batch_size: { key: 'batchSize', integer: true, min: 1, inclusive: true, fallback: 128, nullable: true },
  num_workers: { key: 'numWorkers', integer: true, min: 0, inclusive: true, fallback: 4 },
  init_channels: { key: 'initChannels', integer: true, min: 1, inclusive: true, fallback: 16 },
  print_step: { key: 'printStep', integer: true, min: 1, inclusive: true, fallback: 50 },
  num_nodes: { key: 'numNodes', integer: true, min: 1, inclusive: true, fallback: 4 },
  stem_multiplier: { key: 'stemMultiplier', integer: true, min: 1, inclusive: true, fallback: 3 },
};

export const SETTING_NAMES: readonly string[] = Object.keys(RULES);

/** One surrounding pair of double quotes removed, `'` turned into `"`, then JSON. */
export function parseKatibJson(raw: string, flag: string): unknown {
  let text = raw.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
  text = text.replaceAll("'", '"');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ScribaError('invalid-argument', `${flag}: not JSON (with ' for "): ${(error as Error).message}; got ${JSON.stringify(raw)}`);
  }
}

/**
 * Settings as Katib's service sends them: its defaults as numbers, the user's values as
 * strings, "None" as null. A name missing here takes Katib's default; unknown names are
 * ignored, as Katib allows them.
 */
export function parseAlgorithmSettings(raw: string): DartsSettings {
  const flag = '--algorithm-settings';
  const parsed = parseKatibJson(raw, flag);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ScribaError('invalid-argument', `${flag}: expected a JSON object of settings, got ${JSON.stringify(raw)}`);
  }
  const values = parsed as Record<string, unknown>;
  const out: Record<string, number | null> = {};
  for (const [name, rule] of Object.entries(RULES)) {
    out[rule.key] = name in values ? settingValue(name, values[name], rule) : rule.fallback;
  }
  return out as unknown as DartsSettings;
}

function settingValue(name: string, value: unknown, rule: SettingRule): number | null {
  const where = `--algorithm-settings: ${name}`;
  if (value === null) {
    if (rule.nullable) return null;
    throw new ScribaError('invalid-argument', `${where}: None is not allowed here, expected ${rule.integer ? 'an integer' : 'a number'}`);
  }
  const n = toNumber(value, rule.integer);
  if (n === undefined) throw new ScribaError('invalid-argument', `${where}: expected ${rule.integer ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`);
  if (rule.inclusive ? n < rule.min : n <= rule.min) {
    throw new ScribaError('invalid-argument', `${where}: should be ${rule.inclusive ? 'greater than or equal to' : 'greater than'} ${rule.min}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Python's int() and float() on a string or a JSON number (int(2.0) is 2; int("2.5") fails). */
function toNumber(value: unknown, integer: boolean): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? (integer ? Math.trunc(value) : value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (integer) return /^[+-]?\d+$/.test(text) ? Number.parseInt(text, 10) : undefined;
  const n = Number(text);
  return text !== '' && Number.isFinite(n) ? n : undefined;
}

/** One candidate operation: Katib's name, its family and its kernel (or window) size. */
export interface Primitive {
  name: string;
  kind: 'separable_convolution' | 'dilated_convolution' | 'max_pooling' | 'avg_pooling' | 'skip_connection' | 'none';
  size: number;
}

const SIZED = ['separable_convolution', 'dilated_convolution', 'max_pooling', 'avg_pooling'] as const;

/**
 * The search space: Katib lists `skip_connection` as is and every other operation as
 * `<operationType>_<k>x<k>`; `none` is appended last, as Katib's trial does.
 */
export function parseSearchSpace(raw: string): Primitive[] {
  const flag = '--search-space';
  const parsed = parseKatibJson(raw, flag);
  if (!Array.isArray(parsed)) throw new ScribaError('invalid-argument', `${flag}: expected a JSON list of operation names, got ${JSON.stringify(raw)}`);
  if (parsed.length === 0) throw new ScribaError('invalid-argument', `${flag}: expected at least one operation`);
  const primitives = parsed.map((item) => primitive(item, flag));
  primitives.push({ name: 'none', kind: 'none', size: 0 });
  return primitives;
}

function primitive(item: unknown, flag: string): Primitive {
  if (item === 'skip_connection') return { name: item, kind: 'skip_connection', size: 1 };
  const name = String(item);
  const match = /^([a-z_]+)_(\d+)x(\d+)$/.exec(name);
  const kind = SIZED.find((k) => k === match?.[1]);
  if (typeof item !== 'string' || !match || !kind || match[2] !== match[3]) {
    throw new ScribaError(
      'invalid-argument',
      `${flag}: unknown operation ${JSON.stringify(item)}; expected skip_connection or <type>_<k>x<k> with type one of ${SIZED.join(', ')}`,
    );
  }
  const size = Number(match[2]);
  if (size % 2 !== 1) throw new ScribaError('invalid-argument', `${flag}: ${name}: the filter size must be odd (3, 5, ...)`);
  return { name, kind, size };
}

/** `--num-layers`: Katib's numLayers as text (int() in Katib's trial). */
export function parseNumLayers(raw: string): number {
  let text = raw.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).trim();
  if (!/^[+-]?\d+$/.test(text) || Number.parseInt(text, 10) < 1) {
    throw new ScribaError('invalid-argument', `--num-layers: expected a positive integer, got ${JSON.stringify(raw)}`);
  }
  return Number.parseInt(text, 10);
}
