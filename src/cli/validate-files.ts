import { readFile } from 'node:fs/promises';
import { errorMessage, formatIssue } from '../errors.js';
import { loadExperiment } from '../experiment/load.js';
import type { Io } from './io.js';

/** `scriba validate FILE...`: `FILE: valid` or one line per issue; 1 when any file is invalid, 2 when one cannot be read. */
export async function validateFiles(files: readonly string[], io: Io): Promise<number> {
  let code = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      io.err(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
      code = Math.max(code, 2);
      continue;
    }
    const { issues } = loadExperiment(text);
    if (issues.length === 0) io.out(`${file}: valid`);
    else for (const issue of issues) io.out(`${file}: ${formatIssue(issue)}`);
    if (issues.length > 0) code = Math.max(code, 1);
  }
  return code;
}
