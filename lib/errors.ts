import type { z } from 'zod';

/**
 * Errors the domain raises on purpose. Each carries a stable `code` for API clients;
 * `lib/api/errors.ts` maps them to HTTP statuses in one place.
 */
export class KickoffError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends KickoffError {
  constructor(what: string, id: string) {
    super('not_found', `${what} "${id}" was not found`, { [what.toLowerCase()]: id });
  }
}

export class ConflictError extends KickoffError {}

/** A bulk action asked to touch more items than it may at once (422 `too_many`, with `details.limit`). */
export class TooManyError extends KickoffError {
  constructor(message: string, limit: number) {
    super('too_many', message, { limit });
  }
}

/** Input that fails a schema. `details.fieldErrors` maps a dotted field path to its messages. */
export class ValidationError extends KickoffError {
  constructor(message: string, details: { fieldErrors: Record<string, string[]>; formErrors: string[] }) {
    super('validation_failed', message, details);
  }

  /** `pathPrefix` places the fields inside a body, e.g. `config` → `config.limit`. */
  static fromZod(error: z.ZodError, message = 'The input is not valid', pathPrefix?: string): ValidationError {
    const fieldErrors: Record<string, string[]> = {};
    const formErrors: string[] = [];
    for (const issue of error.issues) {
      const path = [...(pathPrefix && issue.path.length > 0 ? [pathPrefix] : []), ...issue.path.map(String)].join('.');
      if (!path) formErrors.push(issue.message);
      else (fieldErrors[path] ??= []).push(issue.message);
    }
    return new ValidationError(message, { fieldErrors, formErrors });
  }
}

export class UnauthorizedError extends KickoffError {
  constructor(message = 'Sign in or send an API key as `Authorization: Bearer <key>`') {
    super('unauthorized', message);
  }
}

export class ForbiddenError extends KickoffError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

export class RateLimitedError extends KickoffError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', message, { retryAfterSeconds });
  }
}

export class ServiceUnavailableError extends KickoffError {
  constructor(message: string) {
    super('service_unavailable', message);
  }
}

export class PayloadTooLargeError extends KickoffError {
  constructor(limitBytes: number) {
    super('payload_too_large', `The request body is larger than ${limitBytes} bytes`, { limitBytes });
  }
}

/** A method the route does not answer; `allow` lists the ones it does (the `Allow` header). */
export class MethodNotAllowedError extends KickoffError {
  constructor(
    method: string,
    readonly allow: readonly string[],
  ) {
    super('method_not_allowed', `${method} is not allowed here; use ${allow.join(', ')}`, { allow });
  }
}

export class BadRequestError extends KickoffError {
  constructor(message: string, details?: unknown) {
    super('bad_request', message, details);
  }
}

/** A body sent as something other than JSON (`Content-Type` is not `application/json`). */
export class UnsupportedMediaTypeError extends KickoffError {
  constructor(received: string | null) {
    super('unsupported_media_type', 'Send the body as JSON with `Content-Type: application/json`', { contentType: received });
  }
}
