import { execFile } from 'node:child_process';
import { ScribaError } from '../src/errors.js';

/** One GPU as `nvidia-smi` lists it. */
export interface GpuInfo {
  /** The device index (PCI bus order), as CUDA_VISIBLE_DEVICES takes it with CUDA_DEVICE_ORDER=PCI_BUS_ID. */
  index: string;
  name: string;
  /** Total memory in MiB; undefined when nvidia-smi reports none (e.g. `[N/A]`). */
  memoryMiB?: number;
}

/** Runs a program and returns its standard output; rejects like `execFile`. */
export type Exec = (file: string, args: readonly string[]) => Promise<{ stdout: string }>;

const DEVICE_ID = /^(\d+|(GPU|MIG)-[\w\-/]+)$/;

/**
 * Parses a device list given by the user, e.g. `--gpus 0,1,3`: indices or GPU/MIG UUIDs,
 * separated by commas. An empty text is no GPUs.
 */
export function parseGpuList(text: string): string[] {
  if (text.trim() === '') return [];
  const ids = text.split(',').map((s) => s.trim());
  const problems: string[] = [];
  ids.forEach((id, i) => {
    if (id === '') problems.push(`entry ${i + 1} is empty`);
    else if (!DEVICE_ID.test(id)) problems.push(`"${id}" is not a device index (0, 1, ...) or UUID (GPU-..., MIG-...)`);
    else if (ids.indexOf(id) !== i) problems.push(`device "${id}" is listed twice`);
  });
  if (problems.length > 0) {
    throw new ScribaError('invalid-argument', `invalid GPU list "${text}": ${problems.join('; ')}; expected e.g. "0,1,3"`);
  }
  return ids;
}

/** Parses `nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader`. */
export function parseNvidiaSmi(csv: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const [n, raw] of csv.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const fields = line.split(',').map((f) => f.trim());
    const index = fields[0] ?? '';
    if (fields.length < 3 || !/^\d+$/.test(index)) {
      throw new ScribaError('internal', `unexpected nvidia-smi output on line ${n + 1}: "${line}"; expected "index, name, memory"`);
    }
    const memory = /^(\d+)\s*MiB$/i.exec(fields[fields.length - 1] ?? '');
    gpus.push({
      index,
      name: fields.slice(1, -1).join(', '),
      ...(memory ? { memoryMiB: Number(memory[1]) } : {}),
    });
  }
  return gpus;
}

const defaultExec: Exec = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr: String(stderr) }));
      else resolve({ stdout: String(stdout) });
    });
  });

/**
 * The GPUs of this machine, from `nvidia-smi`. A machine without nvidia-smi has none;
 * an nvidia-smi that fails (no driver loaded) is an error naming its message.
 */
export async function detectGpus(exec: Exec = defaultExec): Promise<GpuInfo[]> {
  let stdout: string;
  try {
    ({ stdout } = await exec('nvidia-smi', ['--query-gpu=index,name,memory.total', '--format=csv,noheader']));
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') return [];
    const detail = (e.stderr ?? '').trim() || e.message;
    throw new ScribaError('failed-precondition', `nvidia-smi failed: ${detail}; give the GPUs explicitly (e.g. --gpus 0,1) or none`);
  }
  return parseNvidiaSmi(stdout);
}

/** Devices held by one trial until it releases them. */
export interface GpuLease {
  ids: string[];
  /** Returns the devices to the pool; calling it again does nothing. */
  release(): void;
}

/** An inventory of GPUs handed out exclusively, first come first served. */
export interface GpuPool {
  readonly size: number;
  /** Devices free now. */
  readonly available: number;
  /**
   * Resolves with `n` devices once they are free; requests are served in arrival order
   * (a large request is not overtaken by later small ones). Rejects at once when `n`
   * exceeds the inventory, and when `signal` aborts while waiting.
   */
  acquire(n: number, options?: { signal?: AbortSignal }): Promise<GpuLease>;
}

export function createGpuPool(ids: readonly string[]): GpuPool {
  const inventory = parseGpuList(ids.join(','));
  const free = new Set(inventory);
  const waiting: Array<{ n: number; resolve: (lease: GpuLease) => void }> = [];

  const take = (n: number): GpuLease => {
    const taken = inventory.filter((id) => free.has(id)).slice(0, n);
    for (const id of taken) free.delete(id);
    let released = false;
    return {
      ids: taken,
      release() {
        if (released) return;
        released = true;
        for (const id of taken) free.add(id);
        serve();
      },
    };
  };
  const serve = (): void => {
    while (waiting.length > 0 && (waiting[0]?.n ?? 0) <= free.size) {
      const next = waiting.shift();
      next?.resolve(take(next.n));
    }
  };

  return {
    size: inventory.length,
    get available() {
      return free.size;
    },
    acquire(n, options = {}) {
      if (!Number.isInteger(n) || n < 0) {
        return Promise.reject(new ScribaError('invalid-argument', `expected a whole number of GPUs, got ${n}`));
      }
      if (n > inventory.length) {
        const have = inventory.length === 0 ? 'no GPUs' : `${inventory.length} (${inventory.join(', ')})`;
        return Promise.reject(
          new ScribaError('failed-precondition', `the trial requests ${n} GPUs (nvidia.com/gpu) but this runner has ${have}`),
        );
      }
      if (n === 0 || (waiting.length === 0 && n <= free.size)) return Promise.resolve(take(n));
      const { signal } = options;
      if (signal?.aborted) return Promise.reject(abortError(signal));
      return new Promise((resolve, reject) => {
        const entry = {
          n,
          resolve: (lease: GpuLease) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(lease);
          },
        };
        const onAbort = (): void => {
          const i = waiting.indexOf(entry);
          if (i >= 0) waiting.splice(i, 1);
          reject(abortError(signal as AbortSignal));
          serve(); // a smaller request behind this one may fit now
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(entry);
      });
    },
  };
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new ScribaError('failed-precondition', 'stopped while waiting for GPUs');
}
