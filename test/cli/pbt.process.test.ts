import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { scribaOut, tempDirForFile } from '../support/cli.js';
import { PBT_GENERATION_LABEL, PBT_PARENT_LABEL } from '../../algorithms/pbt/labels.js';

// `scriba run examples/pbt.yaml`: the built bin, real trial processes resuming from
// checkpoint directories under the store's folder, a real SQLite file.
const tmp = tempDirForFile('scriba-pbt-cli-');
const scriba = scribaOut;

interface StoredTrial {
  name: string;
  labels?: Record<string, string>;
  observation?: { metrics: Array<{ name: string; latest: string }> };
}

describe('scriba run with pbt', () => {
  test("each trial resumes from a copy of its parent's checkpoint, under the store's folder", async () => {
    const db = join(tmp(), 'pbt.db');
    const summary = JSON.parse(await scriba(['run', 'examples/pbt.yaml', '--db', db, '--json', '--gpus', 'none', '--seed', '3']));
    expect(summary).toMatchObject({ status: 'Succeeded', reason: 'ExperimentMaxTrialsReached' });
    expect(summary.trials).toMatchObject({ total: 60, succeeded: 60 });
    const listed = JSON.parse(await scriba(['get', 'trials', 'pbt-toy', '--db', db, '-o', 'json'])) as { items?: StoredTrial[] } | StoredTrial[];
    const names = (Array.isArray(listed) ? listed : (listed.items ?? [])).map((t) => t.name);
    const trials = await Promise.all(names.map(async (n) => JSON.parse(await scriba(['get', 'trial', n, '--db', db, '-o', 'json'])) as StoredTrial));
    const byName = new Map(trials.map((t) => [t.name, t]));
    let children = 0;
    for (const t of trials) {
      const generation = Number(t.labels?.[PBT_GENERATION_LABEL]);
      const parent = t.labels?.[PBT_PARENT_LABEL];
      const saved = JSON.parse(readFileSync(join(tmp(), 'checkpoints', 'pbt-toy', t.name, 'theta.json'), 'utf8')) as { step: number };
      if (parent === undefined) {
        expect(saved.step).toBe(4); // generation 0 starts from scratch: 4 steps
        continue;
      }
      children++;
      // A child went on from its parent's checkpoint: 4 more steps than the parent's.
      const parentSaved = JSON.parse(readFileSync(join(tmp(), 'checkpoints', 'pbt-toy', parent, 'theta.json'), 'utf8')) as { step: number };
      expect(saved.step).toBe(parentSaved.step + 4);
      expect(Number(byName.get(parent)?.labels?.[PBT_GENERATION_LABEL])).toBe(generation - 1);
    }
    expect(children).toBeGreaterThan(0);
    // 60 trial processes and 60 `scriba get trial` calls: a bound for a stuck run, not a timing.
  }, 240_000);
});
