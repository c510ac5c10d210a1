import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadExperiment } from './experiment/load.js';
import { formatIssue } from './errors.js';

const USAGE = `Usage: scriba <command> [options]

Commands:
  validate FILE...   check Katib Experiment YAML/JSON files; prints "FILE: valid" or one line per issue
  help               show this help
  version            print the version

Exit codes: 0 success, 1 invalid experiment, 2 bad usage.`;

/** Runs the CLI; returns the exit code. Output goes through the given writers (tests pass their own). */
export async function main(
  argv: readonly string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  err: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'validate':
      return validate(args, out, err);
    case 'version':
    case '--version':
    case '-v': {
      const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
      out(pkg.version);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      err(`scriba: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

async function validate(files: readonly string[], out: (l: string) => void, err: (l: string) => void): Promise<number> {
  if (files.length === 0) {
    err('scriba validate: expected at least one FILE');
    return 2;
  }
  let code = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      err(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      code = Math.max(code, 2);
      continue;
    }
    const { issues } = loadExperiment(text);
    if (issues.length === 0) {
      out(`${file}: valid`);
    } else {
      for (const issue of issues) out(`${file}: ${formatIssue(issue)}`);
      code = Math.max(code, 1);
    }
  }
  return code;
}
