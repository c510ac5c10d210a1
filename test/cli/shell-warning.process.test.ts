import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { scriba } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-shell-warning-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Two trials over a categorical `opt`, whose container `main` runs `command` (a YAML flow list). */
function yaml(name: string, command: string): string {
  return `apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: { name: ${name} }
spec:
  objective: { type: minimize, objectiveMetricName: loss }
  algorithm: { algorithmName: grid }
  parallelTrialCount: 1
  maxTrialCount: 2
  parameters:
    - { name: opt, parameterType: categorical, feasibleSpace: { list: [plain, "$(echo injected)"] } }
  trialTemplate:
    primaryContainerName: main
    trialParameters: [{ name: optimizer, reference: opt }]
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            containers:
              - name: main
                image: busybox
                command: ${command}
            restartPolicy: Never
`;
}

const WARNING =
  'warning: spec.trialTemplate.trialSpec: categorical parameter "opt" is substituted as it is into the shell command string of container "main" (sh -c), ' +
  'and its value "$(echo injected)" holds characters the shell interprets; ' +
  `pass it as a separate argument and read it as "$1": [sh, -c, '... "$1" ...', sh, '\${trialParameters.optimizer}']`;

describe('a categorical value substituted into a shell command string', () => {
  test('scriba validate warns once on stderr, and the experiment is still valid', async () => {
    const file = join(dir, 'unsafe.yaml');
    await writeFile(file, yaml('unsafe', `[sh, -c, 'echo "opt=\${trialParameters.optimizer}"; echo loss=1']`));
    const result = await scriba(['validate', file]);
    expect(result).toEqual({ code: 0, stdout: `${file}: valid\n`, stderr: `${file}: ${WARNING}\n` });
  });

  test('scriba run warns once for the experiment, not once per trial, and runs as Katib would', async () => {
    const file = join(dir, 'unsafe-run.yaml');
    await writeFile(file, yaml('unsafe-run', `[sh, -c, 'echo "opt=\${trialParameters.optimizer}"; echo loss=1']`));
    const result = await scriba(['run', file, '--db', join(dir, 'run.db'), '--gpus', 'none', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr.split(WARNING)).toHaveLength(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'Succeeded', trials: { succeeded: 2 } });
  });

  test('the safe form, the value as a separate argument read as "$1", gets no warning', async () => {
    const file = join(dir, 'safe.yaml');
    await writeFile(file, yaml('safe', `[sh, -c, 'echo "opt=$1"; echo loss=1', sh, '\${trialParameters.optimizer}']`));
    expect(await scriba(['validate', file])).toEqual({ code: 0, stdout: `${file}: valid\n`, stderr: '' });
  });
});
