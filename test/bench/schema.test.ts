import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { regretCurve, type LatencyFile, type SyntheticFile } from '../../bench/protocol.js';
import {
  LATENCY_JSON_SCHEMA,
  PROTOCOL_FUNCTIONS,
  SYNTHETIC_JSON_SCHEMA,
  validateLatency,
  validateSynthetic,
} from '../../bench/schema.js';

const META = {
  engine: 'scriba',
  versions: { scriba: '0.1.0', node: '20.20.2' },
  machine: { cpu: 'AMD EPYC 7B13', logical_cpus: 2, mem_gb: 7.8, os: 'Debian GNU/Linux 12' },
  created: '2025-01-01T00:00:00+00:00',
  command: 'scriba bench run --functions branin',
  samplers: { scriba_random: 'uniform on the box' },
};

/** §7.1 with one branin run of budget 4 (f* of §2). */
function synthetic(): SyntheticFile {
  const fStar = 0.397887357729738;
  const y = [5, 3, 4, 0.5];
  return {
    schema: 'hpo-bench/synthetic/v1',
    meta: { ...structuredClone(META), timing: 'ask_s: Study.ask()' },
    runs: [
      {
        function: 'branin', dim: 2, f_star: fStar, sampler: 'scriba_random', seed: 0, budget: 4,
        y, regret: regretCurve(y, fStar), ask_s: [1e-4, 2e-4, 1e-4, 3e-4], tell_s: [0, 0, 0, 0],
        best_x: [3.1, 2.3], wall_s: 0.01, truncated: false,
      },
    ],
  };
}

/** §7.2 with 3 asks per point. */
function latency(): LatencyFile {
  return {
    schema: 'hpo-bench/latency/v1',
    meta: { ...structuredClone(META), function: 'hartmann6', asks_per_point: 3, prefill: 'seedrandom(12345) uniform' },
    entries: [
      { sampler: 'scriba_random', n_trials: 100, ask_s: [0.003, 0.001, 0.002], median_ask_s: 0.002, prefill_s: 0.5 },
      { sampler: 'scriba_random', n_trials: 500, ask_s: [0.004, 0.001, 0.002], median_ask_s: 0.002 },
    ],
  };
}

// Files as arbitrary JSON, so that a test can put any value anywhere.
type Loose = Record<string, any>;
const runOf = (f: Loose): Loose => f.runs[0];

describe('valid files (bench-protocol §7.1, §7.2)', () => {
  test('a synthetic and a latency file have no problems', () => {
    expect(validateSynthetic(synthetic())).toEqual([]);
    expect(validateLatency(latency())).toEqual([]);
  });

  test('extra fields, a per-run engine, a null observation and a truncated run are allowed', () => {
    const f: Loose = synthetic();
    f.extra = { anything: true };
    runOf(f).engine = 'optuna';
    runOf(f).y[2] = null; // §7: a non-finite value is written as null
    f.runs.push({ ...structuredClone(runOf(f)), seed: 1, truncated: true, y: [5, 3], regret: [4.6, 2.6], ask_s: [0, 0], tell_s: [0, 0] });
    delete f.runs[1].best_x;
    expect(validateSynthetic(f)).toEqual([]);
  });

  test('each of the twelve §2 functions passes with its dimension and fails with another', () => {
    for (const fn of PROTOCOL_FUNCTIONS) {
      const f: Loose = synthetic();
      Object.assign(runOf(f), { function: fn.name, dim: fn.dim, f_star: fn.fStar, best_x: Array(fn.dim).fill(0) });
      expect(validateSynthetic(f), fn.name).toEqual([]);
      runOf(f).dim = fn.dim + 1;
      expect(validateSynthetic(f).some((p) => p.startsWith('runs[0].dim: ')), fn.name).toBe(true);
    }
  });

  test('a function outside §2 is accepted with any dimension', () => {
    const f: Loose = synthetic();
    Object.assign(runOf(f), { function: 'my_function', dim: 3, f_star: 0, best_x: [0, 0, 0] });
    expect(validateSynthetic(f)).toEqual([]);
  });
});

// [what is broken, how, the path expected among the problems]
const BROKEN_SYNTHETIC: Array<[string, (f: Loose) => void, string]> = [
  ['wrong schema', (f) => (f.schema = 'hpo-bench/synthetic/v2'), 'schema'],
  ['meta missing', (f) => delete f.meta, 'meta'],
  ['engine empty', (f) => (f.meta.engine = ''), 'meta.engine'],
  ['version not a string', (f) => (f.meta.versions.node = 20), 'meta.versions.node'],
  ['cpu missing', (f) => delete f.meta.machine.cpu, 'meta.machine.cpu'],
  ['logical_cpus fractional', (f) => (f.meta.machine.logical_cpus = 2.5), 'meta.machine.logical_cpus'],
  ['mem_gb a string', (f) => (f.meta.machine.mem_gb = '8'), 'meta.machine.mem_gb'],
  ['os missing', (f) => delete f.meta.machine.os, 'meta.machine.os'],
  ['created not ISO-8601', (f) => (f.meta.created = 'yesterday'), 'meta.created'],
  ['runs an object', (f) => (f.runs = {}), 'runs'],
  ['runs empty', (f) => (f.runs = []), 'runs'],
  ['sampler missing', (f) => delete runOf(f).sampler, 'runs[0].sampler'],
  ['seed negative', (f) => (runOf(f).seed = -1), 'runs[0].seed'],
  ['dim of branin', (f) => (runOf(f).dim = 3), 'runs[0].dim'],
  ['f* of the literature for hartmann3', (f) => Object.assign(runOf(f), { function: 'hartmann3', dim: 3, best_x: [0, 0, 0], f_star: -3.86278214782076 }), 'runs[0].f_star'],
  ['regret shorter than budget', (f) => runOf(f).regret.pop(), 'runs[0].regret'],
  ['ask_s longer than budget', (f) => runOf(f).ask_s.push(0), 'runs[0].ask_s'],
  ['NaN in regret', (f) => (runOf(f).regret[2] = NaN), 'runs[0].regret[2]'],
  ['Infinity in y', (f) => (runOf(f).y[1] = Infinity), 'runs[0].y[1]'],
  ['null in ask_s', (f) => (runOf(f).ask_s[1] = null), 'runs[0].ask_s[1]'],
  ['negative tell_s', (f) => (runOf(f).tell_s[3] = -1e-6), 'runs[0].tell_s[3]'],
  ['regret increasing', (f) => (runOf(f).regret[3] = 10), 'runs[0].regret[3]'],
  ['regret negative', (f) => (runOf(f).regret[3] = -0.1), 'runs[0].regret[3]'],
  ['best_x of the wrong length', (f) => runOf(f).best_x.push(1), 'runs[0].best_x'],
  ['truncated a string', (f) => (runOf(f).truncated = 'yes'), 'runs[0].truncated'],
  ['truncated run longer than budget', (f) => Object.assign(runOf(f), { truncated: true, tell_s: [0, 0, 0, 0, 0] }), 'runs[0].tell_s'],
  ['the same run twice', (f) => f.runs.push(structuredClone(runOf(f))), 'runs[1]'],
];

describe('broken synthetic files name the path of each problem (§7.1)', () => {
  test.each(BROKEN_SYNTHETIC)('%s -> %s', (_what, breakIt, path) => {
    const f: Loose = synthetic();
    breakIt(f);
    const problems = validateSynthetic(f);
    expect(problems.some((p) => p.startsWith(`${path}: `)), problems.join('\n')).toBe(true);
  });

  test('anything but an object is one problem at the root', () => {
    expect(validateSynthetic([synthetic()])).toEqual(['$: expected a JSON object, got an array']);
    expect(validateLatency(null)).toEqual(['$: expected a JSON object, got null']);
  });

  test('every problem is reported, not only the first', () => {
    const f: Loose = synthetic();
    delete f.meta.machine;
    runOf(f).budget = 0;
    runOf(f).y = 'many';
    expect(validateSynthetic(f)).toEqual([
      'meta.machine: is required',
      'runs[0].budget: must be >= 1, got 0',
      'runs[0].y: expected an array of numbers, got a string',
    ]);
  });
});

const BROKEN_LATENCY: Array<[string, (f: Loose) => void, string]> = [
  ['wrong schema', (f) => (f.schema = 'hpo-bench/synthetic/v1'), 'schema'],
  ['asks_per_point missing', (f) => delete f.meta.asks_per_point, 'meta.asks_per_point'],
  ['function missing', (f) => delete f.meta.function, 'meta.function'],
  ['prefill a number', (f) => (f.meta.prefill = 1), 'meta.prefill'],
  ['machine missing', (f) => delete f.meta.machine, 'meta.machine'],
  ['entries missing', (f) => delete f.entries, 'entries'],
  ['n_trials negative', (f) => (f.entries[0].n_trials = -1), 'entries[0].n_trials'],
  ['ask_s not asks_per_point long', (f) => f.entries[1].ask_s.pop(), 'entries[1].ask_s'],
  ['median_ask_s not the median', (f) => (f.entries[0].median_ask_s = 0.003), 'entries[0].median_ask_s'],
  ['prefill_s negative', (f) => (f.entries[0].prefill_s = -1), 'entries[0].prefill_s'],
  ['the same point twice', (f) => (f.entries[1].n_trials = 100), 'entries[1]'],
  ['an entry not an object', (f) => (f.entries[1] = 7), 'entries[1]'],
];

describe('broken latency files name the path of each problem (§7.2)', () => {
  test.each(BROKEN_LATENCY)('%s -> %s', (_what, breakIt, path) => {
    const f: Loose = latency();
    breakIt(f);
    const problems = validateLatency(f);
    expect(problems.some((p) => p.startsWith(`${path}: `)), problems.join('\n')).toBe(true);
  });
});

describe('JSON Schema files', () => {
  test.each([
    ['bench/schema/synthetic-v1.schema.json', SYNTHETIC_JSON_SCHEMA],
    ['bench/schema/latency-v1.schema.json', LATENCY_JSON_SCHEMA],
  ])('%s equals the exported schema', (path, schema) => {
    const file: unknown = JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));
    expect(file).toEqual(schema);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  test('the synthetic schema ties each §2 name to its dimension', () => {
    const rules = SYNTHETIC_JSON_SCHEMA.properties.runs.items.allOf;
    expect(rules.map((r) => [r.if.properties.function.const, r.then.properties.dim.const])).toEqual(
      PROTOCOL_FUNCTIONS.map((f) => [f.name, f.dim]),
    );
  });
});
