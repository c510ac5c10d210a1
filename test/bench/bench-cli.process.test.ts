import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { optunaUnavailable } from '../../bench/peer.js';
import type { LatencyFile, SyntheticFile } from '../../bench/protocol.js';
import { validateLatency, validateSynthetic } from '../../bench/schema.js';
import type { MultifidelityFile } from '../../bench/multifidelity.js';
import { validateMultifidelity } from '../../bench/schema-multifidelity.js';

// A tiny protocol run end to end through the built bin (npm test builds first), with the
// Optuna peer when it is importable. In CI it must be: .ci/run installs it.
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'dist/src/bin.js');
const missing = optunaUnavailable();
if (missing && process.env.CI) throw new Error(`CI needs the Optuna peer: ${missing}`);
if (missing) console.warn(`Optuna peer not tested: ${missing}`);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-bench-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scriba = (args: string[]) => promisify(execFile)(process.execPath, [bin, ...args], { cwd: root, maxBuffer: 1 << 24 });

describe('scriba bench', () => {
  test('run: 2 seeds, budget 10, random and grid on branin and hartmann6, JSON valid against the protocol schema', async () => {
    const out = join(dir, 'results.json');
    await scriba(['bench', 'run', '--algorithms', 'random,grid', '--functions', 'branin,hartmann6', '--seeds', '2', '--budget', '10', '--parallel', '2', '--peer', 'optuna', '--out', out]);
    const file = JSON.parse(readFileSync(out, 'utf8')) as SyntheticFile;
    expect(validateSynthetic(file)).toEqual([]);
    const scribaRuns = file.runs.filter((r) => r.sampler.startsWith('scriba_'));
    expect(scribaRuns.map((r) => `${r.sampler}/${r.function}/${r.seed}`)).toEqual([
      'scriba_random/branin/0', 'scriba_random/branin/1', 'scriba_random/hartmann6/0', 'scriba_random/hartmann6/1',
      'scriba_grid/branin/0', 'scriba_grid/branin/1', 'scriba_grid/hartmann6/0', 'scriba_grid/hartmann6/1',
    ]);
    for (const r of scribaRuns) expect(r.y).toHaveLength(10);
    const peer = file.runs.filter((r) => !r.sampler.startsWith('scriba_'));
    if (missing) {
      expect(peer).toEqual([]);
      expect(file.meta.peers).toEqual({ optuna: { available: false, reason: missing } });
    } else {
      expect(peer.map((r) => `${r.sampler}/${r.function}/${r.seed}`).sort()).toEqual(['random/branin/0', 'random/branin/1', 'random/hartmann6/0', 'random/hartmann6/1']);
      expect(file.meta.peers).toMatchObject({ optuna: { available: true, samplers: ['random'], no_counterpart: ['grid'] } });
    }

    const report = join(dir, 'report');
    await scriba(['bench', 'report', out, '--out', report]);
    const markdown = readFileSync(join(report, 'README.md'), 'utf8');
    expect(markdown).toContain('scriba_random');
    expect(existsSync(join(report, 'branin.svg'))).toBe(true);
    expect(existsSync(join(report, 'hartmann6.svg'))).toBe(true);

    // A name ending in .gz is written gzipped, and the report reads it back.
    const gz = join(dir, 'results.json.gz');
    await scriba(['bench', 'run', '--algorithms', 'random', '--functions', 'mixed_mlp', '--seeds', '1', '--budget', '5', '--out', gz]);
    expect(readFileSync(gz).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect((JSON.parse(gunzipSync(readFileSync(gz)).toString('utf8')) as SyntheticFile).runs).toHaveLength(1);
    await scriba(['bench', 'report', gz, '--out', join(dir, 'report-gz')]);
    expect(readFileSync(join(dir, 'report-gz', 'README.md'), 'utf8')).toContain('| mixed_mlp |');

    const oddsOut = join(dir, 'odds.json');
    const { stdout } = await scriba(['bench', 'odds', out, '--method', 'scriba_random', '--against', 'scriba_grid', '--margin', '0.1', '--within', '2', '--seeds', '2', '--draws', '50', '--out', oddsOut]);
    const odds = JSON.parse(readFileSync(oddsOut, 'utf8')) as { seeds: number; draws: number; pHolds: number; functions: { function: string }[] };
    expect([odds.seeds, odds.draws, odds.functions.map((f) => f.function)]).toEqual([2, 50, ['branin', 'hartmann6']]);
    // Two seeds out of two: every draw is the same, so the figure holds always or never.
    expect([0, 1]).toContain(odds.pHolds);
    expect(stdout).toContain(`Holds in **${(100 * odds.pHolds).toFixed(1)}%** of 50 draws of 2 seeds out of 2.`);
  });

  test('latency: JSON valid against the protocol schema', async () => {
    const out = join(dir, 'latency.json');
    await scriba(['bench', 'latency', '--algorithms', 'random', '--sizes', '10,40', '--asks', '3', '--warmup', '5', '--peer', 'optuna', '--out', out]);
    const file = JSON.parse(readFileSync(out, 'utf8')) as LatencyFile;
    expect(validateLatency(file)).toEqual([]);
    expect((file.meta as { warmup?: string }).warmup).toMatch(/^before its first size, each algorithm answers up to 5 untimed asks/);
    expect(file.entries.filter((e) => e.sampler === 'scriba_random').map((e) => [e.n_trials, e.ask_s.length])).toEqual([[10, 3], [40, 3]]);
    if (!missing) expect(file.entries.filter((e) => e.sampler === 'random').map((e) => e.n_trials)).toEqual([10, 40]);

    // --prefill run: the history is the algorithm's own run, as CMA-ES needs to have a state.
    const own = join(dir, 'latency-run.json');
    await scriba(['bench', 'latency', '--algorithms', 'cmaes', '--sizes', '24', '--asks', '3', '--warmup', '0', '--prefill', 'run', '--out', own]);
    const runFile = JSON.parse(readFileSync(own, 'utf8')) as LatencyFile;
    expect(validateLatency(runFile)).toEqual([]);
    expect(runFile.meta.prefill).toMatch(/^n COMPLETED trials made by the algorithm itself/);
    expect(runFile.entries.map((e) => [e.sampler, e.n_trials, e.ask_s.length])).toEqual([['scriba_cmaes_run', 24, 3]]);
    expect(Object.keys(runFile.meta.samplers)).toEqual(['scriba_cmaes_run']);

    // --prefill add,run: both histories of each size, one after the other, and the peer's by §4.1.
    const both = join(dir, 'latency-both.json');
    await scriba(['bench', 'latency', '--algorithms', 'random', '--sizes', '10,20', '--asks', '2', '--warmup', '0', '--prefill', 'add,run', '--peer', 'optuna', '--out', both]);
    const bothFile = JSON.parse(readFileSync(both, 'utf8')) as LatencyFile;
    expect(validateLatency(bothFile)).toEqual([]);
    expect(bothFile.meta.prefill).toMatch(/^add: n COMPLETED trials added with Study\.add\(\).*; run: n COMPLETED trials made by the algorithm itself/);
    expect(bothFile.entries.filter((e) => e.sampler.startsWith('scriba_')).map((e) => [e.sampler, e.n_trials])).toEqual([
      ['scriba_random', 10], ['scriba_random_run', 10], ['scriba_random', 20], ['scriba_random_run', 20],
    ]);
    if (!missing) expect(bothFile.entries.filter((e) => e.sampler === 'random').map((e) => e.n_trials)).toEqual([10, 20]);
  });

  test('multifidelity: 2 seeds, budget 400, with the Optuna counterparts, a valid §7.3 file and its report', async () => {
    const out = join(dir, 'mf.json');
    const report = join(dir, 'mf', 'mf.md');
    await scriba(['bench', 'multifidelity', '--methods', 'scriba_random_none,scriba_tpe_medianstop', '--seeds', '2', '--budget', '400', '--peer', 'optuna', '--out', out, '--report', report]);
    const file = JSON.parse(readFileSync(out, 'utf8')) as MultifidelityFile;
    expect(validateMultifidelity(file)).toEqual([]);
    const ids = file.runs.map((r) => `${r.engine ?? 'scriba'}:${r.sampler}/${r.pruner}/${r.seed}`);
    expect(ids.slice(0, 4)).toEqual(['scriba:scriba_random_none/none/0', 'scriba:scriba_random_none/none/1', 'scriba:scriba_tpe_medianstop/medianstop/0', 'scriba:scriba_tpe_medianstop/medianstop/1']);
    if (!missing) expect(ids.slice(4)).toEqual(['optuna:random/none/0', 'optuna:random/none/1', 'optuna:tpe/median/0', 'optuna:tpe/median/1']);
    const markdown = readFileSync(report, 'utf8');
    expect(markdown).toContain('| method | E = 400 | n_trials | n_complete | best_any_regret at 400 |');
    expect(markdown).toContain('| scriba:scriba_tpe_medianstop | optuna:tpe_median |');
    expect(existsSync(join(dir, 'mf', 'mf-none.svg'))).toBe(true);
    // The report again from the file, without running.
    await scriba(['bench', 'multifidelity', '--from', out, '--report', join(dir, 'again', 'mf.md')]);
    const again = readFileSync(join(dir, 'again', 'mf.md'), 'utf8');
    expect(again).toContain('## Incumbent asymptote regret');
    // Gzipped, written and read back: the same runs and the same tables.
    const gz = join(dir, 'mf-gz.json.gz');
    await scriba(['bench', 'multifidelity', '--methods', 'scriba_random_none', '--seeds', '1', '--budget', '200', '--out', gz]);
    expect(readFileSync(gz).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const fromGz = JSON.parse(gunzipSync(readFileSync(gz)).toString('utf8')) as MultifidelityFile;
    expect(validateMultifidelity(fromGz)).toEqual([]);
    await scriba(['bench', 'multifidelity', '--from', gz, '--report', join(dir, 'gz', 'mf.md')]);
    expect(readFileSync(join(dir, 'gz', 'mf.md'), 'utf8')).toContain('| scriba:scriba_random_none |');
  });

  test('bad arguments name what was expected', async () => {
    const error = (await scriba(['bench', 'run', '--algorithms', 'annealing', '--out', join(dir, 'x.json')]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(2);
    expect(error.stderr).toContain('--algorithms: unknown annealing; known: random, grid');
    const odds = (await scriba(['bench', 'odds', join(dir, 'results.json'), '--against', 'random', '--out', join(dir, 'o.json')]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(odds.code).toBe(2);
    expect(odds.stderr).toContain('scriba bench odds: --method and --against name the two samplers');
    const prefill = (await scriba(['bench', 'latency', '--prefill', 'add,own', '--out', join(dir, 'l.json')]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(prefill.code).toBe(2);
    expect(prefill.stderr).toContain('--prefill: unknown own; known: add, run');
  });
});
