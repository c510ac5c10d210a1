import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { trialDirectory } from '../../trials/process-runner.js';
import { ScribaError } from '../errors.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { isCompleted } from '../trial/types.js';
import { notFound } from './get.js';
import type { Io } from './io.js';

export interface LogsFlags {
  db: string;
  follow: boolean;
  /** How often a follower looks for new output and for the trial's end. */
  pollMs?: number;
}

/** `scriba logs TRIAL [-f]`: what the trial's process wrote (stdout and stderr), followed until the trial ends. */
export async function trialLogs(trialName: string, flags: LogsFlags, io: Io): Promise<number> {
  const open = new SqliteStore(flags.db, { create: false });
  try {
    const experiment = open.experimentOfTrial(trialName);
    if (!experiment) throw notFound('trials', trialName, open.path);
    const file = trialOutputFile(open.path, experiment, trialName);
    if (!flags.follow) {
      const text = readFrom(file, 0);
      if (text === undefined) throw new ScribaError('not-found', `trial ${trialName} has no output yet (${file})`);
      io.raw(text.toString('utf8'));
      return 0;
    }
    return await follow(open, experiment, trialName, file, flags.pollMs ?? 200, io);
  } finally {
    open.close();
  }
}

/**
 * Prints the file as it grows until the trial is completed in the store; a trial that runs
 * again starts a new file, printed from its start. Ends with exit 1 when the experiment has
 * no live process, so a follower never waits on an interrupted run.
 */
async function follow(store: SqliteStore, experiment: string, trialName: string, file: string, pollMs: number, io: Io): Promise<number> {
  let offset = 0;
  // A character split between two reads is printed whole with the second.
  let decoder = new StringDecoder('utf8');
  const drain = (): void => {
    const size = statSync(file, { throwIfNoEntry: false })?.size;
    if (size === undefined) return;
    if (size < offset) {
      offset = 0; // a new attempt's file
      decoder = new StringDecoder('utf8');
    }
    const chunk = readFrom(file, offset);
    if (chunk && chunk.length > 0) {
      offset += chunk.length;
      io.raw(decoder.write(chunk));
    }
  };
  for (;;) {
    // The condition first: output written before the trial ended is read after it.
    const condition = store.trialCondition(trialName);
    drain();
    if (condition === undefined) throw notFound('trials', trialName, store.path);
    if (isCompleted(condition)) return 0;
    if (!store.owner(experiment).alive) {
      io.err(`scriba: experiment ${experiment} is Interrupted: no process runs trial ${trialName}; continue it with: scriba resume ${experiment}`);
      return 1;
    }
    await sleep(pollMs);
  }
}

/** The file's bytes from `offset`, or undefined when there is no file. */
/** Where the trial's process output of a store's experiment is written. */
export function trialOutputFile(storePath: string, experiment: string, trialName: string): string {
  return join(trialDirectory(join(dirname(resolve(storePath)), 'trials'), experiment, trialName), 'output.log');
}

/** The file from `offset` to its end; undefined when it does not exist. */
export function readFrom(file: string, offset: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(64 * 1024);
    for (let position = offset; ; ) {
      const n = readSync(fd, buffer, 0, buffer.length, position);
      if (n === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, n)));
      position += n;
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}
