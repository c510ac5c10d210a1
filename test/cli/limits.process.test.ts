import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { jobExperimentYaml } from '../support/katib-yaml.js';
import { start, trialsIn, waitFor } from './support.js';

// A Katib parallelTrialCount sized for a cluster, run on one machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-limits-'));
});
afterAll(async () => {
  await writeFile(join(dir, 'gate'), '');
  await rm(dir, { recursive: true, force: true });
});

describe('parallelTrialCount = maxTrialCount = 1,000,000', () => {
  test('at most --max-parallel trials exist and run, a message says so, and SIGTERM stops the run', async () => {
    const gate = join(dir, 'gate');
    const file = join(dir, 'huge.yaml');
    // Each trial waits until the gate file exists, then reports.
    const wait = `while [ ! -e '${gate}' ]; do sleep 0.05; done; echo loss=1`;
    await writeFile(file, jobExperimentYaml({ name: 'huge', maxTrialCount: 1_000_000, parallelTrialCount: 1_000_000, command: `[sh, -c, ${JSON.stringify(wait)}, sh, "\${trialParameters.x}"]` }));
    const db = join(dir, 'huge.db');
    const run = start(['run', file, '--db', db, '--gpus', 'none', '--max-parallel', '3', '--json']);
    await waitFor(() => (trialsIn(db, 'Running')?.length === 3 ? true : undefined), 'three running trials');
    expect(run.stderr()).toContain(
      'scriba: parallelTrialCount 1000000 is more than this machine runs at once; at most 3 trials run together (--max-parallel N to change it)',
    );
    // Rows are created only for the trials that run.
    expect(trialsIn(db, 'Created')).toEqual([]);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(143);
    expect(trialsIn(db, 'Running')).toEqual([]);
    expect(trialsIn(db, 'Created')).toHaveLength(3);
  });
});
