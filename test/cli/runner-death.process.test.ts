import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { jobExperimentYaml } from '../support/katib-yaml.js';
import { start, trialProcesses, waitFor } from './support.js';

// kill -9 of `scriba run` while its trials run: the trials, and the children they forked,
// end with it instead of running on until a resume.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-death-'));
});
afterAll(async () => {
  for (const pid of trialProcesses('death')) process.kill(pid, 'SIGKILL');
  await rm(dir, { recursive: true, force: true });
});


test('kill -9 of the runner ends its trial processes and their children', async () => {
  const sleepForever = `setTimeout(() => {}, 600000)`;
  const trial = `require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(sleepForever)}], { stdio: 'ignore' }); ${sleepForever}`;
  const file = join(dir, 'death.yaml');
  await writeFile(
    file,
    jobExperimentYaml({ name: 'death', maxTrialCount: 2, parallelTrialCount: 2, command: `[${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(trial)}, "\${trialParameters.x}"]` }),
  );
  const run = start(['run', file, '--db', join(dir, 'scriba.db'), '--gpus', 'none'], dir);
  // two trials, each with a forked child
  await waitFor(() => (trialProcesses('death').length >= 4 ? true : undefined), 'two trials and their children to run').catch((e) => {
    throw new Error(`${e.message}: ${run.stdout()} ${run.stderr()}`);
  });
  run.child.kill('SIGKILL');
  await run.exited;
  await waitFor(() => (trialProcesses('death').length === 0 ? true : undefined), 'the trial processes to end', 60_000);
  expect(trialProcesses('death')).toEqual([]);
}, 120_000);
