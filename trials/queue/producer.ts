/**
 * The controller's side of the trial queue: a TrialRunner that enqueues each trial as a
 * BullMQ job and follows it through the experiment's events stream until a worker says how
 * it ended. Nothing the store recorded depends on Redis: a job lost with Redis (a restart
 * without persistence) is enqueued again under a new run token; a controller that resumes
 * re-attaches to the jobs of its running trials instead of running them twice.
 *
 *   const runner = await createQueueRunner({ url: 'redis://127.0.0.1:6379', namespace, kind: 'process' });
 *   await runExperiment({ experiment, algorithm, runner });
 *   await runner.cleanup(); // the experiment's keys and jobs
 *   await runner.close();
 */
import { randomUUID } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { errorMessage } from '../../src/errors.js';
import type { ExperimentState, TrialOutcome } from '../../src/loop/state.js';
import type { TrialRun, TrialRunner } from '../types.js';
import { connectRedis } from './connection.js';
import { liveWorkers } from './fleet.js';
import { experimentKeys, experimentNamespace, jobId, PREFIX, runKey, STOP_CHANNEL, stopMessage, trialQueueName } from './keys.js';
import { decodeEvent, JOB_VERSION, parseResult, type QueueEvent, type TrialJob } from './messages.js';

export interface QueueRunnerOptions {
  url: string;
  /** The experiment's namespace (keys.ts experimentNamespace). */
  namespace: string;
  kind: TrialJob['kind'];
  /** For `function` trials: the objective's name, which the worker's must match. */
  objective?: string;
  /** GPUs a trial needs; default 0. The process kind reads them from the template (nvidia.com/gpu). */
  gpus?: (run: TrialRun) => number;
  timeoutMs?: number;
  killGraceMs?: number;
  /** The folder of the Experiment file, offered to process trials as SCRIBA_EXPERIMENT_DIR. */
  experimentDir?: string;
  /** How often jobs in flight are checked (lost with Redis, failed in the queue). Default 1 s. */
  checkMs?: number;
  /** Notices for the user: a lost job enqueued again, a trial no worker can take. */
  log?: (line: string) => void;
}

export interface QueueRunner extends TrialRunner {
  /** Asks every trial in flight to stop: waiting jobs are removed, workers stop the running ones. */
  stop(): Promise<void>;
  /** Removes the experiment's keys and the jobs left in the queues (at the experiment's end). */
  cleanup(): Promise<void>;
  close(): Promise<void>;
}

/** The namespace of a stored experiment: its name and its creation time. */
export function queueNamespace(state: ExperimentState): string {
  const created = state.conditions.find((c) => c.type === 'Created')?.lastTransitionTime ?? '';
  return experimentNamespace(state.experiment.metadata.name, created);
}

/** A lost job is enqueued again at most this many times before its trial fails. */
export const MAX_LOST = 5;
/** How long a trial needing GPUs waits before the controller says that no worker has that many. */
const GPU_NOTICE_MS = 10_000;

interface Flight {
  run: TrialRun;
  token: string;
  gpus: number;
  /** The attempt whose rows are recorded; undefined until the first event of a re-attached trial. */
  attempt: number | undefined;
  rows: number;
  started: boolean;
  missing: number;
  lost: number;
  enqueuedAt: number;
  noticed: boolean;
  finish(outcome: TrialOutcome): void;
}

export async function createQueueRunner(options: QueueRunnerOptions): Promise<QueueRunner> {
  const redis = await connectRedis(options.url);
  const reader = redis.duplicate();
  const ns = options.namespace;
  const keys = experimentKeys(ns);
  const log = options.log ?? (() => {});
  const queues = trialQueues(redis);
  const queue = queues.get;
  const flights = new Map<string, Flight>();
  let closed = false;

  /** Enqueues a trial under a fresh run token; fairness: an experiment's k-th waiting job has priority k. */
  const enqueue = async (f: Flight): Promise<void> => {
    f.token = randomUUID().slice(0, 8);
    f.attempt = undefined;
    f.rows = 0;
    f.started = false;
    f.missing = 0;
    f.enqueuedAt = Date.now();
    const { experiment, trial } = f.run;
    const data: TrialJob = {
      v: JOB_VERSION,
      ns,
      run: f.token,
      kind: options.kind,
      experiment,
      trial: { name: trial.name, parameterAssignments: trial.parameterAssignments, ...(trial.labels ? { labels: trial.labels } : {}) },
      gpus: f.gpus,
      ...(options.objective !== undefined ? { objective: options.objective } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.killGraceMs !== undefined ? { killGraceMs: options.killGraceMs } : {}),
      ...(f.run.checkpointDir !== undefined ? { checkpointDir: f.run.checkpointDir } : {}),
      ...(options.experimentDir !== undefined ? { experimentDir: options.experimentDir } : {}),
    };
    const waiting = [...flights.values()].filter((x) => !x.started).length;
    // Not awaited: the next command on this connection runs after it, and a failure shows in the add's.
    void redis.hset(keys.runs, trial.name, JSON.stringify({ run: f.token, gpus: f.gpus })).catch(() => undefined);
    await queue(f.gpus).add('trial', data, {
      jobId: jobId(ns, trial.name, f.token),
      priority: Math.min(waiting, 2 ** 21 - 1) || 1,
      removeOnComplete: true,
      removeOnFail: false,
    });
  };

  /** Re-attaches to the trial's job when the last run left one (a controller that resumes). */
  const attach = async (f: Flight): Promise<boolean> => {
    const current = parseRun(await redis.hget(keys.runs, f.run.trial.name));
    if (!current) return false;
    const state = await queue(current.gpus).getJobState(jobId(ns, f.run.trial.name, current.run));
    const result = parseResult(await redis.hget(keys.results, f.run.trial.name));
    if (state === 'unknown' && result?.run !== current.run) return false;
    f.token = current.run;
    f.gpus = current.gpus;
    // Rows recorded before the crash belong to the run's first attempt seen on the stream.
    f.rows = f.run.recorded ?? 0;
    return true;
  };

  const onEvent = (e: QueueEvent): void => {
    const f = flights.get(e.trial);
    if (!f || e.run !== f.token) return; // another run's (lost) events
    if (f.attempt === undefined) f.attempt = e.attempt;
    if (e.attempt < f.attempt) return;
    if (e.attempt > f.attempt) {
      // The job ran again on another worker (the first was lost): its log starts over.
      f.run.discardLogs?.();
      f.attempt = e.attempt;
      f.rows = 0;
    }
    f.started = true;
    if (e.kind === 'logs') {
      const fresh = e.logs.slice(Math.max(0, f.rows - e.seq));
      if (fresh.length > 0) f.run.report(fresh);
      f.rows = Math.max(f.rows, e.seq + e.logs.length);
    } else if (e.kind === 'end') {
      f.finish(e.outcome);
    }
  };

  // One reader follows the experiment's stream from its start, so a resumed controller replays it.
  const reading = (async () => {
    let last = '0';
    while (!closed) {
      try {
        const reply = (await reader.xread('COUNT', 1000, 'BLOCK', 500, 'STREAMS', keys.events, last)) as Array<[string, Array<[string, string[]]>]> | null;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            last = id;
            const event = decodeEvent(fields);
            if (event) onEvent(event);
          }
        }
      } catch (error) {
        if (closed) return;
        log(`scriba: reading the queue's events: ${errorMessage(error)}; retrying`);
        await sleep(500);
      }
    }
  })();

  /** A job that is gone (Redis restarted) is enqueued again; a job BullMQ failed fails its trial. */
  const check = async (f: Flight): Promise<void> => {
    const name = f.run.trial.name;
    const id = jobId(ns, name, f.token);
    const state = await queue(f.gpus).getJobState(id);
    if (state === 'failed') {
      const job = await Job.fromId(queue(f.gpus), id);
      f.finish({ status: 'failed', reason: 'TrialFailed', message: `the trial's job failed in the queue: ${job?.failedReason ?? 'no reason given'}` });
      return;
    }
    if (state !== 'unknown') {
      f.missing = 0;
      if (state !== 'active' && f.gpus > 0 && !f.noticed && Date.now() - f.enqueuedAt > GPU_NOTICE_MS) await noticeGpus(f);
      return;
    }
    // Gone twice running: by then the reader has seen any end written before the job completed.
    if (++f.missing < 2) return;
    const result = parseResult(await redis.hget(keys.results, name));
    if (result?.run === f.token) {
      f.finish(result.outcome);
      return;
    }
    if (++f.lost > MAX_LOST) {
      f.finish({ status: 'failed', reason: 'TrialFailed', message: `the trial's job was lost from the queue ${MAX_LOST + 1} times` });
      return;
    }
    f.run.discardLogs?.();
    await enqueue(f);
    log(`scriba: trial ${name}: its job is gone from the queue (did Redis restart?); enqueued again from the start`);
  };

  const noticeGpus = async (f: Flight): Promise<void> => {
    const workers = await liveWorkers(redis);
    if (workers.some((w) => w.gpus.length >= f.gpus)) return;
    f.noticed = true;
    const fleet = workers.length === 0 ? 'no worker is running' : workers.map((w) => `${w.name}: ${w.gpus.length}`).join(', ');
    log(`scriba: trial ${f.run.trial.name} needs ${f.gpus} GPUs and waits: no worker has that many (${fleet}); start one with scriba worker --gpus`);
  };

  const checking = setInterval(() => {
    for (const f of flights.values()) {
      check(f).catch((error: unknown) => log(`scriba: checking trial ${f.run.trial.name}: ${errorMessage(error)}`));
    }
  }, options.checkMs ?? 1000);
  checking.unref();

  /** Stops one trial: a job not yet taken is removed; a running one is stopped by its worker. */
  const stopFlight = async (f: Flight): Promise<void> => {
    const name = f.run.trial.name;
    if (!f.started) {
      const removed = await queue(f.gpus).remove(jobId(ns, name, f.token)).catch(() => 0);
      if (removed === 1) {
        f.finish({ status: 'failed', reason: 'TrialFailed', message: 'stopped before it started' });
        return;
      }
    }
    await redis.sadd(keys.stops, runKey(name, f.token));
    await redis.publish(STOP_CHANNEL, stopMessage(ns, name, f.token));
  };

  return {
    async run(run) {
      if (closed) return { status: 'failed', reason: 'TrialFailed', message: 'the queue runner is closed' };
      const name = run.trial.name;
      let finish!: (outcome: TrialOutcome) => void;
      const ended = new Promise<TrialOutcome>((resolve) => {
        finish = resolve;
      });
      const f: Flight = {
        run, token: '', gpus: options.gpus?.(run) ?? 0, attempt: undefined, rows: 0, started: false,
        missing: 0, lost: 0, enqueuedAt: Date.now(), noticed: false,
        finish: (outcome) => {
          if (flights.get(name) !== f) return;
          flights.delete(name);
          finish(outcome);
        },
      };
      flights.set(name, f);
      const onAbort = (): void => void stopFlight(f).catch((error: unknown) => log(`scriba: stopping trial ${name}: ${errorMessage(error)}`));
      try {
        // Only a trial an earlier controller left Running can have a job already.
        if (!(run.reattach === true && (await attach(f)))) await enqueue(f);
        if (run.signal.aborted) onAbort();
        else run.signal.addEventListener('abort', onAbort, { once: true });
        return await ended;
      } catch (error) {
        flights.delete(name);
        return { status: 'failed', reason: 'TrialFailed', message: `could not enqueue the trial: ${errorMessage(error)}` };
      } finally {
        run.signal.removeEventListener('abort', onAbort);
      }
    },
    async stop() {
      await Promise.all([...flights.values()].map((f) => stopFlight(f).catch(() => undefined)));
    },
    async cleanup() {
      await removeKeys(redis, ns, queue);
    },
    async close() {
      closed = true;
      clearInterval(checking);
      reader.disconnect();
      await reading;
      await queues.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The trial queues by GPU count, opened on first use on one connection. */
function trialQueues(redis: Redis): { get: (gpus: number) => Queue; close: () => Promise<void> } {
  const queues = new Map<number, Queue>();
  return {
    get: (gpus) => {
      let q = queues.get(gpus);
      if (!q) {
        q = new Queue(trialQueueName(gpus), { connection: redis, prefix: PREFIX });
        queues.set(gpus, q);
      }
      return q;
    },
    close: async () => {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

/** Removes the experiment's jobs still in the queues, then its keys. */
async function removeKeys(redis: Redis, ns: string, queue: (gpus: number) => Queue): Promise<void> {
  const keys = experimentKeys(ns);
  const runs = await redis.hgetall(keys.runs);
  for (const [trial, text] of Object.entries(runs)) {
    const r = parseRun(text);
    if (r) await queue(r.gpus).remove(jobId(ns, trial, r.run)).catch(() => 0);
  }
  await redis.del(keys.events, keys.results, keys.runs, keys.stops);
}

/**
 * An experiment deleted while trials of it may still run (its controller was killed): they
 * are told to stop, and once no job of it is active (at most `waitMs`), its jobs and keys go.
 * Resolves to the number of trials that were still running and were stopped.
 */
export async function purgeExperiment(url: string, ns: string, waitMs = 30_000): Promise<{ stopped: number; stillActive: number }> {
  const redis = await connectRedis(url);
  const queues = trialQueues(redis);
  const queue = queues.get;
  try {
    const keys = experimentKeys(ns);
    const runs = Object.entries(await redis.hgetall(keys.runs)).flatMap(([trial, text]) => {
      const r = parseRun(text);
      return r ? [{ trial, ...r }] : [];
    });
    const active = async () => {
      const states = await Promise.all(runs.map((r) => queue(r.gpus).getJobState(jobId(ns, r.trial, r.run))));
      return runs.filter((_, i) => states[i] === 'active');
    };
    const running = await active();
    for (const r of running) {
      await redis.sadd(keys.stops, runKey(r.trial, r.run));
      await redis.publish(STOP_CHANNEL, stopMessage(ns, r.trial, r.run));
    }
    // Their workers record the stopped trials' ends; only then may the keys go, or those writes would bring them back.
    const deadline = Date.now() + waitMs;
    let left = running;
    while (left.length > 0 && Date.now() < deadline) {
      await sleep(200);
      left = await active();
    }
    await removeKeys(redis, ns, queue);
    return { stopped: running.length, stillActive: left.length };
  } finally {
    await queues.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}

function parseRun(text: string | null | undefined): { run: string; gpus: number } | undefined {
  if (!text) return undefined;
  try {
    const r = JSON.parse(text) as { run?: unknown; gpus?: unknown };
    return typeof r.run === 'string' && Number.isInteger(r.gpus) ? { run: r.run, gpus: r.gpus as number } : undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

