import { ZodError } from 'zod';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  KickoffError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationError,
} from '../errors.ts';
import { logger } from '../logger.ts';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const statusByError: [new (...args: never[]) => KickoffError, number][] = [
  [BadRequestError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [MethodNotAllowedError, 405],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [ValidationError, 422],
  [RateLimitedError, 429],
  [ServiceUnavailableError, 503],
];

/** The JSON error shape of a domain error (for answers that carry several outcomes, such as bulk actions). */
export function errorBody(error: KickoffError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}

/** The one place errors become HTTP responses; anything unexpected is a 500 without internals. */
export function errorResponse(error: unknown, requestId?: string): Response {
  if (error instanceof ZodError) return errorResponse(ValidationError.fromZod(error), requestId);
  if (error instanceof KickoffError) {
    const status = statusByError.find(([type]) => error instanceof type)?.[1] ?? 400;
    const headers: Record<string, string> = {};
    if (error instanceof RateLimitedError) headers['Retry-After'] = String(error.retryAfterSeconds);
    if (error instanceof UnauthorizedError) headers['WWW-Authenticate'] = 'Bearer realm="kickoff"';
    if (error instanceof MethodNotAllowedError) headers.Allow = error.allow.join(', ');
    return Response.json(errorBody(error), { status, headers });
  }
  logger.error({ err: error, requestId }, 'unhandled error in route handler');
  return Response.json(
    { error: { code: 'internal_error', message: 'Something went wrong on our side; it has been logged' } },
    { status: 500 },
  );
}
