import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { PBT_PARENT_LABEL } from '../../algorithms/pbt/labels.js';
import { search, tune } from '../../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scriba-tune-ckpt-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const options = {
  parameters: { h: search.double({ min: 0, max: 1, step: 0.1 }) },
  objectiveType: 'maximize',
  objectiveMetricName: 'steps',
  algorithm: 'pbt',
  algorithmSettings: { suggestion_trial_dir: '/ckpt', n_population: 5, truncation_threshold: 0.2 },
  maxTrialCount: 15,
  parallelTrialCount: 5,
  seed: 4,
} as const;

describe('tune() with pbt: checkpoint directories', () => {
  test("the objective gets its directory, holding a copy of its parent's; without a store it is removed at the end", async () => {
    const seen = new Map<string, { dir: string; before: number }>();
    const result = await tune({
      ...options,
      objective: (_p, { trialName, checkpointDir }) => {
        const file = join(checkpointDir as string, 'steps');
        const before = existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
        writeFileSync(file, String(before + 1));
        seen.set(trialName, { dir: checkpointDir as string, before });
        return { steps: before + 1 };
      },
    });
    expect(result.trials).toHaveLength(15);
    for (const trial of result.trials) {
      const parent = trial.labels?.[PBT_PARENT_LABEL];
      const mine = seen.get(trial.name);
      expect(mine?.before).toBe(parent === undefined ? 0 : (seen.get(parent)?.before as number) + 1);
    }
    const root = dirname(dirname(seen.get(result.trials[0]?.name as string)?.dir as string));
    expect(existsSync(root)).toBe(false);
  });

  test("with a store, the directories live beside it, in checkpoints/", async () => {
    const store = join(dir, 'tune.db');
    let where = '';
    await tune({
      ...options,
      maxTrialCount: 5,
      store,
      objective: (_p, { checkpointDir }) => {
        where = checkpointDir as string;
        return { steps: 1 };
      },
    });
    expect(dirname(dirname(where))).toBe(join(dir, 'checkpoints'));
    expect(existsSync(where)).toBe(true);
  });
});
