import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** The built CLI (npm test builds dist/ first). */
export const root = join(import.meta.dirname, '..', '..');
export const bin = join(root, 'dist/src/bin.js');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end. */
export function scriba(args: readonly string[], cwd = root): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, timeout: 120_000, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts the CLI in the background; `stderr()` and `stdout()` grow as it writes. */
export function start(args: readonly string[], cwd = root) {
  const child = spawn(process.execPath, [bin, ...args], { cwd });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/**
 * Waits until `check` returns something other than undefined, looking every 25 ms: tests
 * wait for a state (a row in the store, a line of output), never for a fixed time.
 */
export async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Trials of the store at `db` in a given condition, read directly (undefined while the file is not there yet). */
export function trialsIn(db: string, condition: string): string[] | undefined {
  let store: Database.Database;
  try {
    store = new Database(db, { readonly: true, fileMustExist: true });
  } catch {
    return undefined;
  }
  try {
    return (store.prepare('SELECT name FROM trials WHERE condition = ? ORDER BY seq').all(condition) as { name: string }[]).map((r) => r.name);
  } catch {
    return undefined; // the tables are not created yet
  } finally {
    store.close();
  }
}

/** Processes carrying a trial of `experiment` in their environment (trials and the children they forked). */
export function trialProcesses(experiment: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').includes(`KATIB_TRIAL_NAME=${experiment}-`)) pids.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}
