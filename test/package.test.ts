import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { jobExperimentYaml } from './support/katib-yaml.js';

// These run the built package (npm test builds it first), as a user gets it after `npm ci`.
const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-package-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the built package', () => {
  test("import ... from 'scriba' gives the public API", async () => {
    const script = `
      import { tune, search, createStudy, loadExperiment } from 'scriba';
      const r = await tune({ objective: ({ x }) => x * x, parameters: { x: search.double({ min: -1, max: 1 }) }, objectiveType: 'minimize', maxTrialCount: 3, seed: 1 });
      console.log(JSON.stringify({ status: r.status, n: r.trials.length, study: typeof createStudy, load: typeof loadExperiment }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({ status: 'Succeeded', n: 3, study: 'function', load: 'function' });
  });

  test('the scriba bin validates files, with exit codes 0, 1 and 2', async () => {
    const bin = join(root, 'dist/src/bin.js');
    const good = join(dir, 'good.yaml');
    const bad = join(dir, 'bad.yaml');
    const experiment = (max: string) =>
      jobExperimentYaml({ name: 'demo', maxTrialCount: 4, parallelTrialCount: 2, min: '0.01', max, command: '[python, train.py, "--lr=${trialParameters.x}"]' });
    await writeFile(good, experiment('0.05'));
    await writeFile(bad, experiment('abc'));
    const ok = await run(process.execPath, [bin, 'validate', good]);
    expect(ok.stdout).toBe(`${good}: valid\n`);
    const failed = await run(process.execPath, [bin, 'validate', good, bad]).catch((e: { code: number; stdout: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stdout: string }).stdout).toContain(`${bad}: spec.parameters[0].feasibleSpace.max: expected a finite number, got "abc"`);
    const usage = await run(process.execPath, [bin, 'frobnicate']).catch((e: { code: number; stderr: string }) => e);
    expect(usage).toMatchObject({ code: 2, stderr: "scriba: unknown command 'frobnicate'; see 'scriba --help'\n" });
    const missing = await run(process.execPath, [bin, 'validate', join(dir, 'nope.yaml')]).catch((e: { code: number; stderr: string }) => e);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read: ENOENT') });
  });
});
