import type { KickoffRunDetail } from './kickoff-api-schemas.ts';

/**
 * Kickoff answered, with an error (`{ error: { code, message, details } }`), or with something
 * that is not its API (`code: 'unexpected_response'`: the URL points at another server).
 */
export class KickoffApiError extends Error {
  override readonly name = 'KickoffApiError';

  constructor(
    /** The HTTP status. */
    readonly status: number,
    /** Kickoff's stable error code (`unauthorized`, `validation_failed`, `already_running`, …). */
    readonly code: string,
    message: string,
    /** Kickoff's details: `fieldErrors` for a 422, the holder's `runId` for an exclusive job, … */
    readonly details: unknown,
    /** The request that failed. */
    readonly request: { method: string; url: string },
    /** Seconds from the `Retry-After` header (429, sometimes 503). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }

  /** The field errors of a 422 (`{ 'payload.sleepMs': ['Too big: …'] }`), else `{}`. */
  get fieldErrors(): Record<string, string[]> {
    const details = this.details as { fieldErrors?: unknown; formErrors?: unknown } | undefined;
    const fields = details && typeof details.fieldErrors === 'object' && details.fieldErrors ? (details.fieldErrors as Record<string, string[]>) : {};
    const form = Array.isArray(details?.formErrors) ? (details.formErrors as string[]) : [];
    return form.length > 0 ? { '': form, ...fields } : fields;
  }
}

/** Kickoff did not answer: nothing listens at the URL, the host is unknown, or it took too long. */
export class KickoffConnectionError extends Error {
  override readonly name = 'KickoffConnectionError';

  constructor(
    readonly url: string,
    /** `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, `timeout`, … (`unknown` when fetch gave none). */
    readonly code: string,
    /** The reason in words: "connection refused", "host not found", … */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`could not reach ${url}: ${reason}`, options);
  }
}

/** `waitForRun` gave up at its `timeoutMs` while the run had not ended. */
export class KickoffWaitTimeoutError extends Error {
  override readonly name = 'KickoffWaitTimeoutError';

  constructor(
    /** The run as last seen. */
    readonly run: KickoffRunDetail,
    readonly timeoutMs: number,
  ) {
    super(`run ${run.id} was still ${run.status} after ${Math.round(timeoutMs / 1000)} s`);
  }
}
