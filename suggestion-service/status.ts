import * as grpc from '@grpc/grpc-js';
import { errorMessage, formatIssue, ScribaError, type ErrorCode } from '../src/errors.js';
import { boundIssues, DETAILS_CHARS, echo } from './limits.js';

/** An error that already knows its gRPC status (a code ScribaError's closed set has no name for). */
export class StatusError extends Error {
  override readonly name = 'StatusError';

  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

const CODES: Readonly<Record<ErrorCode, grpc.status>> = {
  'invalid-argument': grpc.status.INVALID_ARGUMENT,
  'failed-precondition': grpc.status.FAILED_PRECONDITION,
  'not-found': grpc.status.NOT_FOUND,
  store: grpc.status.UNAVAILABLE,
  unavailable: grpc.status.UNAVAILABLE,
  internal: grpc.status.INTERNAL,
};

/**
 * The one place errors become gRPC statuses. Issues are listed on one line after the
 * heading, `path: message` each, as Katib's controller copies the details into the
 * Suggestion's condition. Anything unexpected is INTERNAL. Details are bounded (limits.ts):
 * a reply must stay small whatever the request echoed, or the peer cannot read it.
 */
export function toStatus(error: unknown): { code: grpc.status; details: string } {
  if (error instanceof StatusError) return { code: error.code, details: echo(error.message, DETAILS_CHARS) };
  if (error instanceof ScribaError) {
    const heading = echo(error.issues.length > 0 ? (error.message.split('\n', 1)[0]?.replace(/:$/, '') ?? '') : error.message, DETAILS_CHARS);
    const details = error.issues.length > 0 ? `${heading}: ${boundIssues(error.issues.map(formatIssue))}` : heading;
    return { code: CODES[error.code], details };
  }
  return { code: grpc.status.INTERNAL, details: echo(errorMessage(error), DETAILS_CHARS) };
}

/** A failed call as grpc-js's server callback takes it. */
export function toServiceError(error: unknown): Partial<grpc.StatusObject> {
  const { code, details } = toStatus(error);
  return { code, details, metadata: new grpc.Metadata() };
}
