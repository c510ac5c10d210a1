/**
 * The worker's side of the trial queue: takes trial jobs from Redis and runs them with the
 * local runners' semantics (the process runner: template, environment, exclusive GPUs,
 * metrics collection, timeouts, stop on request; or the function runner with an objective
 * the worker loaded), streaming observation-log rows back as they come.
 *
 * Delivery is BullMQ's, at least once: a worker killed mid-trial loses its job's lock, and
 * another worker runs the trial again from the start (a new attempt; the controller discards
 * the first attempt's rows). A re-delivered job whose result is recorded is not run again.
 * A trial needing k GPUs waits in the queue `trials-gpu-<k>`, which a worker reads only while
 * it has k GPUs free.
 *
 *   const worker = await startQueueWorker({ url, workDir: '.scriba/trials', gpus });
 *   await worker.close(); // running trials go back to the queue for another worker
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { DelayedError, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { createCollector } from '../../metrics-collector/collector.js';
import { errorMessage } from '../../src/errors.js';
import type { TrialOutcome } from '../../src/loop/state.js';
import { now } from '../../src/loop/state.js';
import type { MetricLog, TrialRecord } from '../../src/trial/types.js';
import { createFunctionRunner, type Objective } from '../function-runner.js';
import { createGpuPool, type GpuInfo, type GpuLease } from '../gpus.js';
import { createProcessRunner, KILL_GRACE_MS } from '../process-runner.js';
import { startReaper } from '../reaper.js';
import type { TrialRunner } from '../types.js';
import { connectRedis } from './connection.js';
import { registerWorker, unregisterWorker, type WorkerRunning } from './fleet.js';
import { experimentKeys, PREFIX, runKey, STOP_CHANNEL, stopMessage, trialQueueName } from './keys.js';
import { encodeEvent, parseResult, parseTrialJob, type QueueEvent, type RecordedResult, type TrialJob } from './messages.js';

export interface QueueWorkerOptions {
  url: string;
  /** Shown by `scriba get workers`; default `<host>-<pid>`. */
  name?: string;
  /** The GPUs this worker hands out (`--gpus`). */
  gpus?: readonly GpuInfo[];
  /** Trials run at once; default one per GPU, at least 1. */
  concurrency?: number;
  /** Where trial directories go: `<workDir>/<experiment>/<trial>`. */
  workDir: string;
  /** The in-process objective for `function` trials (`--objective MODULE#EXPORT`). */
  objective?: Objective;
  /** How long a job's lock lasts without renewal: a killed worker's trials run elsewhere after it. Default 30 s. */
  lockMs?: number;
  /** Default 2 s. */
  heartbeatMs?: number;
  /**
   * Offered to process trials as SCRIBA_EXPERIMENT_DIR. Default: the controller's folder of
   * the Experiment file when it exists here (one machine, or a shared file system), else the
   * working directory.
   */
  experimentDir?: string;
  log?: (line: string) => void;
  /** A line when a trial starts and when it ends (`scriba worker` prints them unless --quiet). */
  onTrial?: (line: string) => void;
}

export interface QueueWorker {
  readonly name: string;
  readonly concurrency: number;
  /** Trials finished (any outcome) since the start. */
  readonly finished: number;
  /** Stops taking jobs, stops the running trials (their jobs go back to the queue) and disconnects. */
  close(): Promise<void>;
}

interface Running {
  job: Job;
  data: TrialJob;
  stop: AbortController;
  /** Why it was stopped: the controller asked, the lock was lost, or the worker is closing. */
  why?: 'stopped' | 'lost' | 'closing';
  gpus: string[];
  since: string;
}

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const redis = await connectRedis(options.url);
  const subscriber = redis.duplicate();
  const log = options.log ?? (() => {});
  const name = options.name ?? `${os.hostname()}-${process.pid}`;
  const inventory = [...(options.gpus ?? [])];
  const pool = createGpuPool(inventory.map((g) => g.index));
  const concurrency = options.concurrency ?? Math.max(1, inventory.length);
  const lockMs = options.lockMs ?? 30_000;
  const reaper = startReaper(KILL_GRACE_MS);
  const running = new Map<string, Running>(); // by stop message
  let active = 0;
  let finished = 0;
  let closing = false;

  const fits = (gpus: number): boolean => !closing && active < concurrency && pool.available >= gpus;

  // Trials needing k GPUs come from their own queue, read only while k GPUs are free here.
  const workers = new Map<number, Worker>();
  const rebalance = (): void => {
    if (workers.size < 2) return; // one queue: BullMQ's concurrency is the whole rule
    for (const [gpus, w] of workers) {
      if (fits(gpus)) {
        if (w.isPaused()) void w.resume();
      } else if (!w.isPaused()) {
        void w.pause(true);
      }
    }
  };

  const emit = (ns: string, event: QueueEvent): Promise<unknown> => redis.xadd(experimentKeys(ns).events, '*', ...encodeEvent(event));

  const processJob = async (job: Job, token: string | undefined): Promise<RecordedResult> => {
    let data: TrialJob;
    try {
      data = parseTrialJob(job.data);
    } catch (error) {
      log(`scriba worker: job ${job.id}: ${errorMessage(error)}; failed without running`);
      throw new UnrecoverableError(errorMessage(error));
    }
    if (!fits(data.gpus)) {
      // Taken in a race with another queue of this worker: back to the queue, for whoever has room.
      await job.moveToDelayed(Date.now() + 100, token);
      throw new DelayedError();
    }
    const lease = await pool.acquire(data.gpus);
    active++;
    rebalance();
    try {
      return await runJob(job, token, data, lease);
    } finally {
      lease.release();
      active--;
      rebalance();
    }
  };

  const runJob = async (job: Job, token: string | undefined, data: TrialJob, lease: GpuLease): Promise<RecordedResult> => {
    const keys = experimentKeys(data.ns);
    const trialName = data.trial.name;
    const attempt = job.attemptsStarted;
    // One round trip: the recorded result, and whether the trial was stopped before it started.
    const [[, resultText], [, stoppedEarly]] = (await redis.pipeline().hget(keys.results, trialName).sismember(keys.stops, runKey(trialName, data.run)).exec()) as [[null, string | null], [null, number]];
    const recorded = parseResult(resultText);
    if (recorded?.run === data.run) {
      // Delivered again after its result was recorded: say it again, run nothing.
      await emit(data.ns, { kind: 'end', trial: trialName, run: data.run, attempt: recorded.attempt, outcome: recorded.outcome, rows: recorded.rows });
      return recorded;
    }
    const entry: Running = { job, data, stop: new AbortController(), gpus: lease.ids, since: now() };
    const message = stopMessage(data.ns, trialName, data.run);
    running.set(message, entry);
    try {
      let outcome: TrialOutcome;
      let rows = 0;
      if (stoppedEarly === 1) {
        outcome = { status: 'earlyStopped' };
      } else {
        // Not awaited: commands on one connection run in order, so the start precedes every row.
        emit(data.ns, { kind: 'start', trial: trialName, run: data.run, attempt, worker: name }).catch((error: unknown) => log(`scriba worker: trial ${trialName}: sending its start: ${errorMessage(error)}`));
        options.onTrial?.(`trial ${trialName} (experiment ${data.experiment.metadata.name}): started${lease.ids.length > 0 ? ` on GPU ${lease.ids.join(',')}` : ''}`);
        const report = (logs: readonly MetricLog[]): void => {
          if (logs.length === 0 || entry.why === 'lost' || entry.why === 'closing') return;
          const event: QueueEvent = { kind: 'logs', trial: trialName, run: data.run, attempt, seq: rows, logs: [...logs] };
          rows += logs.length;
          emit(data.ns, event).catch((error: unknown) => log(`scriba worker: trial ${trialName}: sending metrics: ${errorMessage(error)}`));
        };
        const trial: TrialRecord = {
          name: trialName,
          parameterAssignments: data.trial.parameterAssignments,
          condition: 'Running',
          conditions: [],
          creationTime: now(),
          ...(data.trial.labels ? { labels: data.trial.labels } : {}),
        };
        outcome = await runnerFor(data, lease).run({
          experiment: data.experiment,
          trial,
          report,
          signal: entry.stop.signal,
          ...(data.checkpointDir !== undefined ? { checkpointDir: data.checkpointDir } : {}),
        });
      }
      if (entry.why === 'closing') {
        // This worker is going away: the trial goes back to the queue for another one.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (entry.why === 'lost') throw new Error('the job\'s lock was lost (another worker may run it); its result is not recorded');
      if (entry.why === 'stopped') outcome = { status: 'earlyStopped' };
      const result: RecordedResult = { run: data.run, attempt, outcome, rows };
      await redis
        .multi()
        .hset(keys.results, trialName, JSON.stringify(result))
        .xadd(keys.events, '*', ...encodeEvent({ kind: 'end', trial: trialName, run: data.run, attempt, outcome, rows }))
        .exec();
      finished++;
      options.onTrial?.(`trial ${trialName} (experiment ${data.experiment.metadata.name}): ${describeOutcome(outcome)}`);
      return result;
    } finally {
      running.delete(message);
    }
  };

  const runnerFor = (data: TrialJob, lease: GpuLease): TrialRunner => {
    if (data.kind === 'function') {
      const objective = options.objective;
      if (!objective) return failing(`this worker runs no in-process objective; start it with scriba worker --objective MODULE#EXPORT`);
      if (data.objective && objective.name && data.objective !== objective.name) {
        return failing(`the trial is for objective ${data.objective}, but this worker loaded ${objective.name}`);
      }
      return createFunctionRunner(objective, data.timeoutMs !== undefined ? { timeoutMs: data.timeoutMs } : {});
    }
    return createProcessRunner({
      workDir: options.workDir,
      gpus: createGpuPool(lease.ids),
      collector: (spec, report) => createCollector(spec, report),
      inject: { SCRIBA_EXPERIMENT_DIR: experimentDirFor(data) },
      reaper,
      killGraceMs: data.killGraceMs ?? KILL_GRACE_MS,
      ...(data.timeoutMs !== undefined ? { timeoutMs: data.timeoutMs } : {}),
    });
  };

  const missingDirs = new Set<string>();
  const experimentDirFor = (data: TrialJob): string => {
    if (options.experimentDir !== undefined) return options.experimentDir;
    const theirs = data.experimentDir;
    if (theirs === undefined || existsSync(theirs)) return theirs ?? process.cwd();
    if (!missingDirs.has(theirs)) {
      missingDirs.add(theirs);
      log(`scriba worker: experiment ${data.experiment.metadata.name}: its folder ${theirs} is not on this machine; its trials get SCRIBA_EXPERIMENT_DIR=${process.cwd()} (--experiment-dir DIR to choose)`);
    }
    return process.cwd();
  };

  const stopRun = (entry: Running | undefined, why: Running['why']): void => {
    if (!entry || entry.stop.signal.aborted) return;
    entry.why = why;
    entry.stop.abort(new Error(`the trial was ${why === 'stopped' ? 'stopped by its controller' : why === 'lost' ? 'lost by this worker' : 'stopped: the worker is closing'}`));
  };

  subscriber.on('message', (_channel: string, message: string) => stopRun(running.get(message), 'stopped'));
  await subscriber.subscribe(STOP_CHANNEL);

  const gpuQueues = [0, ...Array.from({ length: inventory.length }, (_, i) => i + 1)];
  for (const gpus of gpuQueues) {
    const w = new Worker(trialQueueName(gpus), processJob, {
      connection: redis,
      prefix: PREFIX,
      name,
      concurrency: gpus === 0 ? concurrency : Math.max(1, Math.floor(inventory.length / gpus)),
      lockDuration: lockMs,
      stalledInterval: lockMs,
      maxStalledCount: 3,
      removeOnComplete: { count: 0 },
    });
    w.on('error', (error) => {
      if (!closing) log(`scriba worker: ${trialQueueName(gpus)}: ${errorMessage(error)}`);
    });
    w.on('lockRenewalFailed', (ids: string[]) => {
      for (const entry of running.values()) if (ids.includes(String(entry.job.id))) stopRun(entry, 'lost');
    });
    workers.set(gpus, w);
  }

  const started = now();
  const record = () => ({
    name,
    host: os.hostname(),
    pid: process.pid,
    gpus: inventory,
    concurrency,
    started,
    heartbeat: Date.now(),
    running: [...running.values()].map((r): WorkerRunning => ({ ns: r.data.ns, trial: r.data.trial.name, gpus: r.gpus, since: r.since })),
  });
  const beat = async (): Promise<void> => {
    await registerWorker(redis, record());
    // A stop published while this worker could not hear it (Redis away) is still in the stop set.
    for (const [message, entry] of running) {
      const keys = experimentKeys(entry.data.ns);
      if (await redis.sismember(keys.stops, runKey(entry.data.trial.name, entry.data.run))) stopRun(running.get(message), 'stopped');
    }
  };
  await beat();
  const heartbeat = setInterval(() => {
    beat().catch((error: unknown) => log(`scriba worker: heartbeat: ${errorMessage(error)}`));
  }, options.heartbeatMs ?? 2000);

  return {
    name,
    concurrency,
    get finished() {
      return finished;
    },
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(heartbeat);
      for (const entry of running.values()) stopRun(entry, 'closing');
      await Promise.all([...workers.values()].map((w) => w.close()));
      await unregisterWorker(redis, name).catch(() => undefined);
      reaper.close();
      subscriber.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function describeOutcome(outcome: TrialOutcome): string {
  if (outcome.status === 'failed') return `failed: ${outcome.message}`;
  return outcome.status === 'earlyStopped' ? 'early stopped' : 'completed';
}

function failing(message: string): TrialRunner {
  return { run: async () => ({ status: 'failed', reason: 'TrialFailed', message }) };
}
