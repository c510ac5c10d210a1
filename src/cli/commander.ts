import { Command, CommanderError, Option } from 'commander';
import { errorMessage, ScribaError } from '../errors.js';
import { DEFAULT_DB_PATH } from '../store/sqlite-store.js';
import type { Io } from './io.js';

/** What every command's action shares: where to write, and the exit code it chose. */
export interface Context {
  io: Io;
  /** The arguments as given, for commands that record how they were called. */
  argv: readonly string[];
  code: number;
}

/** An action that returns its exit code; commander's own arguments come first, as it passes them. */
export function action<A extends unknown[]>(ctx: Context, run: (...args: A) => number | Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    ctx.code = await run(...args);
  };
}

export function usageError(message: string): ScribaError {
  return new ScribaError('invalid-argument', message);
}

/** `--db PATH`, on every command that reads or writes the store. */
export function dbOption(): Option {
  return new Option('--db <path>', 'the store').default(DEFAULT_DB_PATH);
}

/** An integer flag value, at least `min`; the message names the flag. */
export function integer(value: string, flag: string, min: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min) throw usageError(`${flag} expects an integer >= ${min}, got "${value}"`);
  return Number(value);
}

/** `scriba get trials` and so on, as the user typed it. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Commander's error, on one line: `scriba run: unknown option '--jsn' (did you mean --json?)`,
 * with where to look instead of the whole usage.
 */
export function oneLine(command: Command, text: string): string {
  const message = text
    .trim()
    .replace(/^error: /, '')
    .replace(/\s*\n\(Did you mean (.+)\?\)$/, ' (did you mean $1?)')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\.$/, '');
  const path = commandPath(command);
  return `${path}: ${message}; see '${path} --help'`;
}

/** Applies the CLI's conventions to the command and every subcommand under it. */
export function conventions(command: Command, io: Io): void {
  command
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
      outputError: (s) => io.err(oneLine(command, s)),
    });
  for (const sub of command.commands) conventions(sub, io);
}

/**
 * The CLI's exit codes (README, "Exit codes"). A run stopped by a signal exits 128 + its
 * number (run.ts): 130 SIGINT, 143 SIGTERM, 129 SIGHUP.
 */
export const EXIT = {
  ok: 0,
  /** The experiment Failed, a file is invalid, or the store holds no such name (kubectl's NotFound). */
  failed: 1,
  /** Bad input: usage errors, unreadable files, a conflicting experiment. */
  usage: 2,
  /** The store itself: damaged, not a database, read-only, locked, full, or not creatable there (sysexits' EX_IOERR). */
  store: 74,
  /** A service it needs (the queue's Redis) cannot be reached (sysexits' EX_UNAVAILABLE). */
  unavailable: 69,
  /** A bug of Scriba's (sysexits' EX_SOFTWARE). */
  internal: 70,
} as const;

/** The exit code of a ScribaError's code. */
export function exitCode(code: ScribaError['code']): number {
  switch (code) {
    case 'not-found':
      return EXIT.failed;
    case 'store':
      return EXIT.store;
    case 'unavailable':
      return EXIT.unavailable;
    case 'internal':
      return EXIT.internal;
    default:
      return EXIT.usage;
  }
}

/**
 * Parses and runs; returns the exit code: the action's, 0 for --help and --version,
 * 2 for a usage error, 1 for a name the store does not hold (kubectl's NotFound), 74 for
 * a fault of the store. Errors are one line on stderr, never a stack trace.
 */
export async function execute(program: Command, ctx: Context): Promise<number> {
  try {
    await program.parseAsync([...ctx.argv], { from: 'user' });
    return ctx.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2;
      return 2; // the message is out already (outputError)
    }
    if (error instanceof ScribaError) {
      ctx.io.err(`scriba: ${error.message}`);
      return exitCode(error.code);
    }
    // Anything else is a bug of Scriba's; the user still gets one line.
    ctx.io.err(`scriba: internal error: ${errorMessage(error)}`);
    return EXIT.internal;
  }
}
