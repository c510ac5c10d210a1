import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage, formatIssue, ScribaError } from '../errors.js';
import { loadExperiment } from '../experiment/load.js';
import { DEFAULT_DB_PATH } from '../store/sqlite-store.js';
import { packageVersion } from '../version.js';
import { bench } from './bench.js';
import { getExperiments, getTrial, getTrials, trialLogs } from './get.js';
import { resumeExperiment, runFile } from './run.js';
import { serve } from './serve.js';

const USAGE = `Usage: scriba <command> [options]

Commands:
  validate FILE...          check Katib Experiment YAML/JSON files
  run FILE                  run an Experiment here, trials as local processes
      [--db PATH] [--json] [--seed N] [--gpus LIST|all|none] [--timeout SECONDS]
  resume NAME               continue an experiment after a crash
      [--db PATH] [--json] [--gpus LIST|all|none] [--timeout SECONDS] [--max-trial-count N]
  get experiments           list experiments            [--db PATH] [--json]
  get trials NAME           list an experiment's trials [--db PATH] [--json]
  get trial NAME            show one trial              [--db PATH] [--json]
  logs TRIAL                print a trial's output      [--db PATH]
  bench run|latency|report  the benchmark protocol (see scriba bench --help)
  serve suggestion|early-stopping|db-manager
                            Katib's gRPC services (see scriba serve --help)
  help | version

The store defaults to ${DEFAULT_DB_PATH}; trials run in its folder, under trials/.
Exit codes: 0 success (experiment Succeeded), 1 experiment Failed or file invalid, 2 bad input.`;

/** Where the CLI writes; tests pass their own. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Text exactly as given (trial logs). */
  raw(text: string): void;
  /** Rewrites the live progress line (terminal only). */
  progress(line: string): void;
  isTTY: boolean;
}

export const processIo: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  raw: (t) => process.stdout.write(t),
  progress: (l) => process.stdout.write(`\r\x1b[2K${l}`),
  isTTY: process.stdout.isTTY === true,
};

const OPTIONS = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  seed: { type: 'string' },
  gpus: { type: 'string' },
  timeout: { type: 'string' },
  'max-trial-count': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'validate':
        return await validate(rest, io);
      case 'run': {
        const { flags, positionals } = parse(rest, ['db', 'json', 'seed', 'gpus', 'timeout']);
        return await runFile(one(positionals, 'FILE'), flags, io);
      }
      case 'resume': {
        const { flags, positionals } = parse(rest, ['db', 'json', 'gpus', 'timeout', 'max-trial-count']);
        return await resumeExperiment(one(positionals, 'NAME'), flags, io);
      }
      case 'get': {
        const [what, ...args] = rest;
        const { flags, positionals } = parse(args, ['db', 'json']);
        if (what === 'experiments' || what === 'experiment') return getExperiments(flags, io);
        if (what === 'trials') return getTrials(one(positionals, 'NAME'), flags, io);
        if (what === 'trial') return getTrial(one(positionals, 'NAME'), flags, io);
        throw usage(`scriba get: expected experiments, trials NAME or trial NAME, got ${what ?? 'nothing'}`);
      }
      case 'bench':
        return await bench(rest, io);
      case 'serve':
        return await serve(rest, io);
      case 'logs': {
        const { flags, positionals } = parse(rest, ['db']);
        return await trialLogs(one(positionals, 'TRIAL'), flags, io);
      }
      case 'version':
      case '--version':
      case '-v':
        io.out(packageVersion());
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw usage(`scriba: unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof ScribaError) {
      io.err(error.code === 'invalid-argument' && error.message.startsWith('scriba') ? `${error.message}\n\n${USAGE}` : `scriba: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

function usage(message: string): ScribaError {
  return new ScribaError('invalid-argument', message);
}

type OptionName = keyof typeof OPTIONS;

function parse(args: readonly string[], allowed: OptionName[]) {
  const options = Object.fromEntries(allowed.map((k) => [k, OPTIONS[k]]));
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usage(`scriba: ${errorMessage(error)}`);
  }
  const v = parsed.values as Partial<Record<OptionName, string | boolean>>;
  const flags = {
    db: typeof v.db === 'string' ? v.db : DEFAULT_DB_PATH,
    json: v.json === true,
    ...(v.seed !== undefined ? { seed: integer(v.seed, '--seed', 0) } : {}),
    ...(typeof v.gpus === 'string' ? { gpus: v.gpus } : {}),
    ...(v.timeout !== undefined ? { timeoutSeconds: integer(v.timeout, '--timeout', 1) } : {}),
    ...(v['max-trial-count'] !== undefined ? { maxTrialCount: integer(v['max-trial-count'], '--max-trial-count', 1) } : {}),
  };
  return { flags, positionals: parsed.positionals };
}

function integer(value: string | boolean, flag: string, min: number): number {
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < min) throw usage(`scriba: ${flag} expects an integer >= ${min}, got "${String(value)}"`);
  return n;
}

function one(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw usage(`scriba: expected one ${what}, got ${positionals.length}`);
  return positionals[0] as string;
}

async function validate(files: readonly string[], io: Io): Promise<number> {
  if (files.length === 0) throw usage('scriba validate: expected at least one FILE');
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
