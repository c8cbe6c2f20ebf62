import { KickoffApiError, KickoffConnectionError, KickoffWaitTimeoutError } from '../../lib/client/kickoff-client.ts';

/** A mistake on the command line (bad JSON in --payload, an unreadable @file, …). */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export interface ErrorContext {
  /** The Kickoff address the command used. */
  url: string;
  /** Whether an API key was given (a 401 then means it was refused, not missing). */
  hasApiKey: boolean;
}

/** Any error of a command, in words a person can act on (one or more lines, no stack). */
export function explainError(error: unknown, context: ErrorContext): string {
  if (error instanceof KickoffConnectionError) {
    return `could not reach ${context.url}: ${error.reason}; is Kickoff running? (KICKOFF_URL)`;
  }
  if (error instanceof KickoffApiError) return explainApiError(error, context);
  if (error instanceof KickoffWaitTimeoutError) {
    return `run ${error.run.id} was still ${error.run.status} when --timeout (${Math.round(error.timeoutMs / 1000)} s) passed`;
  }
  if (error instanceof CliUsageError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function explainApiError(error: KickoffApiError, { url, hasApiKey }: ErrorContext): string {
  if (error.code === 'unexpected_response') {
    return `${url} answered ${error.request.method} ${new URL(error.request.url).pathname} with ${error.status} and a body that is not Kickoff's API; is KICKOFF_URL the address of Kickoff?`;
  }
  switch (error.status) {
    case 401:
      return hasApiKey
        ? `the API key was refused (401) by ${url}; check KICKOFF_API_KEY`
        : `${url} wants an API key (401); set KICKOFF_API_KEY or pass --api-key`;
    case 403:
      return `the API key may not do this (403): ${error.message}`;
    case 404:
      return `not found (404): ${error.message}`;
    case 422: {
      const fields = Object.entries(error.fieldErrors).map(([field, messages]) => `  ${field || '(the payload)'}: ${messages.join('; ')}`);
      return [`${error.message} (422):`, ...fields].join('\n');
    }
    case 409: {
      const holder = (error.details as { runId?: unknown } | undefined)?.runId;
      return `refused (409, ${error.code}): ${error.message}${typeof holder === 'string' ? `; the run holding it: ${holder}` : ''}`;
    }
    case 429:
      return `refused (429, ${error.code}): ${error.message}${error.retryAfterSeconds ? `; try again in ${error.retryAfterSeconds} s (Retry-After)` : ''}`;
    default:
      return `${url} answered ${error.status} (${error.code}): ${error.message}${error.retryAfterSeconds ? `; try again in ${error.retryAfterSeconds} s (Retry-After)` : ''}`;
  }
}
