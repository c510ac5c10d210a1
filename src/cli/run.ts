import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { getAlgorithm } from '../../algorithms/registry.js';
import { checkpointDirectories, checkpointRoot } from '../../trials/checkpoints.js';
import { detectGpus, parseGpuList } from '../../trials/gpus.js';
import { errorMessage, formatIssue, ScribaError } from '../errors.js';
import { loadExperiment } from '../experiment/load.js';
import { runExperiment } from '../loop/run.js';
import { requeueTrial, restart, type ExperimentState } from '../loop/state.js';
import { freshSeed } from '../rng.js';
import { continueExperiment, openExperiment } from '../store/open.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { Io } from './io.js';
import { readExperimentFile } from './read-experiment.js';
import { checkLocalRun, defaultMaxParallel, killTrialProcesses, localRunNotice, localRunner } from './local-run.js';
import { formatSummary, progressLine, summarize } from './output.js';
import { redact } from '../../trials/queue/connection.js';
import { createQueueRunner, queueNamespace, type QueueRunner } from '../../trials/queue/producer.js';
import { gpuRequest, primaryContainer, renderTrial } from '../../trials/template.js';

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface RunFlags {
  db: string;
  json: boolean;
  seed?: number;
  gpus?: string;
  timeoutSeconds?: number;
  maxParallel?: number;
  maxTrialCount?: number;
  killGraceSeconds?: number;
  /** Enqueue trials on this Redis for `scriba worker` processes instead of running them here. */
  queue?: string;
}

/** `scriba run FILE`: a new experiment, or the same one again with new counts (Katib's update rules). */
export async function runFile(file: string, flags: RunFlags, io: Io): Promise<number> {
  const read = await readExperimentFile(file);
  if ('error' in read) {
    io.err(`${file}: cannot read: ${read.error}`);
    return 2;
  }
  if ('tooLarge' in read) {
    io.err(`${file}: ${formatIssue(read.tooLarge)}`);
    return 2;
  }
  const { experiment, issues, warnings } = loadExperiment(read.text);
  for (const warning of warnings) io.err(`${file}: warning: ${formatIssue(warning)}`);
  const gpuIds = flags.queue ? [] : await gpuInventory(flags.gpus, io);
  // Through a queue the GPUs are the workers': a trial waits for a worker with enough of them.
  if (experiment && issues.length === 0) issues.push(...checkLocalRun(experiment, flags.queue ? Infinity : gpuIds.length));
  if (!experiment || issues.length > 0) {
    for (const issue of issues) io.err(`${file}: ${formatIssue(issue)}`);
    return 2;
  }
  const store = new SqliteStore(flags.db);
  try {
    const state = openExperiment(store, experiment, {
      seed: flags.seed ?? freshSeed(),
      seedGiven: flags.seed !== undefined,
      source: resolve(file),
      keepRunning: flags.queue !== undefined,
    });
    return await execute(state, store, { ...flags, experimentDir: dirname(resolve(file)), gpuIds }, io);
  } finally {
    store.close();
  }
}

/** `scriba resume NAME`: continues an experiment after a crash, or restarts it with a larger maxTrialCount. */
export async function resumeExperiment(name: string, flags: RunFlags, io: Io): Promise<number> {
  const store = asBadInput(() => new SqliteStore(flags.db, { create: false }));
  try {
    const state = asBadInput(() => continueExperiment(store, name, { keepRunning: flags.queue !== undefined }));
    if (flags.maxTrialCount !== undefined && state.outcome) {
      const why = restart(state, { maxTrialCount: flags.maxTrialCount });
      if (why) throw new ScribaError('failed-precondition', `cannot restart ${name}: ${why}`);
    } else if (flags.maxTrialCount !== undefined) {
      state.experiment.spec.maxTrialCount = flags.maxTrialCount;
      store.experimentChanged(state);
    }
    const source = store.source(name);
    const gpuIds = flags.queue ? [] : await gpuInventory(flags.gpus, io);
    return await execute(state, store, { ...flags, experimentDir: source ? dirname(source) : process.cwd(), gpuIds }, io);
  } finally {
    store.close();
  }
}

/** A name or store that is not there is bad input to run commands (exit 2), not kubectl's NotFound. */
function asBadInput<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof ScribaError && error.code === 'not-found') throw new ScribaError('invalid-argument', error.message);
    throw error;
  }
}

/** GPUs to hand out: --gpus LIST, `all` (nvidia-smi), `none`; by default what nvidia-smi finds, if it runs. */
async function gpuInventory(flag: string | undefined, io: Io): Promise<string[]> {
  if (flag === 'none') return [];
  if (flag === 'all') return (await detectGpus()).map((g) => g.index);
  if (flag !== undefined) return parseGpuList(flag);
  try {
    return (await detectGpus()).map((g) => g.index);
  } catch (error) {
    io.err(`scriba: no GPUs will be assigned: ${errorMessage(error)}`);
    return [];
  }
}

interface ExecuteOptions extends RunFlags {
  experimentDir: string;
  gpuIds: string[];
}

/** Runs (or continues) an experiment, here or through a queue, with progress, and prints its summary. */
async function execute(state: ExperimentState, store: SqliteStore, o: ExecuteOptions, io: Io): Promise<number> {
  const name = state.experiment.metadata.name;
  const workDir = join(dirname(resolve(store.path)), 'trials');
  const checkpoints = checkpointDirectories(checkpointRoot(dirname(resolve(store.path))), state.experiment);
  store.claim(name);
  const queue = o.queue ? await openQueue(state, o, io) : undefined;
  // Processes of trials a killed local run left behind; those trials run again from the start.
  if (!queue) killTrialProcesses(state, workDir);
  const notice = queue ? undefined : localRunNotice(state.experiment);
  if (notice) io.err(notice);
  const maxParallel = queue ? undefined : (o.maxParallel ?? defaultMaxParallel());
  const parallel = state.experiment.spec.parallelTrialCount ?? 3;
  if (maxParallel !== undefined && parallel > maxParallel) {
    io.err(`scriba: parallelTrialCount ${parallel} is more than this machine runs at once; at most ${maxParallel} trials run together (--max-parallel N to change it)`);
  }
  const live = io.isTTY && !o.json;
  // With --json, stdout is the summary alone; progress goes to stderr.
  const progress = (): void => {
    if (live) io.progress(progressLine(state));
    else if (o.json) io.err(progressLine(state));
    else io.out(progressLine(state));
  };
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    // Workers are told to stop their trials (bounded: Redis may be the thing that is gone).
    const stopped = queue ? Promise.race([queue.stop().catch(() => undefined), sleep(5000)]) : Promise.resolve(killTrialProcesses(state, workDir));
    void stopped.then(() => {
      // The store says what is true now: the stopped trials are pending again, and nobody runs the experiment.
      for (const trial of state.trials) {
        if (trial.condition === 'Running') requeueTrial(state, trial.name, `The trial was running when the experiment was stopped (${signal}); it runs again from the start`);
      }
      store.release(name);
      store.close();
      io.err(`\nscriba: ${signal}: stopped; running trials will run again on \`scriba resume ${name}\``);
      process.exit(128 + (os.constants.signals[signal] ?? 15));
    });
  };
  // SIGHUP (the terminal closed) stops the run as SIGTERM does, rather than orphaning its trials.
  for (const signal of STOP_SIGNALS) process.once(signal, onSignal);
  // On a terminal the line is redrawn as trials start and end; elsewhere one line per finished trial.
  const ticker = live ? setInterval(progress, 250) : undefined;
  try {
    await runExperiment({
      experiment: state,
      algorithm: getAlgorithm(state.experiment.spec.algorithm?.algorithmName ?? 'random'),
      ...(maxParallel !== undefined ? { maxParallel } : {}),
      runner:
        queue ??
        localRunner({
          workDir,
          gpuIds: o.gpuIds,
          experimentDir: o.experimentDir,
          ...(o.timeoutSeconds !== undefined ? { timeoutMs: o.timeoutSeconds * 1000 } : {}),
          ...(o.killGraceSeconds !== undefined ? { killGraceMs: o.killGraceSeconds * 1000 } : {}),
        }),
      ...(checkpoints ? { checkpointDir: checkpoints } : {}),
      onTrialComplete: progress,
    });
    // The experiment is over: its keys and jobs leave Redis.
    if (queue && state.outcome) await queue.cleanup();
  } finally {
    if (ticker) clearInterval(ticker);
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    await queue?.close();
    store.release(name);
  }
  if (live) io.progress('');
  const summary = summarize(state);
  io.out(o.json ? JSON.stringify(summary) : formatSummary(summary));
  return summary.status === 'Succeeded' ? 0 : 1;
}

/** The queue runner of a `--queue` run: process trials, each on a worker with the GPUs its template asks for. */
async function openQueue(state: ExperimentState, o: ExecuteOptions, io: Io): Promise<QueueRunner> {
  const runner = await createQueueRunner({
    url: o.queue as string,
    namespace: queueNamespace(state),
    kind: 'process',
    gpus: (run) => gpuRequest(primaryContainer(renderTrial(run.experiment, run.trial), run.experiment.spec.trialTemplate?.primaryContainerName)),
    log: (line) => io.err(line),
    experimentDir: o.experimentDir,
    ...(o.timeoutSeconds !== undefined ? { timeoutMs: o.timeoutSeconds * 1000 } : {}),
    ...(o.killGraceSeconds !== undefined ? { killGraceMs: o.killGraceSeconds * 1000 } : {}),
  });
  io.err(`scriba: trials go to the queue at ${redact(o.queue as string)}; run them with scriba worker --queue URL on the machines that should`);
  return runner;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
