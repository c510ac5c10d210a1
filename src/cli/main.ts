import { conventions, execute, type Context } from './commander.js';
import { processIo, type Io } from './io.js';
import { buildProgram } from './program.js';

export { processIo, type Io } from './io.js';

/**
 * Runs the CLI; returns the exit code (commander.ts's EXIT: 0 success, 1 experiment Failed,
 * file invalid or name not found, 2 bad input, 74 store fault, 70 internal error; a run
 * stopped by a signal exits 128 + its number). Errors are one line on stderr, never a stack trace.
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const ctx: Context = { io, argv, code: 0 };
  const program = buildProgram(ctx);
  conventions(program, io);
  return execute(program, ctx);
}
