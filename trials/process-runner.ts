import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, isAbsolute, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_METRICS_FILE } from '../src/experiment/defaults.js';
import type { Experiment } from '../src/experiment/types.js';
import type { TrialOutcome } from '../src/loop/state.js';
import { errorMessage, ScribaError } from '../src/errors.js';
import type { CollectorSpec, ReportLogs, TrialCollector } from '../metrics-collector/types.js';
import type { GpuLease, GpuPool } from './gpus.js';
import { gpuRequest, primaryContainer, renderTrial, type Container } from './template.js';
import type { Reaper } from './reaper.js';
import type { TrialRunner } from './types.js';
import { checkpointMount } from './checkpoints.js';

/**
 * The scriba CLI's script, offered to trials as SCRIBA_CLI so that a trial command can run
 * Scriba's own trial programs (`node $(SCRIBA_CLI) nas enas-trial ...`) from a checkout or an install.
 */
export const SCRIBA_CLI = fileURLToPath(new URL('../src/bin.js', import.meta.url));

/** Builds the collector of one trial; `trialDir` is where its files live. */
export type CollectorFactory = (spec: CollectorSpec, report: ReportLogs, trialDir: string) => TrialCollector;

export interface ProcessRunnerOptions {
  /** Root folder; each trial runs in `<workDir>/<experiment>/<trial>`. */
  workDir: string;
  /** GPUs handed to trials by their `nvidia.com/gpu` limit; without a pool GPUs are not assigned. */
  gpus?: GpuPool;
  /**
   * Wall-clock limit of one trial's process, from its start. It limits the process only:
   * output of a process that exits in time is parsed completely, however long that takes.
   */
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL when a trial is timed out or stopped. Default KILL_GRACE_MS. */
  killGraceMs?: number;
  collector: CollectorFactory;
  /** The environment trials inherit. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Variables set for every trial as KATIB_TRIAL_NAME is, visible to `$(VAR)` references. */
  inject?: Readonly<Record<string, string>>;
  /** Told of every trial process group, to stop them should this process die (reaper.ts). */
  reaper?: Reaper;
  /** Where a trial's output is written. Default `<trialDir>/output.log`. */
  outputLog?: (trialDir: string) => string;
}

export interface ProcessRunner extends TrialRunner {
  /** Terminates every running trial's process group and fails trials not yet started. */
  stop(): void;
}

/** Default time a stopped trial has between SIGTERM and SIGKILL (`scriba run --kill-grace`). */
export const KILL_GRACE_MS = 10_000;

const DISTRIBUTED_KINDS = ['PyTorchJob', 'TrainJob'];

/** `<workDir>/<experiment>/<trial>`, absolute; names that would leave the folder are refused. */
export function trialDirectory(workDir: string, experiment: string, trial: string): string {
  for (const name of [experiment, trial]) {
    if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
      throw new ScribaError('invalid-argument', `"${name}" cannot name a trial directory`);
    }
  }
  return join(resolve(workDir), experiment, trial);
}

/**
 * The collector for a local run (katib-spec §6): StdOut reads the process output; File
 * follows fileSystemPath.path, moved under the trial directory like Katib's metrics volume.
 */
export function localCollectorSpec(experiment: Experiment, trialDir: string): { spec: CollectorSpec; mountDir?: string } {
  const mc = experiment.spec.metricsCollectorSpec ?? {};
  const kind = mc.collector?.kind ?? 'StdOut';
  const objective = experiment.spec.objective;
  const metricNames = objective ? [objective.objectiveMetricName, ...(objective.additionalMetricNames ?? [])] : [];
  const filters = mc.source?.filter?.metricsFormat;
  const common = { metricNames, ...(filters && filters.length > 0 ? { filters } : {}) };
  if (kind === 'StdOut') return { spec: { kind, format: 'TEXT', ...common } };
  if (kind === 'File') {
    const fsp = mc.source?.fileSystemPath ?? {};
    const path = fsp.path || DEFAULT_METRICS_FILE;
    if (!posix.isAbsolute(path) || (fsp.kind && fsp.kind !== 'File')) {
      throw new ScribaError('invalid-argument', 'spec.metricsCollectorSpec.source.fileSystemPath: expected kind File and an absolute path');
    }
    const format = fsp.format === 'JSON' ? 'JSON' : 'TEXT';
    return { spec: { kind, format, path: join(trialDir, path), ...common }, mountDir: posix.dirname(path) };
  }
  throw new ScribaError('invalid-argument', `metrics collector kind ${kind} is not supported by local runs; use StdOut or File`);
}

/** Kubernetes' `$(VAR)` expansion of command, args and env values: `$$` is a literal `$`, unknown names stay. */
export function expandReferences(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$(\$|\(([^)]*)\))/g, (match, body: string, name: string | undefined) =>
    body === '$' ? '$' : (vars.get(name as string) ?? match),
  );
}

/**
 * Runs each trial's primary container (katib-spec §7) as a local process, without a
 * shell, in its own process group, with exclusive GPUs from `options.gpus`.
 *
 * @example
 * const gpus = createGpuPool((await detectGpus()).map((g) => g.index));
 * const runner = createProcessRunner({ workDir: './runs', gpus, collector: (spec, report) => createCollector(spec, report) });
 */
export function createProcessRunner(options: ProcessRunnerOptions): ProcessRunner {
  const grace = options.killGraceMs ?? KILL_GRACE_MS;
  const active = new Set<{ stop(): void }>();
  const stopping = new AbortController();

  return {
    stop() {
      stopping.abort(new ScribaError('failed-precondition', 'the runner was stopped before the trial started'));
      for (const run of active) run.stop();
    },
    async run({ experiment, trial, report, signal, checkpointDir }): Promise<TrialOutcome> {
      let lease: GpuLease | undefined;
      try {
        if (stopping.signal.aborted) throw stopping.signal.reason;
        const dir = trialDirectory(options.workDir, experiment.metadata.name, trial.name);
        const rendered = renderTrial(experiment, { name: trial.name, parameterAssignments: trial.parameterAssignments });
        const container = primaryContainer(rendered, experiment.spec.trialTemplate?.primaryContainerName);
        const { spec, mountDir } = localCollectorSpec(experiment, dir);
        if (!container.command || container.command.length === 0) {
          throw new ScribaError(
            'invalid-argument',
            `container "${container.name}" has no command; Kubernetes would run the entrypoint of image ${container.image ?? '(none)'}, which a local run cannot know: give the command in the trial template`,
          );
        }
        const gpus = gpuRequest(container);
        lease = options.gpus ? await options.gpus.acquire(gpus, { signal: stopping.signal }) : undefined;
        const kind = String(rendered.kind);
        const injected: Record<string, string> = { SCRIBA_CLI, ...options.inject, KATIB_TRIAL_NAME: trial.name, SCRIBA_TRIAL_DIR: dir };
        if (checkpointDir !== undefined) injected.SCRIBA_CHECKPOINT_DIR = checkpointDir;
        if (DISTRIBUTED_KINDS.includes(kind)) Object.assign(injected, distributedEnv(await freePort(), lease ? lease.ids.length : gpus));
        const mounts: Mount[] = [];
        if (mountDir === '/') mounts.push({ from: posix.join('/', basename(spec.path as string)), to: spec.path as string });
        else if (mountDir !== undefined) mounts.push({ from: mountDir, to: join(dir, mountDir) });
        // Katib mounts the trial's checkpoint volume at suggestion_trial_dir (PBT).
        const checkpointAt = checkpointMount(experiment);
        if (checkpointDir !== undefined && checkpointAt !== undefined) mounts.push({ from: checkpointAt, to: checkpointDir });
        const command = buildCommand(container, injected, mounts);
        // A trial that runs again (after a crash) starts from an empty directory, so nothing of the
        // earlier attempt (a half-written metrics file) is read twice.
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        if (mountDir !== undefined) mkdirSync(join(dir, mountDir), { recursive: true });
        const cwd = workingDirectory(dir, container.workingDir);
        mkdirSync(cwd, { recursive: true });
        const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), ...command.env };
        if (lease) {
          env.CUDA_VISIBLE_DEVICES = env.NVIDIA_VISIBLE_DEVICES = lease.ids.join(',');
          env.CUDA_DEVICE_ORDER ??= 'PCI_BUS_ID'; // CUDA numbers devices as nvidia-smi does
        }
        if (stopping.signal.aborted) throw stopping.signal.reason;
        if (signal.aborted) return failed('stopped before it started');
        const collector = options.collector(spec, report, dir);
        const logPath = options.outputLog?.(dir) ?? join(dir, 'output.log');
        const run = execute({ argv: command.argv, cwd, env, dir, logPath, collector, timeoutMs: options.timeoutMs, grace, reaper: options.reaper });
        active.add(run);
        const stop = () => run.stop();
        signal.addEventListener('abort', stop, { once: true });
        try {
          return await run.outcome;
        } finally {
          signal.removeEventListener('abort', stop);
          active.delete(run);
        }
      } catch (error) {
        return { status: 'failed', reason: 'TrialFailed', message: errorMessage(error) };
      } finally {
        lease?.release();
      }
    },
  };
}

/** A path of the container's file system and where it lies on this machine. */
interface Mount {
  from: string;
  to: string;
}

/** argv and container env after `$(VAR)` expansion, with the mounted paths moved to their local places. */
function buildCommand(container: Container, injected: Record<string, string>, mounts: readonly Mount[]): { argv: string[]; env: Record<string, string> } {
  // Kubernetes: an env value sees the entries before it; command and args see them all,
  // including those the webhook and the training operators append.
  const vars = new Map<string, string>();
  for (const e of container.env ?? []) {
    if (e.value === undefined && e.valueFrom !== undefined) continue;
    vars.set(e.name, expandReferences(String(e.value ?? ''), vars));
  }
  for (const [name, value] of Object.entries(injected)) vars.set(name, value);
  const argv = [...(container.command ?? []), ...(container.args ?? [])].map((a) => expandReferences(a, vars));
  const move = (text: string): string => mounts.reduce((t, m) => movePath(t, m), text);
  return {
    argv: argv.map(move),
    env: Object.fromEntries([...vars].map(([name, value]) => [name, move(value)])),
  };
}

/** Rewrites a mounted path where it appears as a whole path (or a path's start) in a text. */
function movePath(text: string, { from, to }: Mount): string {
  const escaped = from.replace(/\/+$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`(?<![\\w.\\-/])${escaped}(?![\\w.\\-])`, 'g'), () => to.replace(/\/+$/, ''));
}

/** A relative workingDir lies under the trial dir; an absolute one too, unless it exists here. */
function workingDirectory(dir: string, workingDir: string | undefined): string {
  if (!workingDir) return dir;
  if (isAbsolute(workingDir) && statSync(workingDir, { throwIfNoEntry: false })?.isDirectory()) return workingDir;
  return join(dir, workingDir);
}

/** What torch.distributed and torchrun read for a single-node run (the training operators set these). */
function distributedEnv(port: number, gpus: number): Record<string, string> {
  const [addr, p] = ['127.0.0.1', String(port)];
  return {
    MASTER_ADDR: addr, MASTER_PORT: p, WORLD_SIZE: '1', RANK: '0', PYTHONUNBUFFERED: '1',
    PET_NNODES: '1', PET_NODE_RANK: '0', PET_NPROC_PER_NODE: String(Math.max(gpus, 1)), PET_MASTER_ADDR: addr, PET_MASTER_PORT: p,
  };
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

interface Execution {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  dir: string;
  logPath: string;
  collector: TrialCollector;
  timeoutMs: number | undefined;
  grace: number;
  reaper: Reaper | undefined;
}

/** Spawns the process, tees its output to output.log and the collector, and says how it ended. */
function execute(x: Execution): { outcome: Promise<TrialOutcome>; stop(): void } {
  const [file, ...args] = x.argv as [string, ...string[]];
  let child: ChildProcess;
  try {
    child = spawn(file, args, { cwd: x.cwd, env: x.env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    // Arguments Node refuses (e.g. a NUL byte) never reach a process.
    const result = failed(`cannot start "${file}": ${errorMessage(error)}`);
    const outcome = Promise.resolve()
      .then(() => x.collector.finish())
      .then(() => result, () => result);
    return { outcome, stop: () => undefined };
  }
  const pid = child.pid;
  const log = createWriteStream(x.logPath);
  const timers: NodeJS.Timeout[] = [];
  let timeout: NodeJS.Timeout | undefined;
  let ending: 'timeout' | 'stopped' | 'output' | undefined;
  let tail = '';
  let collectorError: unknown;
  let logError: string | undefined;

  const terminate = (why: 'timeout' | 'stopped' | 'output'): void => {
    if (pid === undefined || ending) return;
    ending = why;
    killGroup(pid, 'SIGTERM');
    timers.push(setTimeout(() => killGroup(pid, 'SIGKILL'), x.grace));
  };
  // A full disk or an unwritable path fails the trial and stops its process; no crash.
  log.on('error', (error) => {
    logError ??= `cannot write trial output to ${x.logPath}: ${systemMessage(error)}`;
    terminate('output');
  });
  const feed = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    if (logError === undefined) log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-8192);
    try {
      x.collector[stream](chunk);
    } catch (error) {
      collectorError ??= error;
    }
  };

  const outcome = new Promise<TrialOutcome>((settle) => {
    let settled = false;
    const end = async (result: TrialOutcome): Promise<void> => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      // The collector stops watching either way; only a completed run takes its verdict.
      const problem = await Promise.resolve()
        .then(() => x.collector.finish())
        .then(() => (collectorError === undefined ? undefined : errorMessage(collectorError)), errorMessage);
      await closeLog();
      if (logError !== undefined) return settle(failed(logError));
      settle(result.status === 'completed' && problem !== undefined ? failed(problem) : result);
    };
    // 'close' comes after 'finish' or after 'error' (which a destroyed stream emits a tick later).
    const closeLog = () =>
      new Promise<void>((done) => {
        if (log.closed) return done();
        log.once('close', () => done());
        if (!log.destroyed) log.end();
      });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (pid === undefined) void end(failed(`cannot start "${file}": ${error.code ?? error.message}`));
    });
    if (pid === undefined) return;
    writeFileSync(join(x.dir, 'pid'), `${pid}\n`);
    x.reaper?.track(pid);
    child.stdout?.on('data', feed('stdout'));
    child.stderr?.on('data', feed('stderr'));
    if (x.timeoutMs !== undefined) timers.push((timeout = setTimeout(() => terminate('timeout'), x.timeoutMs)));
    child.on('exit', () => {
      // In time: the timeout no longer applies, and the rest of the output is read in full.
      clearTimeout(timeout);
      // Like a container, the trial ends with its main process: what it left behind is killed.
      killGroup(pid, 'SIGKILL');
      x.reaper?.untrack(pid);
    });
    child.on('close', (code, signal) => {
      if (ending === 'output') return void end(failed(logError as string));
      if (ending === 'timeout') return void end(failed(`timed out after ${(x.timeoutMs ?? 0) / 1000} s`));
      if (ending === 'stopped') return void end(failed('stopped by the runner'));
      if (signal) return void end(failed(`killed by ${signal}${lastLines(tail)}`));
      if (code !== 0) return void end(failed(`exit code ${code}${lastLines(tail)}`));
      void end({ status: 'completed' });
    });
  });
  return { outcome, stop: () => terminate('stopped') };
}

/** "ENOSPC: no space left on device, write" → "no space left on device". */
function systemMessage(error: NodeJS.ErrnoException): string {
  return error.message.replace(/^E[A-Z0-9]+: /, '').replace(/, (write|open) .*$|, (write|open)$/, '');
}

function failed(message: string): TrialOutcome {
  return { status: 'failed', reason: 'TrialFailed', message };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/**
 * The last lines a failed trial printed. Node's report of an uncaught error ends with its
 * stack and a `Node.js vX.Y.Z` line; there the excerpt ends at the error's own line
 * (`Error: Cannot find module '...'`), which is what identical failures share.
 */
function lastLines(output: string, count = 5): string {
  let all = output.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (/^Node\.js v\d+\.\d+/.test(all.at(-1) ?? '')) {
    all = all.slice(0, -1);
    const error = all.findLastIndex((l) => /^(?:Uncaught )?[\w$.]*(?:Error|Exception)\b/.test(l));
    if (error >= 0) all = all.slice(0, error + 1);
  }
  const lines = all.slice(-count);
  return lines.length === 0 ? '' : `; last output:\n${lines.map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l)).join('\n')}`;
}
