import { open } from 'node:fs/promises';
import { errorMessage } from '../errors.js';
import { sizeIssue } from '../experiment/load.js';
import { MAX_EXPERIMENT_BYTES } from '../experiment/limits.js';
import type { ValidationIssue } from '../experiment/types.js';

export type ReadResult = { text: string } | { tooLarge: ValidationIssue } | { error: string };

/**
 * An Experiment file's text, read only when it is within MAX_EXPERIMENT_BYTES: a regular
 * file's size is checked before anything is read, and a pipe is read no further than one
 * byte past the limit. `error` is why the file cannot be read (ENOENT, EISDIR, ...).
 */
export async function readExperimentFile(file: string): Promise<ReadResult> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code ?? errorMessage(error) };
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) return { error: 'EISDIR' };
    const before = stat.isFile() ? sizeIssue(stat.size) : undefined;
    if (before) return { tooLarge: before };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.alloc(Math.min(1 << 20, MAX_EXPERIMENT_BYTES + 1 - total));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      // A file that grew, or a pipe: stop one byte past the limit.
      if (total > MAX_EXPERIMENT_BYTES) return { tooLarge: sizeIssue(total, true) as ValidationIssue };
    }
    return { text: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code ?? errorMessage(error) };
  } finally {
    await handle.close();
  }
}
