import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadObjective } from '../../src/cli/worker.js';

// `scriba worker --objective MODULE#EXPORT`: which function a worker runs, and what it says when it cannot.
const dir = mkdtempSync(join(tmpdir(), 'scriba-objective-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const module = join(dir, 'train.mjs');
writeFileSync(module, 'export function train() { return 1; }\nexport const rate = 3;\nexport default function fallback() { return 2; }\n');

describe('loadObjective', () => {
  test('MODULE#EXPORT names a function; without #, the default export', async () => {
    expect((await loadObjective(`${module}#train`)).name).toBe('train');
    expect((await loadObjective(module)).name).toBe('fallback');
  });

  test('a missing file, a missing or non-function export and a module that throws are clear errors naming --objective', async () => {
    await expect(loadObjective(join(dir, 'nope.mjs#train'))).rejects.toThrow(`--objective: ${join(dir, 'nope.mjs')} does not exist (expected MODULE#EXPORT, e.g. ./train.js#objective)`);
    await expect(loadObjective(`${module}#rate`)).rejects.toThrow(`--objective: ${module} has no function export "rate" (its functions: train, default)`);
    await expect(loadObjective(`${module}#evaluate`)).rejects.toThrow('has no function export "evaluate"');
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, 'throw new Error("CUDA not found");\n');
    await expect(loadObjective(`${broken}#x`)).rejects.toThrow(`--objective: cannot load ${broken}: CUDA not found`);
  });
});
