/**
 * What travels through Redis: the trial job a controller enqueues, and the events a worker
 * writes back to the experiment's stream. Both are checked when read, so a malformed job or
 * event is refused with a message naming the field, never half-used.
 */
import type { Experiment } from '../../src/experiment/types.js';
import type { TrialOutcome } from '../../src/loop/state.js';
import type { MetricLog, ParameterAssignment } from '../../src/trial/types.js';

export const JOB_VERSION = 1;

/** One trial to run, as a BullMQ job's data. */
export interface TrialJob {
  v: typeof JOB_VERSION;
  /** The experiment's namespace (keys.ts). */
  ns: string;
  /** The run token: a new one only when the controller enqueues a lost trial again. */
  run: string;
  /** `process`: the trial template's command; `function`: the objective the worker loaded (`--objective`). */
  kind: 'process' | 'function';
  experiment: Experiment;
  trial: { name: string; parameterAssignments: ParameterAssignment[]; labels?: Record<string, string> };
  /** GPUs the trial needs (its queue says the same). */
  gpus: number;
  /** For `function` trials: the name of the objective function the controller was given. */
  objective?: string;
  timeoutMs?: number;
  killGraceMs?: number;
  /** PBT's checkpoint directory: a path the worker must see too (a shared file system). */
  checkpointDir?: string;
  /** The folder of the controller's Experiment file (SCRIBA_EXPERIMENT_DIR), where the worker has it too. */
  experimentDir?: string;
}

/** A job's data, checked; throws an Error naming the first bad field. */
export function parseTrialJob(data: unknown): TrialJob {
  const bad = (field: string, expected: string): never => {
    throw new Error(`malformed trial job: ${field}: expected ${expected}`);
  };
  if (typeof data !== 'object' || data === null) return bad('data', 'an object');
  const d = data as Record<string, unknown>;
  if (d.v !== JOB_VERSION) bad('v', `${JOB_VERSION} (a job of another Scriba version?), got ${JSON.stringify(d.v)}`);
  if (typeof d.ns !== 'string' || d.ns === '') bad('ns', 'a namespace');
  if (typeof d.run !== 'string' || d.run === '') bad('run', 'a run token');
  if (d.kind !== 'process' && d.kind !== 'function') bad('kind', '"process" or "function"');
  const e = d.experiment as Record<string, unknown> | undefined;
  if (typeof e !== 'object' || e === null || typeof (e.metadata as { name?: unknown } | undefined)?.name !== 'string' || typeof e.spec !== 'object') {
    bad('experiment', 'an Experiment with metadata.name and spec');
  }
  const t = d.trial as Record<string, unknown> | undefined;
  if (typeof t !== 'object' || t === null || typeof t.name !== 'string' || t.name === '') bad('trial.name', 'a trial name');
  const assignments = (t as Record<string, unknown>).parameterAssignments;
  if (!Array.isArray(assignments) || !assignments.every((a) => typeof a?.name === 'string' && typeof a?.value === 'string')) {
    bad('trial.parameterAssignments', 'a list of { name, value } strings');
  }
  if (!Number.isInteger(d.gpus) || (d.gpus as number) < 0) bad('gpus', 'a whole number ≥ 0');
  for (const field of ['timeoutMs', 'killGraceMs'] as const) {
    if (d[field] !== undefined && !(typeof d[field] === 'number' && (d[field] as number) > 0)) bad(field, 'a positive number of milliseconds');
  }
  for (const field of ['objective', 'checkpointDir', 'experimentDir'] as const) {
    if (d[field] !== undefined && typeof d[field] !== 'string') bad(field, 'a string');
  }
  return d as unknown as TrialJob;
}

/** What a worker tells the controller, in order, on the experiment's events stream. */
export type QueueEvent =
  | { kind: 'start'; trial: string; run: string; attempt: number; worker: string }
  | { kind: 'logs'; trial: string; run: string; attempt: number; seq: number; logs: MetricLog[] }
  | { kind: 'end'; trial: string; run: string; attempt: number; outcome: TrialOutcome; rows: number };

/** The stream entry's field/value list. */
export function encodeEvent(event: QueueEvent): string[] {
  const { kind, trial, run, attempt } = event;
  const fields = ['kind', kind, 'trial', trial, 'run', run, 'attempt', String(attempt)];
  if (event.kind === 'start') fields.push('worker', event.worker);
  if (event.kind === 'logs') fields.push('seq', String(event.seq), 'logs', JSON.stringify(event.logs));
  if (event.kind === 'end') fields.push('outcome', JSON.stringify(event.outcome), 'rows', String(event.rows));
  return fields;
}

/** A stream entry back as an event; undefined when it is not one this version writes. */
export function decodeEvent(fields: readonly string[]): QueueEvent | undefined {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i] as string, fields[i + 1] as string);
  const trial = f.get('trial');
  const run = f.get('run');
  const attempt = Number(f.get('attempt'));
  if (!trial || !run || !Number.isInteger(attempt)) return undefined;
  try {
    switch (f.get('kind')) {
      case 'start':
        return { kind: 'start', trial, run, attempt, worker: f.get('worker') ?? '' };
      case 'logs': {
        const seq = Number(f.get('seq'));
        const logs = JSON.parse(f.get('logs') ?? '') as MetricLog[];
        return Number.isInteger(seq) && Array.isArray(logs) ? { kind: 'logs', trial, run, attempt, seq, logs } : undefined;
      }
      case 'end': {
        const outcome = JSON.parse(f.get('outcome') ?? '') as TrialOutcome;
        const rows = Number(f.get('rows'));
        return Number.isInteger(rows) && isOutcome(outcome) ? { kind: 'end', trial, run, attempt, outcome, rows } : undefined;
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/** The recorded end of a run (the results hash): the outcome and how many log rows it had. */
export interface RecordedResult {
  run: string;
  attempt: number;
  outcome: TrialOutcome;
  rows: number;
}

export function parseResult(text: string | null | undefined): RecordedResult | undefined {
  if (!text) return undefined;
  try {
    const r = JSON.parse(text) as RecordedResult;
    return typeof r.run === 'string' && Number.isInteger(r.rows) && isOutcome(r.outcome) ? r : undefined;
  } catch {
    return undefined;
  }
}

function isOutcome(o: unknown): o is TrialOutcome {
  const status = (o as { status?: unknown } | null)?.status;
  return status === 'completed' || status === 'earlyStopped' || (status === 'failed' && typeof (o as { message?: unknown }).message === 'string');
}
