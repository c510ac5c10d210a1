/**
 * Validators of the result files of bench-protocol v1 (§7.1 synthetic, §7.2 latency), returning
 * every problem as `path: message` ([] = usable; unknown extra fields are allowed, §7), and the
 * same shapes as JSON Schema (draft 2020-12) for writers in other languages.
 *   validateSynthetic(JSON.parse(text)) // [] or ['runs[3].regret[7]: best-so-far regret must not increase ...']
 */
import { formatIssue } from '../src/errors.js';
import type { ValidationIssue } from '../src/experiment/types.js';
import { LATENCY_SCHEMA, SYNTHETIC_SCHEMA, median } from './protocol.js';

/** The twelve test functions of §2 in protocol order, with their dimension and minimum f*. */
export const PROTOCOL_FUNCTIONS: ReadonlyArray<{ name: string; dim: number; fStar: number }> = [
  { name: 'branin', dim: 2, fStar: 0.397887357729738 },
  { name: 'six_hump_camel', dim: 2, fStar: -1.0316284534898774 },
  { name: 'goldstein_price', dim: 2, fStar: 3 },
  { name: 'hartmann3', dim: 3, fStar: -3.862779787332663 },
  { name: 'hartmann6', dim: 6, fStar: -3.322368011415515 },
  { name: 'rosenbrock5', dim: 5, fStar: 0 },
  { name: 'rosenbrock10', dim: 10, fStar: 0 },
  { name: 'ackley5', dim: 5, fStar: 0 },
  { name: 'rastrigin5', dim: 5, fStar: 0 },
  { name: 'levy5', dim: 5, fStar: 0 },
  { name: 'styblinski_tang5', dim: 5, fStar: -195.83082851885706 },
  { name: 'sphere10', dim: 10, fStar: 0 },
];

type Obj = Record<string, unknown>;
type Issues = ValidationIssue[];

/** `above` is a strict lower bound; `nullable` (arrays) where §7 lets a non-finite value be null. */
export type NumberRule = { integer?: boolean; min?: number; above?: number; optional?: boolean; nullable?: boolean };

export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const at = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
export const kind = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'number' ? String(v) : `a ${typeof v}`;
const near = (a: number, b: number, rel: number): boolean => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

/** A finite number; JSON cannot hold NaN or Infinity (§7), and in-memory inputs must not either. */
function numberProblem(v: unknown, rule: NumberRule): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `expected a finite number, got ${kind(v)}`;
  if (rule.integer && !Number.isInteger(v)) return `expected an integer, got ${v}`;
  if (rule.min !== undefined && v < rule.min) return `must be >= ${rule.min}, got ${v}`;
  if (rule.above !== undefined && v <= rule.above) return `must be > ${rule.above}, got ${v}`;
  return undefined;
}

/** Typed reads of one object's fields; each failed read records an issue and yields undefined. */
export interface Reader {
  issue(key: string | number, message: string): void;
  string(key: string, optional?: boolean): string | undefined;
  number(key: string, rule?: NumberRule): number | undefined;
  /** The array even when some elements are wrong (each reported); its elements are not to be trusted. */
  numbers(key: string, rule?: NumberRule): Array<number | null> | undefined;
  object(key: string): Reader | undefined;
  strings(key: string): void; // an object of strings: meta.versions, meta.samplers
}

export function reader(out: Issues, o: Obj, path: string): Reader {
  const issue = (key: string | number, message: string) => out.push({ path: at(path, key), message });
  const get = (key: string, optional = false): unknown => {
    if (o[key] === undefined && !optional) issue(key, 'is required');
    return o[key];
  };
  return {
    issue,
    string(key: string, optional = false): string | undefined {
      const v = get(key, optional);
      if (v === undefined || (typeof v === 'string' && v.length > 0)) return v;
      return void issue(key, typeof v === 'string' ? 'must not be empty' : `expected a string, got ${kind(v)}`);
    },
    number(key: string, rule: NumberRule = {}): number | undefined {
      const v = get(key, rule.optional);
      const message = v === undefined ? undefined : numberProblem(v, rule);
      return message === undefined ? (v as number | undefined) : void issue(key, message);
    },
    numbers(key: string, rule: NumberRule = {}): Array<number | null> | undefined {
      const v = get(key, rule.optional);
      if (v === undefined) return undefined;
      if (!Array.isArray(v)) return void issue(key, `expected an array of numbers, got ${kind(v)}`);
      v.forEach((x: unknown, i) => {
        const message = x === null && rule.nullable ? undefined : numberProblem(x, rule);
        if (message !== undefined) out.push({ path: at(at(path, key), i), message });
      });
      return v as Array<number | null>; // lengths still count when some element is wrong
    },
    object(key: string): Reader | undefined {
      const v = get(key);
      if (isObject(v)) return reader(out, v, at(path, key));
      if (v !== undefined) issue(key, `expected an object, got ${kind(v)}`);
      return undefined;
    },
    strings(key: string): void {
      const v = get(key);
      if (v !== undefined && !isObject(v)) return void issue(key, `expected an object, got ${kind(v)}`);
      for (const [k, x] of Object.entries(v ?? {})) {
        if (typeof x !== 'string') out.push({ path: at(at(path, key), k), message: `expected a string, got ${kind(x)}` });
      }
    },
  };
}

/** schema, meta (§7, with the machine of §4) and a non-empty payload array. */
export function checkHead(out: Issues, json: unknown, schema: string, payload: string): { root: Reader; meta?: Reader; items: unknown[] } | undefined {
  if (!isObject(json)) return void out.push({ path: '$', message: `expected a JSON object, got ${kind(json)}` });
  const root = reader(out, json, '');
  if (json.schema !== schema) root.issue('schema', `expected ${JSON.stringify(schema)}, got ${JSON.stringify(json.schema) ?? 'nothing'}`);
  const meta = root.object('meta');
  if (meta !== undefined) {
    meta.string('engine');
    meta.strings('versions');
    const machine = meta.object('machine');
    for (const key of ['cpu', 'os']) machine?.string(key);
    machine?.number('logical_cpus', { integer: true, min: 1 });
    machine?.number('mem_gb', { above: 0 });
    const created = meta.string('created');
    if (created !== undefined && !(/^\d{4}-\d{2}-\d{2}/.test(created) && Number.isFinite(Date.parse(created)))) {
      meta.issue('created', `expected an ISO-8601 date-time, got ${JSON.stringify(created)}`);
    }
    meta.string('command');
    meta.strings('samplers');
  }
  const items = json[payload];
  if (items === undefined) root.issue(payload, 'is required');
  else if (!Array.isArray(items)) root.issue(payload, `expected an array, got ${kind(items)}`);
  else if (items.length === 0) root.issue(payload, 'must not be empty');
  return { root, ...(meta && { meta }), items: Array.isArray(items) ? items : [] };
}

/** One run of §7.1: required fields, lengths N (or <= N when truncated), r_t of §3. */
function checkRun(out: Issues, value: unknown, path: string): void {
  if (!isObject(value)) return void out.push({ path, message: `expected an object, got ${kind(value)}` });
  const run = reader(out, value, path);
  const fn = run.string('function');
  const dim = run.number('dim', { integer: true, min: 1 });
  const fStar = run.number('f_star');
  const known = PROTOCOL_FUNCTIONS.find((f) => f.name === fn);
  if (known && dim !== undefined && dim !== known.dim) run.issue('dim', `${known.name} has dimension ${known.dim} (§2), got ${dim}`);
  if (known && fStar !== undefined && !near(fStar, known.fStar, 1e-9)) run.issue('f_star', `${known.name} has f* = ${known.fStar} (§2), got ${fStar}`);
  run.string('sampler');
  run.string('engine', true); // a merged peer's runs carry their own engine
  run.number('seed', { integer: true, min: 0 });
  const budget = run.number('budget', { integer: true, min: 1 });
  const truncated = value.truncated;
  if (truncated !== undefined && typeof truncated !== 'boolean') run.issue('truncated', `expected a boolean, got ${kind(truncated)}`);
  const series = {
    y: run.numbers('y', { nullable: true }),
    regret: run.numbers('regret', { min: 0 }),
    ask_s: run.numbers('ask_s', { min: 0 }),
    tell_s: run.numbers('tell_s', { min: 0 }),
  };
  for (const [key, values] of Object.entries(series)) {
    if (values === undefined || budget === undefined) continue;
    if (truncated === true ? values.length > budget : values.length !== budget) {
      run.issue(key, `expected ${truncated === true ? `at most ${budget} values (truncated)` : `${budget} values (budget)`}, got ${values.length}`);
    }
  }
  const regret = series.regret ?? [];
  if (series.y && series.regret && series.y.length !== regret.length) run.issue('regret', `expected one value per y (${series.y.length}), got ${regret.length}`);
  const up = regret.findIndex((r: unknown, t: number) => t > 0 && typeof r === 'number' && r > (regret[t - 1] as number));
  if (up > 0) out.push({ path: `${path}.regret[${up}]`, message: `best-so-far regret must not increase (§3): ${regret[up]} > ${regret[up - 1]}` });
  const bestX = run.numbers('best_x', { optional: true });
  if (bestX !== undefined && dim !== undefined && bestX.length !== dim) run.issue('best_x', `expected ${dim} values (dim), got ${bestX.length}`);
  const bestParams = value.best_params;
  if (bestParams !== undefined && (!isObject(bestParams) || Object.values(bestParams).some((v) => typeof v !== 'number' && typeof v !== 'string'))) {
    run.issue('best_params', 'expected an object of numbers and strings');
  }
  run.number('wall_s', { min: 0, optional: true });
}

/** Reports an item whose key repeats an earlier item's (the report would count it twice). */
export function checkUnique(out: Issues, seen: Map<string, number>, key: unknown[], path: string, i: number, what: string): void {
  const k = JSON.stringify(key);
  const first = seen.get(k);
  if (first === undefined) seen.set(k, i);
  else out.push({ path: `${path}[${i}]`, message: `repeats ${what} of ${path}[${first}]` });
}

/** Every problem of a §7.1 synthetic-function result file; [] when it is valid. */
export function validateSynthetic(json: unknown): string[] {
  const out: Issues = [];
  const head = checkHead(out, json, SYNTHETIC_SCHEMA, 'runs');
  head?.meta?.string('timing', true);
  const seen = new Map<string, number>();
  head?.items.forEach((run: unknown, i) => {
    checkRun(out, run, `runs[${i}]`);
    if (isObject(run)) checkUnique(out, seen, [run.engine, run.function, run.sampler, run.seed], 'runs', i, 'engine, function, sampler and seed');
  });
  return out.map(formatIssue);
}

/** Every problem of a §7.2 ask-latency result file; [] when it is valid. */
export function validateLatency(json: unknown): string[] {
  const out: Issues = [];
  const head = checkHead(out, json, LATENCY_SCHEMA, 'entries');
  const asks = head?.meta?.number('asks_per_point', { integer: true, min: 1 });
  for (const key of ['function', 'prefill']) head?.meta?.string(key);
  const seen = new Map<string, number>();
  head?.items.forEach((value: unknown, i) => {
    if (!isObject(value)) return void out.push({ path: `entries[${i}]`, message: `expected an object, got ${kind(value)}` });
    const entry = reader(out, value, `entries[${i}]`);
    const sampler = entry.string('sampler');
    entry.string('engine', true);
    const n = entry.number('n_trials', { integer: true, min: 0 });
    const times = entry.numbers('ask_s', { min: 0 }) as number[] | undefined;
    const med = entry.number('median_ask_s', { min: 0 });
    entry.number('prefill_s', { min: 0, optional: true });
    if (times && asks !== undefined && times.length !== asks) entry.issue('ask_s', `expected ${asks} values (meta.asks_per_point), got ${times.length}`);
    // §4.1: the metric is the median of the timed asks.
    if (times && times.length > 0 && times.every(Number.isFinite) && med !== undefined && !near(med, median(times), 1e-9)) {
      entry.issue('median_ask_s', `expected the median of ask_s (${median(times)}), got ${med}`);
    }
    if (sampler !== undefined && n !== undefined) checkUnique(out, seen, [value.engine, sampler, n], 'entries', i, 'engine, sampler and n_trials');
  });
  return out.map(formatIssue);
}

// JSON Schema (draft 2020-12) of the same shapes, for writers in other languages. Rules that
// relate fields to each other (lengths = budget, dim of a §2 name's best_x, non-increasing
// regret, f* of §2, unique runs) are only partly expressible; validateSynthetic checks them all.
export const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
export const text = { type: 'string', minLength: 1 };
export const nonNegative = { type: 'number', minimum: 0 };
export const strings = { type: 'object', additionalProperties: { type: 'string' } };
const numbers = (items: object) => ({ type: 'array', items });
export const META = {
  type: 'object',
  required: ['engine', 'versions', 'machine', 'created', 'command', 'samplers'],
  properties: {
    engine: text, versions: strings,
    machine: {
      type: 'object', required: ['cpu', 'logical_cpus', 'mem_gb', 'os'],
      properties: { cpu: text, logical_cpus: { type: 'integer', minimum: 1 }, mem_gb: { type: 'number', exclusiveMinimum: 0 }, os: text },
    },
    created: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}', description: 'ISO-8601' },
    command: text, samplers: strings,
  },
};

export const SYNTHETIC_JSON_SCHEMA = {
  $schema: DRAFT,
  title: `${SYNTHETIC_SCHEMA} (bench-protocol §7.1)`,
  type: 'object',
  required: ['schema', 'meta', 'runs'],
  properties: {
    schema: { const: SYNTHETIC_SCHEMA },
    meta: { ...META, properties: { ...META.properties, timing: { type: 'string' } } },
    runs: {
      type: 'array', minItems: 1,
      items: {
        type: 'object',
        required: ['function', 'dim', 'f_star', 'sampler', 'seed', 'budget', 'y', 'regret', 'ask_s', 'tell_s'],
        properties: {
          function: text, dim: { type: 'integer', minimum: 1 }, f_star: { type: 'number' },
          sampler: text,
          engine: { ...text, description: 'overrides meta.engine for runs merged from a peer' },
          seed: { type: 'integer', minimum: 0 },
          budget: { type: 'integer', minimum: 1, description: 'N; y, regret, ask_s and tell_s hold N values (at most N when truncated)' },
          y: numbers({ type: ['number', 'null'] }),
          regret: { ...numbers(nonNegative), description: 'best-so-far simple regret r_t, t = 1..N, non-increasing' },
          ask_s: numbers(nonNegative), tell_s: numbers(nonNegative),
          best_x: { ...numbers({ type: 'number' }), description: 'dim values' },
          best_params: { type: 'object', additionalProperties: { type: ['number', 'string'] }, description: 'the best point of a mixed space, by parameter name' },
          wall_s: nonNegative, truncated: { type: 'boolean' },
        },
        allOf: PROTOCOL_FUNCTIONS.map((f) => ({
          if: { properties: { function: { const: f.name } }, required: ['function'] },
          then: { properties: { dim: { const: f.dim } } },
        })),
      },
    },
  },
};

export const LATENCY_JSON_SCHEMA = {
  $schema: DRAFT,
  title: `${LATENCY_SCHEMA} (bench-protocol §7.2)`,
  type: 'object',
  required: ['schema', 'meta', 'entries'],
  properties: {
    schema: { const: LATENCY_SCHEMA },
    meta: {
      ...META,
      required: [...META.required, 'function', 'asks_per_point', 'prefill'],
      properties: { ...META.properties, function: text, asks_per_point: { type: 'integer', minimum: 1 }, prefill: text },
    },
    entries: {
      type: 'array', minItems: 1,
      items: {
        type: 'object',
        required: ['sampler', 'n_trials', 'ask_s', 'median_ask_s'],
        properties: {
          sampler: text,
          engine: { ...text, description: 'overrides meta.engine for entries merged from a peer' },
          n_trials: { type: 'integer', minimum: 0 },
          ask_s: { ...numbers(nonNegative), description: 'meta.asks_per_point values' },
          median_ask_s: { ...nonNegative, description: 'median of ask_s' },
          prefill_s: nonNegative,
        },
      },
    },
  },
};
