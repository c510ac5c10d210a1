import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { scribaOut, tempDirForFile } from '../support/cli.js';

// `scriba run` of an Experiment with medianstop: the built bin, real trial processes, a real SQLite file.
const tmp = tempDirForFile('scriba-es-cli-');
const scriba = scribaOut;

interface StoredTrial {
  name: string;
  condition: string;
  conditions: Array<{ type: string; reason: string; message: string }>;
  observationLog: Array<{ name: string; value: string }>;
}

describe('scriba run with earlyStopping medianstop', () => {
  test('examples/median-stop.yaml records EarlyStopped trials whose logs end at the decision', async () => {
    const db = join(tmp(), 'es.db');
    const summary = JSON.parse(await scriba(['run', 'examples/median-stop.yaml', '--db', db, '--json', '--gpus', 'none', '--seed', '1']));
    expect(summary).toMatchObject({ status: 'Succeeded', reason: 'ExperimentMaxTrialsReached' });
    expect(summary.trials.total).toBe(12);
    expect(summary.trials.earlyStopped).toBeGreaterThan(0);
    expect(summary.trials.succeeded + summary.trials.earlyStopped).toBe(12);
    const trials = JSON.parse(await scriba(['get', 'trials', 'two-moons-median-stop', '--db', db, '-o', 'json'])) as { items?: StoredTrial[] } | StoredTrial[];
    const list = Array.isArray(trials) ? trials : (trials.items ?? []);
    const stopped = list.filter((t) => t.condition === 'EarlyStopped');
    expect(stopped).toHaveLength(summary.trials.earlyStopped);
    for (const t of stopped) {
      const full = JSON.parse(await scriba(['get', 'trial', t.name, '--db', db, '-o', 'json'])) as StoredTrial;
      expect(full.conditions.at(-1)).toMatchObject({ type: 'EarlyStopped', reason: 'TrialEarlyStopped', message: 'Trial is early stopped' });
      // 20 epochs, one loss line each: a stopped trial reported at least start_step (3) and fewer than 20.
      const losses = full.observationLog.filter((l) => l.name === 'loss').length;
      expect(losses).toBeGreaterThanOrEqual(3);
      expect(losses).toBeLessThan(20);
    }
  });
});
