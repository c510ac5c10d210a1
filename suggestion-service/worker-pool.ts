import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import type { SuggestionReply, SuggestionRequest } from '../algorithms/types.js';
import { errorMessage, ScribaError, type ErrorCode } from '../src/errors.js';
import type { ValidationIssue } from '../src/experiment/types.js';
import { StatusError } from './status.js';

/** A call to a pool thread: a registry algorithm by name, and its request. */
export interface WorkerRequest {
  id: number;
  algorithm: string;
  request: SuggestionRequest;
}

/** An error crossing threads: its kind and fields (structured cloning keeps no classes). */
export type WorkerError =
  | { kind: 'scriba'; code: ErrorCode; message: string; issues: ValidationIssue[] }
  | { kind: 'status'; code: number; message: string }
  | { kind: 'other'; message: string };

export type WorkerResponse = { id: number; reply: SuggestionReply; error?: undefined } | { id: number; error: WorkerError; reply?: undefined };

export function encodeWorkerError(error: unknown): WorkerError {
  if (error instanceof ScribaError) return { kind: 'scriba', code: error.code, message: error.message, issues: [...error.issues] };
  if (error instanceof StatusError) return { kind: 'status', code: error.code, message: error.message };
  return { kind: 'other', message: errorMessage(error) };
}

export function decodeWorkerError(e: WorkerError): Error {
  if (e.kind === 'scriba') return new ScribaError(e.code, e.message, e.issues);
  if (e.kind === 'status') return new StatusError(e.code, e.message);
  return new Error(e.message);
}

/** The compiled worker next to this module; absent when running from TypeScript sources (then algorithms run in the calling thread). */
export function workerFile(): URL | undefined {
  const url = new URL('./suggestion-worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

/** Threads by default: one per core but one, at most 4. */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (reply: SuggestionReply) => void; reject: (error: Error) => void }>;
}

/**
 * Worker threads that run GetSuggestions' algorithm work, so that a long computation
 * (cmaes over a thousand parameters takes seconds) never holds the event loop that
 * answers health checks and carries out shutdown. Threads start on first use; a call
 * goes to the thread with the fewest calls; `close()` terminates them, cancelling any
 * computation still running.
 */
export class AlgorithmPool {
  private readonly threads: Thread[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly file: URL,
    private readonly size = defaultPoolSize(),
  ) {}

  run(algorithm: string, request: SuggestionRequest): Promise<SuggestionReply> {
    if (this.closed) return Promise.reject(new StatusError(grpc.status.UNAVAILABLE, 'the server is shutting down'));
    const thread = this.pick();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, algorithm, request } satisfies WorkerRequest);
    });
  }

  /** Terminates every thread; calls still running fail with UNAVAILABLE. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.splice(0).map((t) => t.worker.terminate()));
  }

  private pick(): Thread {
    const idle = this.threads.find((t) => t.pending.size === 0);
    if (idle) return idle;
    if (this.threads.length < this.size) return this.spawn();
    return this.threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private spawn(): Thread {
    const worker = new Worker(this.file);
    const thread: Thread = { worker, pending: new Map() };
    const fail = (error: Error) => {
      const i = this.threads.indexOf(thread);
      if (i >= 0) this.threads.splice(i, 1);
      for (const p of thread.pending.values()) p.reject(error);
      thread.pending.clear();
    };
    worker.on('message', (m: WorkerResponse) => {
      const p = thread.pending.get(m.id);
      if (!p) return;
      thread.pending.delete(m.id);
      if (m.error) p.reject(decodeWorkerError(m.error));
      else p.resolve(m.reply);
    });
    worker.on('error', (error) => fail(new Error(`algorithm thread failed: ${errorMessage(error)}`)));
    worker.on('exit', (code) => fail(this.closed ? new StatusError(grpc.status.UNAVAILABLE, 'the server is shutting down') : new Error(`algorithm thread exited with code ${code}`)));
    this.threads.push(thread);
    return thread;
  }
}
