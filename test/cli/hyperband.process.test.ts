import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { scriba } from './support.js';

// examples/hyperband.yaml end to end: the built bin, real trial processes, a real SQLite file.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-hyperband-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('examples/hyperband.yaml runs its 69 trials, rung by rung, and ends when the last bracket has', async () => {
  const db = join(dir, 'hb.db');
  const { code, stdout, stderr } = await scriba(['run', 'examples/hyperband.yaml', '--db', db, '--json', '--gpus', 'none']);
  expect(code, stderr).toBe(0);
  const summary = JSON.parse(stdout) as { status: string; reason: string; message?: string; trials: Record<string, number> };
  expect(summary).toMatchObject({ status: 'Succeeded', reason: 'ExperimentSuggestionEndReached' });
  expect(JSON.stringify(summary)).toContain("Hyperband's last bracket (s = 0) has ended");
  expect(summary.trials).toMatchObject({ total: 69, succeeded: 69 });

  const trials = await scriba(['get', 'trials', 'two-moons-hyperband', '--db', db, '--json']);
  const records = JSON.parse(trials.stdout) as { parameterAssignments: { name: string; value: string }[] }[];
  const epochs = new Map<string, number>();
  for (const r of records) {
    const e = r.parameterAssignments.find((a) => a.name === 'epochs')?.value ?? '';
    epochs.set(e, (epochs.get(e) ?? 0) + 1);
  }
  // R = 27, η = 3: 27 trials on 1 epoch, 9 + 12 on 3, 3 + 4 + 6 on 9, 1 + 1 + 2 + 4 on 27.
  expect(Object.fromEntries(epochs)).toEqual({ '1': 27, '3': 21, '9': 13, '27': 8 });
}, 120_000);
