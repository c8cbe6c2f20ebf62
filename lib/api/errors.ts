import { ZodError } from 'zod';
import { Prisma } from '../db.ts';
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
  UnsupportedMediaTypeError,
  TooManyError,
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
  [UnsupportedMediaTypeError, 415],
  [ValidationError, 422],
  [TooManyError, 422],
  [RateLimitedError, 429],
  [ServiceUnavailableError, 503],
];

/** The JSON error shape of a domain error (for answers that carry several outcomes, such as bulk actions). */
export function errorBody(error: KickoffError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}

/**
 * Prisma's codes for a value the database cannot take: too long for its column (P2000), not
 * valid for its type (P2006, P2007, P2023), out of range (P2020, P2033).
 */
const prismaValueCodes = new Set(['P2000', 'P2006', 'P2007', 'P2020', 'P2023', 'P2033']);

/**
 * The SQLSTATE of a database error, from Prisma's driver adapter (`meta.driverAdapterError`)
 * or from a plain `pg` error (`code`).
 */
function sqlStateOf(error: unknown): string | undefined {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    const cause = (error.meta?.driverAdapterError as { cause?: { originalCode?: unknown; code?: unknown } } | undefined)?.cause;
    const code = cause?.originalCode ?? cause?.code;
    return typeof code === 'string' ? code : undefined;
  }
  // pg's DatabaseError (the plain pool of lib/pg-pool.ts) carries the SQLSTATE in `code`.
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  if (error instanceof Error && typeof severity === 'string' && typeof code === 'string') return code;
  return undefined;
}

/**
 * A value that reached PostgreSQL and was refused as data (SQLSTATE class 22, "data
 * exception": NUL in text 22021, a date out of range 22008/22009, a number out of range
 * 22003, a bad JSON escape 22P05): the request's fault, a 400. The schemas stop these first;
 * this is the net under them.
 */
function badValueError(error: unknown): BadRequestError | undefined {
  const sqlState = sqlStateOf(error);
  const prismaCode = error instanceof Prisma.PrismaClientKnownRequestError ? error.code : undefined;
  if (!(sqlState?.startsWith('22') || (prismaCode && prismaValueCodes.has(prismaCode)))) return undefined;
  return new BadRequestError('A value in the request cannot be stored or searched for (out of range, too long or not valid text)', {
    ...(sqlState ? { sqlState } : {}),
    ...(prismaCode ? { prismaCode } : {}),
  });
}

/** The one place errors become HTTP responses; anything unexpected is a 500 without internals. */
export function errorResponse(error: unknown, requestId?: string): Response {
  if (error instanceof ZodError) return errorResponse(ValidationError.fromZod(error), requestId);
  const badValue = badValueError(error);
  if (badValue) {
    logger.warn({ err: error, requestId }, 'the database refused a value from a request');
    return errorResponse(badValue, requestId);
  }
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
