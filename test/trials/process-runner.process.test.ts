import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Experiment, MetricsCollectorSpec } from '../../src/experiment/types.js';
import type { TrialOutcome } from '../../src/loop/state.js';
import type { MetricLog, TrialRecord } from '../../src/trial/types.js';
import type { CollectorSpec } from '../../metrics-collector/types.js';
import { createGpuPool, type GpuPool } from '../../trials/gpus.js';
import { createProcessRunner, trialDirectory, type CollectorFactory, type ProcessRunnerOptions } from '../../trials/process-runner.js';
import { makeExperiment } from '../support/experiment.js';
import { isAlive, until } from '../support/processes.js';

const NODE = process.execPath;
let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'scriba-process-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** A Node script in the temp dir; returns its path. */
function script(name: string, source: string): string {
  const path = join(tmp, name);
  writeFileSync(path, source);
  return path;
}

interface Recorded {
  spec: CollectorSpec;
  trialDir: string;
  output: string;
  finished: boolean;
}

/** Records what it is fed; on finish reports every `name=number` of stdout (or of the File). */
function fakeCollector(finishError?: Error) {
  const made: Recorded[] = [];
  const factory: CollectorFactory = (spec, report, trialDir) => {
    const rec: Recorded = { spec, trialDir, output: '', finished: false };
    made.push(rec);
    return {
      stdout: (chunk) => void (rec.output += chunk.toString()),
      stderr: (chunk) => void (rec.output += chunk.toString()),
      async finish() {
        rec.finished = true;
        if (finishError) throw finishError;
        const text = spec.kind === 'File' ? readFileSync(spec.path as string, 'utf8') : rec.output;
        const timeStamp = new Date().toISOString();
        report([...text.matchAll(/(\w+)=([\d.]+)/g)].map((m) => ({ timeStamp, name: m[1] as string, value: m[2] as string })));
      },
    };
  };
  return { made, factory };
}

type ContainerFields = Record<string, unknown>;

function experiment(fields: ContainerFields, options: { kind?: string; collector?: MetricsCollectorSpec } = {}): Experiment {
  const container = { name: 'main', image: 'local', ...fields };
  const pod = { template: { spec: { containers: [container] } } };
  const kind = options.kind ?? 'Job';
  return makeExperiment({
    parameters: [{ name: 'lr', parameterType: 'double', feasibleSpace: { min: '0', max: '1' } }],
    metricsCollectorSpec: options.collector ?? { collector: { kind: 'StdOut' } },
    trialTemplate: {
      primaryContainerName: 'main',
      trialParameters: [{ name: 'lr', reference: 'lr' }],
      trialSpec:
        kind === 'PyTorchJob'
          ? { apiVersion: 'kubeflow.org/v1', kind, spec: { pytorchReplicaSpecs: { Master: { replicas: 1, ...pod } } } }
          : { apiVersion: 'batch/v1', kind, spec: pod },
    },
  });
}

function trial(name: string, lr = '0.5'): TrialRecord {
  return { name, parameterAssignments: [{ name: 'lr', value: lr }], condition: 'Running', conditions: [], creationTime: new Date().toISOString() };
}

function setup(options: Partial<ProcessRunnerOptions> = {}, finishError?: Error) {
  const collector = fakeCollector(finishError);
  const workDir = join(tmp, 'work');
  const runner = createProcessRunner({ workDir, collector: collector.factory, env: { PATH: process.env.PATH }, ...options });
  const run = async (e: Experiment, name = 't1', lr?: string) => {
    const logs: MetricLog[] = [];
    const outcome: TrialOutcome = await runner.run({ experiment: e, trial: trial(name, lr), report: (l) => logs.push(...l), signal: new AbortController().signal });
    return { outcome, logs, dir: trialDirectory(workDir, e.metadata.name, name) };
  };
  return { runner, run, collector, workDir };
}

/** Runs a script that prints its argv, cwd and environment as JSON, and returns them. */
const PRINT = `console.log(JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), env: process.env }));`;
function printed(out: string): { argv: string[]; cwd: string; env: Record<string, string | undefined> } {
  return JSON.parse(out.trim().split('\n').pop() as string);
}

describe('process runner: outcomes', () => {
  it('completes a trial, teeing its output to output.log and the StdOut collector', async () => {
    const train = script('train.cjs', `console.log('epoch 1 loss=0.9'); console.error('a warning'); console.log('loss=0.5');`);
    const { run, collector } = setup();
    const { outcome, logs, dir } = await run(experiment({ command: [NODE, train] }));
    expect(outcome).toEqual({ status: 'completed' });
    expect(logs.map((l) => `${l.name}=${l.value}`)).toEqual(['loss=0.9', 'loss=0.5']);
    const rec = collector.made[0] as Recorded;
    expect(rec.spec).toEqual({ kind: 'StdOut', format: 'TEXT', metricNames: ['loss'] });
    expect(rec.trialDir).toBe(dir);
    expect(rec.output).toContain('a warning');
    expect(rec.finished).toBe(true);
    expect(readFileSync(join(dir, 'output.log'), 'utf8')).toMatch(/epoch 1 loss=0.9[\s\S]*a warning|a warning[\s\S]*epoch 1/);
    expect(readFileSync(join(dir, 'pid'), 'utf8')).toMatch(/^\d+\n$/);
  });

  it('fails a trial whose collector fails, with its message', async () => {
    const { run } = setup({}, new Error('metrics.log line 3: not JSON'));
    const { outcome } = await run(experiment({ command: [NODE, '-e', 'console.log(1)'] }));
    expect(outcome).toEqual({ status: 'failed', reason: 'TrialFailed', message: 'metrics.log line 3: not JSON' });
  });

  it('fails a non-zero exit with the code and the last lines of output', async () => {
    const crash = script('crash.cjs', `console.log('loading'); console.error('Traceback: boom'); process.exit(3);`);
    const { outcome } = await setup().run(experiment({ command: [NODE, crash] }));
    expect(outcome).toEqual({ status: 'failed', reason: 'TrialFailed', message: 'exit code 3; last output:\nloading\nTraceback: boom' });
  });

  it('fails a process killed by a signal', async () => {
    // Kubernetes reduces `$$` to `$` in commands, so the shell's own pid is `$$$$` (as in Katib's wrapper, §6).
    const { outcome } = await setup().run(experiment({ command: ['sh', '-c', 'kill -TERM $$$$'] }));
    expect(outcome).toMatchObject({ status: 'failed', message: 'killed by SIGTERM' });
  });

  it.each([
    ['a missing file', () => [join(tmp, 'no-such-program')], 'ENOENT'],
    ['a name not on PATH', () => ['scriba-no-such-command-xyz'], 'ENOENT'],
    ['a file that is not executable', () => [script('plain.sh', 'echo hi'), 'x'], 'EACCES'],
  ])('fails %s with the reason it cannot start', async (_what, command, code) => {
    const argv = command();
    const { outcome } = await setup().run(experiment({ command: argv }));
    expect(outcome).toEqual({ status: 'failed', reason: 'TrialFailed', message: `cannot start "${argv[0]}": ${code}` });
  });

  it('fails an argument the OS cannot take (a NUL byte) before starting anything', async () => {
    const { outcome } = await setup().run(experiment({ command: ['echo', '${trialParameters.lr}'] }), 't1', 'a\u0000b');
    expect(outcome).toMatchObject({ status: 'failed', message: expect.stringMatching(/^cannot start "echo": .*null bytes/) });
  });

  it('ends what the main process left running when it exits, as a container does', async () => {
    const pidFile = join(tmp, 'background.pid');
    const command = ['sh', '-c', `"${NODE}" -e "setInterval(() => {}, 1000)" & echo $! > "${pidFile}"; echo loss=1`];
    const { outcome } = await setup().run(experiment({ command }));
    expect(outcome).toEqual({ status: 'completed' });
    const background = Number(readFileSync(pidFile, 'utf8'));
    await until(() => !isAlive(background));
  });

  it('fails a container without a command, as the image entrypoint is unknown', async () => {
    const { outcome } = await setup().run(experiment({ args: ['--lr=1'] }));
    expect(outcome).toMatchObject({ status: 'failed', message: expect.stringMatching(/container "main" has no command; .*image local/) });
  });

  it('fails a collector kind local runs do not support', async () => {
    const collector = { collector: { kind: 'TensorFlowEvent' }, source: { fileSystemPath: { path: '/tmp/tf', kind: 'Directory' as const } } };
    const { outcome } = await setup().run(experiment({ command: ['true'] }, { collector }));
    expect(outcome).toMatchObject({ status: 'failed', message: 'metrics collector kind TensorFlowEvent is not supported by local runs; use StdOut or File' });
  });
});

describe('process runner: timeouts and stopping', () => {
  it('kills the whole process tree on timeout', async () => {
    const tree = script(
      'tree.cjs',
      `const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
       require('fs').writeFileSync(process.argv[2], String(c.pid));
       setInterval(() => {}, 1000);`,
    );
    const pidFile = join(tmp, 'grandchild.pid');
    // The tree never ends by itself: the run returns only because the timeout killed it.
    const { outcome, dir } = await setup({ timeoutMs: 1500 }).run(experiment({ command: ['sh', '-c', `"${NODE}" "${tree}" "${pidFile}"; echo never`] }));
    expect(outcome).toEqual({ status: 'failed', reason: 'TrialFailed', message: 'timed out after 1.5 s' });
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    const shell = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    await until(() => !isAlive(grandchild) && !isAlive(shell));
  });

  it('sends SIGKILL after the grace period to a process that ignores SIGTERM', async () => {
    const stubborn = script('stubborn.cjs', `process.on('SIGTERM', () => console.log('ignored')); setInterval(() => {}, 1000);`);
    const started = Date.now();
    const { outcome } = await setup({ timeoutMs: 800, killGraceMs: 300 }).run(experiment({ command: [NODE, stubborn] }));
    expect(outcome).toMatchObject({ status: 'failed', message: 'timed out after 0.8 s' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1100);
  });

  it('stops running trials, and refuses trials after stop()', async () => {
    const { runner, run } = setup();
    const pending = run(experiment({ command: [NODE, '-e', 'setInterval(() => {}, 1000)'] }));
    await until(() => existsSync(join(tmp, 'work', 'loop-test', 't1', 'pid')));
    runner.stop();
    expect((await pending).outcome).toMatchObject({ status: 'failed', message: 'stopped by the runner' });
    expect((await run(experiment({ command: ['true'] }), 't2')).outcome).toMatchObject({ message: /runner was stopped/ });
  });
});

describe('process runner: command and environment', () => {
  it('passes a value with shell metacharacters verbatim to a command run without a shell', async () => {
    const print = script('print.cjs', PRINT);
    const value = `1; touch ${tmp}/pwned && echo "q" 'q' \\ $HOME \`id\` $(nothing)`;
    const { run, collector } = setup();
    const { outcome } = await run(experiment({ command: [NODE, print], args: ['--lr=${trialParameters.lr}'] }), 't1', value);
    expect(outcome).toEqual({ status: 'completed' });
    expect(printed((collector.made[0] as Recorded).output).argv).toEqual([`--lr=${value}`]);
    expect(existsSync(join(tmp, 'pwned'))).toBe(false);
  });

  it('shows a checkpoint directory in SCRIBA_CHECKPOINT_DIR and at the suggestion_trial_dir the template mounts', async () => {
    const print = script('print.cjs', PRINT);
    const e = experiment({ command: [NODE, print], args: ['--ckpt=/var/log/katib/checkpoints/model.pt'], env: [{ name: 'CKPT', value: '/var/log/katib/checkpoints' }] });
    e.spec.algorithm = { algorithmName: 'pbt', algorithmSettings: [{ name: 'suggestion_trial_dir', value: '/var/log/katib/checkpoints' }] };
    const { runner, collector } = setup();
    const checkpointDir = join(tmp, 'ckpt', 't1');
    const outcome = await runner.run({ experiment: e, trial: trial('t1'), report: () => undefined, signal: new AbortController().signal, checkpointDir });
    expect(outcome).toEqual({ status: 'completed' });
    const { argv, env } = printed((collector.made[0] as Recorded).output);
    expect(argv).toEqual([`--ckpt=${checkpointDir}/model.pt`]);
    expect(env.CKPT).toBe(checkpointDir);
    expect(env.SCRIBA_CHECKPOINT_DIR).toBe(checkpointDir);
  });

  it('reports argv, Kubernetes $(VAR) references, container env and KATIB_TRIAL_NAME', async () => {
    const print = script('print.cjs', PRINT);
    const { run, collector } = setup({ env: { PATH: process.env.PATH, BASE: 'inherited', FOO: 'host' } });
    const env = [
      { name: 'FOO', value: 'bar' },
      { name: 'REF', value: '$(FOO)-x' },
      { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      { name: 'EMPTY' },
    ];
    const args = ['--lr=${trialParameters.lr}', '$(FOO)', '$$(FOO)', '$(MISSING)', '$(KATIB_TRIAL_NAME)', '$HOME; rm -rf /'];
    const { outcome } = await run(experiment({ command: [NODE, print], args, env }), 'trial-7', '1; touch pwned');
    expect(outcome).toEqual({ status: 'completed' });
    const out = printed((collector.made[0] as Recorded).output);
    expect(out.argv).toEqual(['--lr=1; touch pwned', 'bar', '$(FOO)', '$(MISSING)', 'trial-7', '$HOME; rm -rf /']);
    expect(out.env).toMatchObject({ KATIB_TRIAL_NAME: 'trial-7', FOO: 'bar', REF: 'bar-x', EMPTY: '', BASE: 'inherited' });
    expect(out.env.SECRET).toBeUndefined();
    expect(out.env.CUDA_VISIBLE_DEVICES).toBeUndefined(); // no pool: GPUs are not assigned
    expect(out.env.MASTER_ADDR).toBeUndefined();
  });

  it('runs sh -c commands as written', async () => {
    const { run, collector } = setup();
    const { outcome, logs, dir } = await run(experiment({ command: ['sh', '-c'], args: ['echo "loss=$((1+2))"; echo "trial=$KATIB_TRIAL_NAME" >&2'] }));
    expect(outcome).toEqual({ status: 'completed' });
    expect(logs.map((l) => l.value)).toEqual(['3']);
    expect((collector.made[0] as Recorded).output).toContain('trial=t1');
    expect(readFileSync(join(dir, 'output.log'), 'utf8')).toContain('trial=t1');
  });

  it.each([
    ['no workingDir', undefined, (dir: string) => dir],
    ['a relative workingDir', 'sub/dir', (dir: string) => join(dir, 'sub/dir')],
    ['an absolute workingDir that exists', '<tmp>', () => tmp],
    ['an absolute workingDir that does not exist', '/scriba-missing/app', (dir: string) => join(dir, 'scriba-missing/app')],
  ])('runs in the trial directory with %s', async (_what, workingDir, expected) => {
    const print = script('print.cjs', PRINT);
    const { run, collector } = setup();
    const wd = workingDir === '<tmp>' ? tmp : workingDir;
    const { dir } = await run(experiment({ command: [NODE, print], ...(wd ? { workingDir: wd } : {}) }));
    expect(printed((collector.made[0] as Recorded).output).cwd).toBe(expected(dir));
  });

  it('moves the File collector path (the Katib metrics volume) into the trial directory', async () => {
    const writer = script(
      'writer.cjs',
      `const path = process.argv.find((a) => a.startsWith('--log=')).slice(6);
       require('fs').writeFileSync(path, 'loss=0.25\\n');
       console.log(JSON.stringify({ path, dir: process.env.LOG_DIR, other: process.env.OTHER }));`,
    );
    const collectorSpec = {
      collector: { kind: 'File' },
      source: { fileSystemPath: { path: '/var/log/katib/x.log', kind: 'File' as const, format: 'TEXT' as const } },
    };
    const env = [
      { name: 'LOG_DIR', value: '/var/log/katib' },
      { name: 'OTHER', value: '/var/log/katib2:/opt/var/log/katib' },
    ];
    const { run, collector } = setup();
    const e = experiment({ command: [NODE, writer, '--log=/var/log/katib/x.log'], env }, { collector: collectorSpec });
    const { outcome, logs, dir } = await run(e);
    expect(outcome).toEqual({ status: 'completed' });
    const rec = collector.made[0] as Recorded;
    expect(rec.spec).toEqual({ kind: 'File', format: 'TEXT', path: join(dir, 'var/log/katib/x.log'), metricNames: ['loss'] });
    expect(JSON.parse(rec.output)).toEqual({
      path: join(dir, 'var/log/katib/x.log'),
      dir: join(dir, 'var/log/katib'),
      other: '/var/log/katib2:/opt/var/log/katib',
    });
    expect(readFileSync(join(dir, 'var/log/katib/x.log'), 'utf8')).toBe('loss=0.25\n');
    expect(logs.map((l) => l.value)).toEqual(['0.25']);
  });
});

describe('process runner: GPUs', () => {
  const GPU_TRIAL = `const fs = require('fs'); const dir = process.argv[2]; const name = process.env.KATIB_TRIAL_NAME;
    // written aside and renamed, so that the test never reads a file created but not yet written
    fs.writeFileSync(dir + '/' + name + '.part', process.env.CUDA_VISIBLE_DEVICES + '|' + process.env.NVIDIA_VISIBLE_DEVICES);
    fs.renameSync(dir + '/' + name + '.part', dir + '/' + name + '.started');
    // released by the test, or ended once the test's folder is gone (a failed test releases nothing)
    const timer = setInterval(() => { if (fs.existsSync(dir + '/' + name + '.release') || !fs.existsSync(dir)) { clearInterval(timer); } }, 20);`;
  const gpuExperiment = (gpus: number | string, kind?: string) =>
    experiment(
      { command: [NODE, join(tmp, 'gpu.cjs'), tmp], resources: { limits: { 'nvidia.com/gpu': gpus } } },
      kind ? { kind } : {},
    );
  const started = (name: string) => join(tmp, `${name}.started`);
  const devices = (name: string) => readFileSync(started(name), 'utf8');

  it('gives trials different devices and makes a third wait until one finishes', async () => {
    script('gpu.cjs', GPU_TRIAL);
    const pool: GpuPool = createGpuPool(['0', '1']);
    const { run } = setup({ gpus: pool });
    const a = run(gpuExperiment(1), 'a');
    const b = run(gpuExperiment('1'), 'b');
    await until(() => existsSync(started('a')) && existsSync(started('b')));
    const c = run(gpuExperiment(1), 'c');
    expect([devices('a'), devices('b')].sort()).toEqual(['0|0', '1|1']);
    await new Promise((r) => setTimeout(r, 400));
    expect(existsSync(started('c'))).toBe(false);
    writeFileSync(join(tmp, 'a.release'), '');
    expect((await a).outcome).toEqual({ status: 'completed' });
    await until(() => existsSync(started('c')));
    expect(devices('c')).toBe(devices('a'));
    writeFileSync(join(tmp, 'b.release'), '');
    writeFileSync(join(tmp, 'c.release'), '');
    expect((await Promise.all([b, c])).map((r) => r.outcome.status)).toEqual(['completed', 'completed']);
    expect(pool.available).toBe(2);
  });

  it('hides GPUs from a trial that asks for none, and fails one that asks for too many', async () => {
    script('gpu.cjs', GPU_TRIAL);
    writeFileSync(join(tmp, 'none.release'), '');
    const { run } = setup({ gpus: createGpuPool(['0', '1']) });
    expect((await run(gpuExperiment(0), 'none')).outcome).toEqual({ status: 'completed' });
    expect(devices('none')).toBe('|');
    expect((await run(gpuExperiment(3), 'big')).outcome).toMatchObject({
      status: 'failed',
      message: 'the trial requests 3 GPUs (nvidia.com/gpu) but this runner has 2 (0, 1)',
    });
  });

  it('sets the single-node torch.distributed environment for a PyTorchJob', async () => {
    const print = script('print.cjs', PRINT);
    const { run, collector } = setup({ gpus: createGpuPool(['0', '1', '2']) });
    const e = experiment({ command: [NODE, print, '$(MASTER_ADDR):$(MASTER_PORT)'], resources: { limits: { 'nvidia.com/gpu': 2 } } }, { kind: 'PyTorchJob' });
    expect((await run(e)).outcome).toEqual({ status: 'completed' });
    const { env, argv } = printed((collector.made[0] as Recorded).output);
    expect(env).toMatchObject({ CUDA_VISIBLE_DEVICES: '0,1', MASTER_ADDR: '127.0.0.1', WORLD_SIZE: '1', RANK: '0', PET_NPROC_PER_NODE: '2' });
    expect(Number(env.MASTER_PORT)).toBeGreaterThan(0);
    expect(argv).toEqual([`127.0.0.1:${env.MASTER_PORT}`]);
  });
});
