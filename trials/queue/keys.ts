/**
 * The one place that knows Scriba's Redis key layout. Everything lives under the prefix
 * `scriba`:
 *
 *   scriba:<queue>:...                BullMQ's keys of a trial queue: `trials` for trials
 *                                     without GPUs, `trials-gpu-<k>` for trials needing k
 *   scriba:exp:<ns>:events            stream of what workers did with the experiment's trials
 *                                     (start, observation-log rows, end), read by its controller
 *   scriba:exp:<ns>:results           hash trial -> the recorded end of its current run
 *   scriba:exp:<ns>:runs              hash trial -> its current run token (re-attach after a crash)
 *   scriba:exp:<ns>:stops             set of "<trial>/<run>" the controller asked to stop
 *   scriba:stop                       pub/sub channel: "<ns>/<trial>/<run>" to stop now
 *   scriba:workers                    hash worker name -> its registration and heartbeat
 *
 * `<ns>` names one experiment of one store: its name and a digest of its creation time, so two
 * stores with an experiment of the same name never share keys. A trial's job id is
 * `<ns>/<trial>/<run>`: the trial's identity, with the run token that changes only when the
 * controller enqueues the trial again because its job was lost (Redis restarted empty).
 */
import { createHash } from 'node:crypto';

export const PREFIX = 'scriba';
export const STOP_CHANNEL = `${PREFIX}:stop`;
export const FLEET_KEY = `${PREFIX}:workers`;

/** The BullMQ queue of trials needing `gpus` GPUs. */
export function trialQueueName(gpus: number): string {
  return gpus === 0 ? 'trials' : `trials-gpu-${gpus}`;
}

/** The GPU count a queue name stands for, or undefined for a name that is not a trial queue. */
export function queueGpus(name: string): number | undefined {
  if (name === 'trials') return 0;
  const m = /^trials-gpu-([1-9]\d*)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** The namespace of one experiment: `<name>.<8 hex digits of its creation time>`. */
export function experimentNamespace(name: string, creationTime: string): string {
  return `${name}.${createHash('sha256').update(creationTime).digest('hex').slice(0, 8)}`;
}

export interface ExperimentKeys {
  events: string;
  results: string;
  runs: string;
  stops: string;
}

export function experimentKeys(ns: string): ExperimentKeys {
  const base = `${PREFIX}:exp:${ns}`;
  return { events: `${base}:events`, results: `${base}:results`, runs: `${base}:runs`, stops: `${base}:stops` };
}

export function jobId(ns: string, trial: string, run: string): string {
  return `${ns}/${trial}/${run}`;
}

/** What a stop message and a stop-set member name: one run of one trial. */
export function runKey(trial: string, run: string): string {
  return `${trial}/${run}`;
}

export function stopMessage(ns: string, trial: string, run: string): string {
  return `${ns}/${runKey(trial, run)}`;
}
