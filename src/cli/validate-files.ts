import { formatIssue } from '../errors.js';
import { loadExperiment } from '../experiment/load.js';
import type { Io } from './io.js';
import { readExperimentFile } from './read-experiment.js';

/** `scriba validate FILE...`: `FILE: valid` or one line per issue; 1 when any file is invalid (one too large included, unread), 2 when one cannot be read. */
export async function validateFiles(files: readonly string[], io: Io): Promise<number> {
  let code = 0;
  for (const file of files) {
    const read = await readExperimentFile(file);
    if ('error' in read) {
      io.err(`${file}: cannot read: ${read.error}`);
      code = Math.max(code, 2);
      continue;
    }
    const { issues, warnings } = 'tooLarge' in read ? { issues: [read.tooLarge], warnings: [] } : loadExperiment(read.text);
    for (const warning of warnings) io.err(`${file}: warning: ${formatIssue(warning)}`);
    if (issues.length === 0) io.out(`${file}: valid`);
    else for (const issue of issues) io.out(`${file}: ${formatIssue(issue)}`);
    if (issues.length > 0) code = Math.max(code, 1);
  }
  return code;
}
