import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';

const exec = promisify(execFile);
export const ROOT = join(import.meta.dirname, '..', '..');
/** The built bin (npm test builds the package first). */
export const BIN = join(ROOT, 'dist/src/bin.js');

/** Runs `scriba ARGS` from the repository root and resolves to its stdout; a non-zero exit rejects. */
export async function scribaOut(args: readonly string[]): Promise<string> {
  const { stdout } = await exec(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 120_000 });
  return stdout;
}

/** A temporary folder for the tests of one file, removed after them; read it inside a test. */
export function tempDirForFile(prefix: string): () => string {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}
