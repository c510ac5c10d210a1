import type { ValidationIssue } from './experiment/types.js';

/**
 * The closed set of error codes; each transport maps them in one place (CLI exit code, gRPC status).
 * `store` is a fault of the SQLite store itself (damaged, not a database, read-only, locked,
 * full, unreadable, or a path where no store can be created): the message names the file.
 * `unavailable`: a service the command needs (the queue's Redis) cannot be reached or refused us.
 */
export type ErrorCode = 'invalid-argument' | 'failed-precondition' | 'not-found' | 'store' | 'unavailable' | 'internal';

/** Scriba's one error type. `issues` lists every problem found when the error is about input. */
export class ScribaError extends Error {
  override readonly name = 'ScribaError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: readonly ValidationIssue[] = [],
  ) {
    super(message);
  }

  static fromIssues(issues: readonly ValidationIssue[], heading = 'invalid input'): ScribaError {
    const lines = issues.map((i) => `  ${i.path}: ${i.message}`);
    return new ScribaError('invalid-argument', `${heading}:\n${lines.join('\n')}`, issues);
  }
}

/** The message of anything thrown, for recording as a trial's or experiment's reason. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

export function formatIssue(issue: ValidationIssue): string {
  return `${issue.path}: ${issue.message}`;
}
