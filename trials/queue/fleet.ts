/**
 * The fleet of workers as Redis knows it: each worker writes its registration (host, GPUs,
 * trials running) with a heartbeat into one hash; `scriba get workers` reads it, and the
 * controller asks it whether any worker could take a trial needing k GPUs.
 */
import type { Redis } from 'ioredis';
import type { GpuInfo } from '../gpus.js';
import { FLEET_KEY } from './keys.js';

export interface WorkerRunning {
  /** The experiment's namespace and the trial's name. */
  ns: string;
  trial: string;
  gpus: string[];
  since: string;
}

export interface WorkerRecord {
  name: string;
  host: string;
  pid: number;
  gpus: GpuInfo[];
  concurrency: number;
  started: string;
  /** Milliseconds since the epoch of the last heartbeat. */
  heartbeat: number;
  running: WorkerRunning[];
}

/** A worker whose heartbeat is older than this is lost (it was killed, or cannot reach Redis). */
export const LOST_AFTER_MS = 15_000;

export async function registerWorker(redis: Redis, record: WorkerRecord): Promise<void> {
  await redis.hset(FLEET_KEY, record.name, JSON.stringify(record));
}

export async function unregisterWorker(redis: Redis, name: string): Promise<void> {
  await redis.hdel(FLEET_KEY, name);
}

/** Every registered worker, by name, with whether its heartbeat is recent. */
export async function listWorkers(redis: Redis, now = Date.now()): Promise<Array<WorkerRecord & { alive: boolean }>> {
  const all = await redis.hgetall(FLEET_KEY);
  const workers: Array<WorkerRecord & { alive: boolean }> = [];
  for (const text of Object.values(all)) {
    try {
      const w = JSON.parse(text) as WorkerRecord;
      if (typeof w.name === 'string' && typeof w.heartbeat === 'number' && Array.isArray(w.gpus)) {
        workers.push({ ...w, running: Array.isArray(w.running) ? w.running : [], alive: now - w.heartbeat < LOST_AFTER_MS });
      }
    } catch {
      // not a registration this version wrote
    }
  }
  return workers.sort((a, b) => a.name.localeCompare(b.name));
}

export async function liveWorkers(redis: Redis): Promise<WorkerRecord[]> {
  return (await listWorkers(redis)).filter((w) => w.alive);
}
