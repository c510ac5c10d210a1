import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { jobExperimentYaml } from '../support/katib-yaml.js';
import { scriba } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-input-limits-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const valid = (name: string) => jobExperimentYaml({ name, maxTrialCount: 1, parallelTrialCount: 1, command: '[sh, -c, "echo loss=$1", sh, "${trialParameters.x}"]' });

describe('input size limits of scriba validate and scriba run', () => {
  test('a 42 MB experiment with a 5-million-value categorical list is refused unread, by both commands', async () => {
    const file = join(dir, 'huge.yaml');
    const list = Array.from({ length: 5_000_000 }, (_, i) => `v${i}`).join(',');
    const text = `${valid('huge')}  # opt: { list: [${list}] }\n`;
    await writeFile(file, text);
    const line = `${file}: (yaml): the experiment is ${Buffer.byteLength(text).toLocaleString('en-US')} bytes, beyond the limit of 4 MiB\n`;
    const validate = await scriba(['validate', file]);
    expect([validate.code, validate.stdout]).toEqual([1, line]);
    const run = await scriba(['run', file, '--db', join(dir, 'huge.db'), '--gpus', 'none']);
    expect([run.code, run.stderr]).toEqual([2, line]);
  });

  test('a file within the size limit whose list exceeds 10,000 values names the field and the limit', async () => {
    const file = join(dir, 'long-list.yaml');
    const list = Array.from({ length: 20_000 }, (_, i) => `v${i}`).join(', ');
    const text = valid('long-list').replace(
      '  parameters:\n',
      `  parameters:\n    - { name: opt, parameterType: categorical, feasibleSpace: { list: [${list}] } }\n`,
    );
    await writeFile(file, text);
    const validate = await scriba(['validate', file]);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain(`${file}: spec.parameters[0].feasibleSpace.list: a list of 20,000 values exceeds the limit of 10,000 values\n`);
  });

  test('a grid step of 1e-300: scriba validate and scriba run refuse it with the same line, before any trial', async () => {
    const file = join(dir, 'fine-grid.yaml');
    const text = valid('fine-grid')
      .replace('algorithmName: random, algorithmSettings: [{ name: random_state, value: "3" }]', 'algorithmName: grid')
      .replace('feasibleSpace: { min: "0", max: "1" }', 'feasibleSpace: { min: "0", max: "1", step: "1e-300" }');
    await writeFile(file, text);
    const line = `${file}: spec.parameters[0].feasibleSpace.step: grid of 1e300 points for parameter "x" exceeds the limit of 10,000,000 points per parameter\n`;
    const validate = await scriba(['validate', file]);
    expect([validate.code, validate.stdout]).toEqual([1, line]);
    const run = await scriba(['run', file, '--db', join(dir, 'grid.db'), '--gpus', 'none']);
    expect([run.code, run.stderr, run.stdout]).toEqual([2, line, '']);
  });
});
