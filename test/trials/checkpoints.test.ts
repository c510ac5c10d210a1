import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { PBT_PARENT_LABEL } from '../../algorithms/pbt/labels.js';
import type { TrialRecord } from '../../src/trial/types.js';
import { checkpointDirectories } from '../../trials/checkpoints.js';
import { makeExperiment } from '../support/experiment.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'scriba-checkpoints-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const trial = (name: string, parent?: string): TrialRecord => ({
  name,
  parameterAssignments: [],
  condition: 'Created',
  conditions: [],
  creationTime: '',
  ...(parent ? { labels: { [PBT_PARENT_LABEL]: parent } } : {}),
});

const pbt = makeExperiment({ algorithm: { algorithmName: 'pbt', algorithmSettings: [{ name: 'suggestion_trial_dir', value: '/var/log/katib/checkpoints' }] } });

describe('checkpoint directories', () => {
  test('none without suggestion_trial_dir', () => {
    expect(checkpointDirectories(root, makeExperiment())).toBeUndefined();
  });

  test("a trial starts empty, or from a copy of its parent's directory; the parent's stays as it was", () => {
    const prepare = checkpointDirectories(root, pbt) as (t: TrialRecord) => string;
    const a = prepare(trial('a'));
    expect(a).toBe(join(root, 'loop-test', 'a'));
    expect(existsSync(a)).toBe(true);
    writeFileSync(join(a, 'theta.json'), '[0.5, 0.5]');
    const b = prepare(trial('b', 'a'));
    expect(readFileSync(join(b, 'theta.json'), 'utf8')).toBe('[0.5, 0.5]');
    writeFileSync(join(b, 'theta.json'), '[0.1, 0.1]');
    expect(readFileSync(join(a, 'theta.json'), 'utf8')).toBe('[0.5, 0.5]');
  });

  test('a trial that runs again keeps what it wrote; a parent that left nothing gives an empty directory', () => {
    const prepare = checkpointDirectories(root, pbt) as (t: TrialRecord) => string;
    const b = prepare(trial('b', 'gone'));
    expect(existsSync(b)).toBe(true);
    writeFileSync(join(b, 'step'), '7');
    expect(readFileSync(join(prepare(trial('b', 'gone')), 'step'), 'utf8')).toBe('7');
  });

  test('names that would leave the folder are refused', () => {
    const prepare = checkpointDirectories(root, pbt) as (t: TrialRecord) => string;
    expect(() => prepare(trial('..'))).toThrow(/cannot name a trial directory/);
  });
});
