import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { jobExperimentYaml } from '../support/katib-yaml.js';
import { scriba } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-template-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('scriba validate checks what scriba run checks about the template', () => {
  test('a primaryContainerName naming no container: both commands refuse it with the same line', async () => {
    const file = join(dir, 'wrong-container.yaml');
    const yaml = jobExperimentYaml({ name: 'wrong-container', maxTrialCount: 1, parallelTrialCount: 1, command: '[sh, -c, "echo loss=1", sh, "${trialParameters.x}"]' });
    await writeFile(file, yaml.replace('primaryContainerName: main', 'primaryContainerName: trainer'));
    const line = `${file}: spec.trialTemplate.primaryContainerName: Job: no container named "trainer" in spec.template.spec.containers; found "main"`;

    const validate = await scriba(['validate', file]);
    expect([validate.code, validate.stdout]).toEqual([1, `${line}\n`]);

    const run = await scriba(['run', file, '--db', join(dir, 'wrong.db'), '--gpus', 'none']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${line}\n`);
    expect(run.stdout).toBe('');
  });
});
