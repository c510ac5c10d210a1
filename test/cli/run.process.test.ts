import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { jobExperimentYaml } from '../support/katib-yaml.js';

// `scriba run --json` end to end on the Katib examples: the built bin, real trial processes,
// a real SQLite file. (npm test builds the package first.)
const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'dist/src/bin.js');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Summary {
  name: string;
  status: string;
  reason: string;
  trials: Record<string, number>;
  bestTrial?: { name: string; parameterAssignments: { name: string; value: string }[]; observation: { metrics: { name: string; min: string; max: string; latest: string }[] } };
}

async function scriba(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: root, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('scriba run --json on the examples', () => {
  test.each([
    ['examples/random.yaml', 'two-moons-random', 12, ['lr', 'hidden', 'activation']],
    ['examples/grid.yaml', 'two-moons-grid', 9, ['lr', 'hidden']],
    ['examples/file-json.yaml', 'two-moons-file-json', 4, ['lr', 'l2']],
    ['examples/tpe.yaml', 'two-moons-tpe', 16, ['lr', 'hidden', 'activation']],
  ] as const)('%s', async (file, name, max, params) => {
    const db = join(dir, `${name}.db`);
    const { code, stdout, stderr } = await scriba(['run', file, '--db', db, '--json', '--gpus', 'none']);
    expect(code).toBe(0);
    // stderr: the local-run notice once, then one progress line per finished trial
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('scriba: a local run pulls no container images: each trial runs its command on this host (image node:20 is not used); paths in the command must exist here');
    expect(lines.slice(1)).toHaveLength(max);
    expect(lines.at(-1)).toMatch(new RegExp(`^${name}: ${max}/${max} done, 0 active, 0 failed; best \\w+=\\S+ \\(m(in|ax)\\) in ${name}-\\w{8}$`));
    const summary = JSON.parse(stdout) as Summary; // stdout is exactly one JSON object
    expect(summary).toMatchObject({ name, status: 'Succeeded', reason: 'ExperimentMaxTrialsReached' });
    expect(summary.trials).toMatchObject({ total: max, succeeded: max, failed: 0, metricsUnavailable: 0, earlyStopped: 0, killed: 0 });
    expect(summary.bestTrial?.parameterAssignments.map((a) => a.name)).toEqual(params);
    const metrics = summary.bestTrial?.observation.metrics ?? [];
    expect(metrics.map((m) => m.name).sort()).toEqual(['accuracy', 'loss']);
    for (const m of metrics) for (const v of [m.min, m.max, m.latest]) expect(Number.isFinite(Number(v))).toBe(true);

    const trials = await scriba(['get', 'trials', name, '--db', db, '--json']);
    const records = JSON.parse(trials.stdout) as { name: string; parameterAssignments: { name: string; value: string }[] }[];
    expect(records).toHaveLength(max);
    if (file === 'examples/grid.yaml') {
      const points = records.map((r) => r.parameterAssignments.map((a) => a.value).join('/'));
      expect(new Set(points).size).toBe(9);
    }
    const logs = await scriba(['logs', summary.bestTrial!.name, '--db', db]);
    expect(logs.stdout).toContain('training with');
  });

  test('get experiments and get trial show what the store holds', async () => {
    const db = join(dir, 'two-moons-file-json.db');
    const list = await scriba(['get', 'experiments', '--db', db]);
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+REASON\s+TRIALS\s+SUCCEEDED\s+FAILED\s+BEST\(loss\)\s+AGE$/);
    expect(list.stdout).toMatch(/two-moons-file-json\s+Succeeded\s+ExperimentMaxTrialsReached\s+4\s+4\s+0/);
    const trials = await scriba(['get', 'trials', 'two-moons-file-json', '--db', db]);
    const first = trials.stdout.split('\n')[1]!.split(/\s+/)[0]!;
    const trial = await scriba(['get', 'trial', first, '--db', db, '--json']);
    const view = JSON.parse(trial.stdout) as { condition: string; observationLog: { name: string }[] };
    expect(view.condition).toBe('Succeeded');
    expect(view.observationLog.filter((l) => l.name === 'loss')).toHaveLength(2); // epochs 10 and 20
  });

  test('running the same finished experiment again is refused with what to do', async () => {
    const db = join(dir, 'two-moons-grid.db');
    const again = await scriba(['run', 'examples/grid.yaml', '--db', db]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/has already ended \(Succeeded, ExperimentMaxTrialsReached\)/);
  });

  test('invalid input exits 2 with one line per issue', async () => {
    const bad = await scriba(['run', 'test/experiment/fixtures/does-not-exist.yaml']);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read: ENOENT') });
    const flags = await scriba(['run', 'examples/grid.yaml', '--seed', 'x']);
    expect(flags).toMatchObject({ code: 2, stderr: expect.stringContaining('--seed expects an integer >= 0, got "x"') });
    const unknown = await scriba(['resume', 'nope', '--db', join(dir, 'two-moons-grid.db')]);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('no experiment named nope') });
  });
});

describe('scriba run: GPUs and restarts', () => {
  const yaml = (o: { max: number; policy: string; gpus?: number }) =>
    jobExperimentYaml({
      name: 'restartable',
      maxTrialCount: o.max,
      parallelTrialCount: 2,
      spec: `  resumePolicy: ${o.policy}`,
      command: `[sh, -c, 'echo "loss=\${trialParameters.x} gpus=$CUDA_VISIBLE_DEVICES"']`,
      ...(o.gpus ? { container: `                resources: { limits: { nvidia.com/gpu: ${o.gpus} } }` } : {}),
    });

  test('a trial asking for more GPUs than --gpus offers is rejected before anything runs', async () => {
    const { writeFile } = await import('node:fs/promises');
    const file = join(dir, 'gpu.yaml');
    await writeFile(file, yaml({ max: 2, policy: 'Never', gpus: 2 }));
    const result = await scriba(['run', file, '--db', join(dir, 'gpu.db'), '--gpus', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('each trial requests 2 GPU(s) (resources.limits["nvidia.com/gpu"]) but this run has 1 (see --gpus)');
    const ok = await scriba(['run', file, '--db', join(dir, 'gpu.db'), '--gpus', '3,5', '--json']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: 'Succeeded', trials: { succeeded: 2 } });
  });

  test('raising maxTrialCount restarts a LongRunning experiment, not a Never one', async () => {
    const { writeFile } = await import('node:fs/promises');
    for (const policy of ['Never', 'LongRunning']) {
      const file = join(dir, `restart-${policy}.yaml`);
      const db = join(dir, `restart-${policy}.db`);
      await writeFile(file, yaml({ max: 2, policy }));
      expect((await scriba(['run', file, '--db', db, '--json'])).code).toBe(0);
      await writeFile(file, yaml({ max: 4, policy }));
      const again = await scriba(['run', file, '--db', db, '--json']);
      if (policy === 'Never') {
        expect(again).toMatchObject({ code: 2, stderr: expect.stringContaining('resumePolicy Never does not allow a restart') });
      } else {
        expect(again.code).toBe(0);
        expect(JSON.parse(again.stdout)).toMatchObject({ status: 'Succeeded', reason: 'ExperimentMaxTrialsReached', trials: { total: 4, succeeded: 4 } });
        const more = await scriba(['resume', 'restartable', '--db', db, '--max-trial-count', '5', '--json']);
        expect(JSON.parse(more.stdout)).toMatchObject({ trials: { total: 5 } });
      }
    }
  });
});
