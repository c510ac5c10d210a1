import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Objective } from '../../trials/function-runner.js';
import { detectGpus, parseGpuList, type GpuInfo } from '../../trials/gpus.js';
import { connectRedis, redact } from '../../trials/queue/connection.js';
import { listWorkers } from '../../trials/queue/fleet.js';
import { startQueueWorker } from '../../trials/queue/worker.js';
import { errorMessage, ScribaError } from '../errors.js';
import type { Io } from './io.js';
import { table } from './output.js';

export interface WorkerFlags {
  queue: string;
  gpus?: string;
  concurrency?: number;
  name?: string;
  objective?: string;
  workDir: string;
  experimentDir?: string;
  lockSeconds?: number;
  quiet: boolean;
}

/** `scriba worker`: takes trials from the queue until SIGINT or SIGTERM; running trials then go back to the queue. */
export async function runWorker(flags: WorkerFlags, io: Io): Promise<number> {
  const gpus = await workerGpus(flags.gpus, io);
  const objective = flags.objective ? await loadObjective(flags.objective) : undefined;
  const worker = await startQueueWorker({
    url: flags.queue,
    workDir: resolve(flags.workDir),
    gpus,
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
    ...(objective ? { objective } : {}),
    ...(flags.experimentDir !== undefined ? { experimentDir: checkDir(flags.experimentDir) } : {}),
    ...(flags.lockSeconds !== undefined ? { lockMs: flags.lockSeconds * 1000 } : {}),
    log: (line) => io.err(line),
    ...(flags.quiet ? {} : { onTrial: (line: string) => io.err(line) }),
  });
  const devices = gpus.length === 0 ? 'no GPUs' : `GPUs ${gpus.map((g) => g.index).join(',')}`;
  io.err(`scriba worker ${worker.name}: taking trials from ${redact(flags.queue)} (${devices}, ${worker.concurrency} at a time)`);
  const signal = await new Promise<NodeJS.Signals>((done) => {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, () => done(s));
  });
  io.err(`scriba worker ${worker.name}: ${signal}: stopping; its running trials go back to the queue`);
  await worker.close();
  return 0;
}

/** GPUs a worker hands out: a list (`0,1` or UUIDs), `all` (nvidia-smi), `none`; by default what nvidia-smi finds. */
async function workerGpus(flag: string | undefined, io: Io): Promise<GpuInfo[]> {
  if (flag === 'none') return [];
  if (flag === 'all') return detectGpus();
  if (flag !== undefined) {
    const ids = parseGpuList(flag);
    // The names and memory come from nvidia-smi when it knows the devices; a CPU machine names them only.
    const known = await detectGpus().catch(() => [] as GpuInfo[]);
    return ids.map((id) => known.find((g) => g.index === id) ?? { index: id, name: 'unknown' });
  }
  try {
    return await detectGpus();
  } catch (error) {
    io.err(`scriba worker: no GPUs will be assigned: ${errorMessage(error)}`);
    return [];
  }
}

/** `--objective ./train.js#name` (default export without `#`): the function trials of `tune({ queue })` run. */
export async function loadObjective(spec: string): Promise<Objective> {
  const hash = spec.lastIndexOf('#');
  const file = hash > 0 ? spec.slice(0, hash) : spec;
  const exported = hash > 0 ? spec.slice(hash + 1) : 'default';
  const path = resolve(file);
  if (!existsSync(path)) throw new ScribaError('invalid-argument', `--objective: ${file} does not exist (expected MODULE#EXPORT, e.g. ./train.js#objective)`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ScribaError('invalid-argument', `--objective: cannot load ${file}: ${errorMessage(error)}`);
  }
  const fn = module[exported];
  if (typeof fn !== 'function') {
    const functions = Object.keys(module).filter((k) => typeof module[k] === 'function');
    throw new ScribaError('invalid-argument', `--objective: ${file} has no function export "${exported}" (its functions: ${functions.join(', ') || 'none'})`);
  }
  return fn as Objective;
}

/** `scriba get workers --queue URL`: the fleet with its GPUs, running trials and last heartbeat. */
export async function getWorkers(queue: string, json: boolean, io: Io): Promise<number> {
  const redis = await connectRedis(queue);
  try {
    const workers = await listWorkers(redis);
    if (json) {
      io.out(JSON.stringify(workers, null, 2));
      return 0;
    }
    if (workers.length === 0) {
      io.out(`No workers are registered at ${redact(queue)}.`);
      return 0;
    }
    const now = Date.now();
    io.out(
      table(
        ['NAME', 'STATUS', 'HOST', 'GPUS', 'RUNNING', 'HEARTBEAT'],
        workers.map((w) => [
          w.name,
          w.alive ? 'Ready' : 'Lost',
          w.host,
          describeGpus(w.gpus),
          w.running.length === 0 ? '-' : w.running.map((r) => (r.gpus.length > 0 ? `${r.trial} (GPU ${r.gpus.join(',')})` : r.trial)).join(', '),
          `${Math.max(0, Math.round((now - w.heartbeat) / 1000))}s ago`,
        ]),
      ),
    );
    return 0;
  } finally {
    redis.disconnect();
  }
}

/** `2× NVIDIA H200 (139 GiB)`, or the device ids when nvidia-smi did not name them. */
export function describeGpus(gpus: readonly GpuInfo[]): string {
  if (gpus.length === 0) return '-';
  const groups = new Map<string, string[]>();
  for (const g of gpus) {
    const label = g.name === 'unknown' ? '' : `${g.name}${g.memoryMiB !== undefined ? ` (${Math.round(g.memoryMiB / 1024)} GiB)` : ''}`;
    groups.set(label, [...(groups.get(label) ?? []), g.index]);
  }
  return [...groups].map(([label, ids]) => (label ? `${ids.length}× ${label}` : ids.join(','))).join(', ');
}

function checkDir(dir: string): string {
  const path = resolve(dir);
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new ScribaError('invalid-argument', `--experiment-dir: ${dir} is not a folder`);
  return path;
}
