import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getMixedFunction, mixedFunctionNames } from '../../bench/functions/mixed.js';
import type { LatencyFile, SyntheticFile } from '../../bench/protocol.js';

// The Optuna peer of the benchmark (bench/peers/optuna_driver.py), run through python3 as a
// report would run it. Optuna is a benchmark peer only: without it these tests are skipped
// locally and fail in CI.
const root = join(import.meta.dirname, '..', '..');
const driver = join(root, 'bench', 'peers', 'optuna_driver.py');
const INSTALL = 'pip install optuna cmaes';

const probe = spawnSync('python3', ['-c', 'import optuna'], { encoding: 'utf8' });
const hasOptuna = !probe.error && probe.status === 0;
const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase());
const skip = !hasOptuna && !ci;
if (skip) {
  console.warn(`optuna-driver tests skipped: \`python3 -c "import optuna"\` failed; \`${INSTALL}\` to run them`);
}

/** f* and d of the functions used below (bench-protocol §2). */
const FUNCTIONS: Record<string, { fStar: number; dim: number }> = {
  branin: { fStar: 0.397887357729738, dim: 2 },
  hartmann3: { fStar: -3.862779787332663, dim: 3 },
};

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function driverRun(args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile('python3', [driver, ...args], { cwd: root, timeout: 120_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

function requireOptuna(): void {
  if (!hasOptuna) {
    const why = probe.error?.message ?? probe.stderr.trim().split('\n').pop();
    throw new Error(`python3 cannot import optuna (${why}); \`${INSTALL}\` (Optuna is a benchmark peer, not a dependency)`);
  }
}

async function synthetic(out: string): Promise<SyntheticFile> {
  const args = ['synthetic', '--functions', 'branin,hartmann3', '--samplers', 'random,tpe', '--seeds', '2', '--budget', '10', '--out', out];
  const result = await driverRun(args);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr.split('\n').filter((line) => /^optuna (random|tpe) (branin|hartmann3) seed \d/.test(line))).toHaveLength(8); // one progress line per run
  return JSON.parse(await readFile(out, 'utf8')) as SyntheticFile;
}

function expectMeta(meta: SyntheticFile['meta'] | LatencyFile['meta'], samplers: string[]): void {
  expect(meta.engine).toBe('optuna');
  for (const key of ['optuna', 'python', 'numpy']) expect(typeof meta.versions[key]).toBe('string');
  expect(typeof meta.machine.cpu).toBe('string');
  expect(meta.machine.logical_cpus).toBeGreaterThan(0);
  expect(typeof meta.machine.os).toBe('string');
  expect(meta.machine.mem_gb === null || meta.machine.mem_gb > 0).toBe(true);
  expect(Number.isNaN(Date.parse(meta.created))).toBe(false);
  expect(meta.command).toContain('optuna_driver.py');
  expect(Object.keys(meta.samplers).sort()).toEqual([...samplers].sort());
  for (const description of Object.values(meta.samplers)) expect(description).toMatch(/optuna\.samplers\./);
}

describe('bench/peers/optuna_driver.py', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scriba-optuna-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test.skipIf(skip)('python3 imports optuna', () => {
    requireOptuna();
  });

  test.skipIf(skip)('check: its functions match the golden values', async () => {
    requireOptuna();
    const result = await driverRun(['check']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/48 golden values .* worst relative difference/);
  });

  test.skipIf(skip)('synthetic: hpo-bench/synthetic/v1, regret curves, reproducible seeds', async () => {
    requireOptuna();
    const file = await synthetic(join(dir, 'synthetic-a.json'));
    expect(file.schema).toBe('hpo-bench/synthetic/v1');
    expectMeta(file.meta, ['random', 'tpe']);
    expect(typeof file.meta.timing).toBe('string');
    expect(file.runs).toHaveLength(8);
    const keys = file.runs.map((r) => `${r.sampler}/${r.function}/${r.seed}`).sort();
    expect(keys).toEqual(['random', 'tpe'].flatMap((s) => ['branin', 'hartmann3'].flatMap((f) => [0, 1].map((seed) => `${s}/${f}/${seed}`))).sort());
    for (const run of file.runs) {
      const fn = FUNCTIONS[run.function];
      if (!fn) throw new Error(`unexpected function ${run.function}`);
      expect(run.f_star).toBe(fn.fStar);
      expect(run.dim).toBe(fn.dim);
      expect(run.budget).toBe(10);
      for (const series of [run.y, run.regret, run.ask_s, run.tell_s]) {
        expect(series).toHaveLength(10);
        for (const v of series) expect(Number.isFinite(v)).toBe(true);
      }
      for (const v of [...run.ask_s, ...run.tell_s]) expect(v).toBeGreaterThanOrEqual(0);
      let best = Infinity;
      run.y.forEach((y, t) => {
        best = Math.min(best, y);
        expect(run.regret[t]).toBe(Math.max(best - fn.fStar, 0));
        expect(run.regret[t]).toBeGreaterThanOrEqual(0);
        if (t > 0) expect(run.regret[t]).toBeLessThanOrEqual(run.regret[t - 1] as number);
      });
      expect(run.best_x).toHaveLength(fn.dim);
      expect(typeof run.wall_s).toBe('number');
    }
    // Different seeds explore differently; the same seed gives the same values in a new process.
    const y = (f: SyntheticFile, sampler: string, fn: string, seed: number) =>
      f.runs.find((r) => r.sampler === sampler && r.function === fn && r.seed === seed)?.y;
    expect(y(file, 'random', 'branin', 0)).not.toEqual(y(file, 'random', 'branin', 1));
    const again = await synthetic(join(dir, 'synthetic-b.json'));
    for (const run of file.runs) expect(y(again, run.sampler, run.function, run.seed)).toEqual(run.y);
  }, 120_000);

  test.skipIf(skip)('synthetic on the mixed spaces: suggest_* per parameter kind, best_params valued as Scriba values them', async () => {
    requireOptuna();
    const out = join(dir, 'mixed.json');
    const result = await driverRun(['synthetic', '--functions', mixedFunctionNames().join(','), '--samplers', 'random,tpe_mv', '--seeds', '1', '--budget', '15', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const file = JSON.parse(await readFile(out, 'utf8')) as SyntheticFile;
    expect(file.runs).toHaveLength(8);
    for (const run of file.runs) {
      const fn = getMixedFunction(run.function)!;
      expect(run.f_star).toBeCloseTo(fn.fStar, 12);
      expect(run.dim).toBe(fn.space.length);
      expect(run.best_x).toBeUndefined();
      const best = run.best_params!;
      for (const p of fn.space) {
        const v = best[p.name];
        if (p.type === 'categorical' || p.type === 'discrete') expect(p.values as Array<number | string>).toContain(v);
        else {
          expect(v as number).toBeGreaterThanOrEqual(p.min);
          expect(v as number).toBeLessThanOrEqual(p.max);
          if (p.type === 'int') expect(Number.isInteger(v)).toBe(true);
        }
      }
      expect(Math.abs(fn.f(best) - Math.min(...run.y))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(fn.f(best))));
    }
  }, 120_000);

  test.skipIf(skip)('latency: hpo-bench/latency/v1', async () => {
    requireOptuna();
    const out = join(dir, 'latency.json');
    const result = await driverRun(['latency', '--samplers', 'random,tpe', '--sizes', '100', '--asks', '3', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const file = JSON.parse(await readFile(out, 'utf8')) as LatencyFile;
    expect(file.schema).toBe('hpo-bench/latency/v1');
    expectMeta(file.meta, ['random', 'tpe']);
    expect(file.meta.function).toBe('hartmann6');
    expect(file.meta.asks_per_point).toBe(3);
    expect(file.meta.prefill).toMatch(/default_rng\(12345\)/);
    expect(file.entries.map((e) => [e.sampler, e.n_trials])).toEqual([
      ['random', 100],
      ['tpe', 100],
    ]);
    for (const entry of file.entries) {
      expect(entry.ask_s).toHaveLength(3);
      for (const v of entry.ask_s) expect(v).toBeGreaterThan(0);
      const sorted = [...entry.ask_s].sort((a, b) => a - b);
      expect(entry.median_ask_s).toBe(sorted[1]);
      expect(entry.prefill_s).toBeGreaterThanOrEqual(0);
    }
  }, 120_000);

  test.skipIf(skip)('samplers: each sampler with the Python modules it lacks here', async () => {
    requireOptuna();
    const result = await driverRun(['samplers']);
    expect(result.code, result.stderr).toBe(0);
    const missing = JSON.parse(result.stdout) as Record<string, string[]>;
    // bench/peers/requirements.txt installs what these need; gp also needs torch, which is not pinned.
    for (const name of ['random', 'qmc_sobol', 'tpe', 'tpe_mv', 'cmaes']) expect(missing[name], name).toEqual([]);
    expect(Array.isArray(missing.gp)).toBe(true);
  });

  test.skipIf(skip)('an unknown sampler exits 2 and lists the known ones', async () => {
    requireOptuna();
    const result = await driverRun(['synthetic', '--samplers', 'random,nope', '--out', join(dir, 'never.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nope/);
    for (const name of ['random', 'qmc_sobol', 'tpe', 'tpe_mv', 'cmaes']) expect(result.stderr).toContain(name);
  });
});
