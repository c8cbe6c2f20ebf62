/**
 * A typed client of Kickoff's HTTP API, for other services and for the `kickoff` CLI.
 *
 * It uses nothing but `fetch` (Node 20+, Deno, Bun, browsers) and imports only types and
 * pure helpers from `lib/jobs/`, so `trigger('probe', { sleepMs: 10 })` is checked against
 * the very payload schema the web app validates with, without loading any server code.
 *
 *   const kickoff = new KickoffClient({ url: 'http://localhost:3000', apiKey: process.env.KICKOFF_API_KEY });
 *   const { runId } = await kickoff.trigger('probe', { sleepMs: 2_000, steps: 4 }, { requestId: 'deploy-42' });
 *   const run = await kickoff.waitForRun(runId, { onProgress: (r) => console.log(r.status, r.progress) });
 */
import type { z } from 'zod';
import type { JobCatalog, JobName } from '../jobs/catalog.ts';
import type { JobDefinition, PayloadInput } from '../jobs/define-job.ts';
import { finalStatuses, type RunStatus } from '../jobs/run-state.ts';
import {
  errorBodySchema,
  jobsResponseSchema,
  runDetailResponseSchema,
  runResponseSchema,
  runsResponseSchema,
  triggerResponseSchema,
  type KickoffJob,
  type KickoffRun,
  type KickoffRunDetail,
  type KickoffRunPage,
  type KickoffTriggerResult,
} from './kickoff-api-schemas.ts';
import { KickoffApiError, KickoffConnectionError, KickoffWaitTimeoutError } from './kickoff-client-errors.ts';

export type { KickoffJob, KickoffRun, KickoffRunDetail, KickoffRunEvent, KickoffRunPage, KickoffTriggerResult } from './kickoff-api-schemas.ts';
export { KickoffApiError, KickoffConnectionError, KickoffWaitTimeoutError } from './kickoff-client-errors.ts';

export const defaultKickoffUrl = 'http://localhost:3000';

export interface KickoffClientOptions {
  /** Where Kickoff runs. Default: `http://localhost:3000`. A path prefix (behind a proxy) is kept. */
  url?: string;
  /** An API key (Settings → API keys, or `BOOTSTRAP_API_KEY`), sent as `Authorization: Bearer …`. */
  apiKey?: string;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** How long one request may take before it fails with `KickoffConnectionError` (`timeout`). Default: 30 s. */
  requestTimeoutMs?: number;
}

export interface TriggerOptions {
  /** The same `requestId` twice yields one run (the second call answers with the first run, `created: false`). */
  requestId?: string;
  /** A label for where the trigger came from, shown with the run (e.g. `deploy`). */
  source?: string;
}

/** A job's payload is optional when its schema accepts `{}` (every field has a default), required otherwise. */
export type TriggerArguments<D extends JobDefinition> = undefined extends PayloadInput<D>
  ? [payload?: PayloadInput<D>, options?: TriggerOptions]
  : {} extends PayloadInput<D>
    ? [payload?: PayloadInput<D>, options?: TriggerOptions]
    : [payload: PayloadInput<D>, options?: TriggerOptions];

export interface RunFilter {
  job?: string;
  status?: RunStatus;
  trigger?: string;
  source?: string;
  /** Runs queued at or after this time. */
  since?: Date | string;
  /** Runs queued before this time. */
  until?: Date | string;
  /** A run id, a requestId, or a payload field (`matchId=42`). */
  q?: string;
  /** 1–100. Default (the server's): 20. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface WaitOptions {
  /** Called once at the start and whenever the run changes (status, attempt, phase, progress, new log lines). */
  onProgress?: (run: KickoffRunDetail) => void;
  /** How often to ask. Default: 1 s. */
  intervalMs?: number;
  /** Give up with `KickoffWaitTimeoutError` after this long. Default: wait as long as the run takes. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Failures to get an answer tolerated in a row while waiting (a web app restarting mid-deploy). */
const toleratedWaitFailures = 5;

const connectionReasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS lookup failed)',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
};

export class KickoffClient {
  /** The base URL, without a trailing slash. */
  readonly url: string;
  readonly #apiKey: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #requestTimeoutMs: number;

  constructor(options: KickoffClientOptions = {}) {
    const url = (options.url ?? defaultKickoffUrl).trim().replace(/\/+$/, '');
    let protocol: string | null = null;
    try {
      protocol = new URL(url).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'http:' && protocol !== 'https:') throw new TypeError(`"${url}" is not an http(s) URL such as ${defaultKickoffUrl}`);
    this.url = url;
    this.#apiKey = options.apiKey?.trim() || undefined;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** Whether an API key was given (a 401 then means it was refused, not missing). */
  get hasApiKey(): boolean {
    return this.#apiKey !== undefined;
  }

  /** The catalog: every job with its schedule in words, enabled, last run. */
  async jobs(): Promise<KickoffJob[]> {
    return (await this.#request('GET', '/api/jobs', jobsResponseSchema)).jobs;
  }

  /** Queues a run of a job in the catalog; the payload is typed by the job's schema. */
  trigger<N extends JobName>(job: N, ...[payload, options]: TriggerArguments<JobCatalog[N]>): Promise<KickoffTriggerResult> {
    return this.triggerUnchecked(job, payload, options);
  }

  /**
   * `trigger` for a job name known only at run time (the CLI's argument): the server checks
   * the name (404) and the payload (422 with the field errors) either way.
   */
  triggerUnchecked(job: string, payload?: unknown, options: TriggerOptions = {}): Promise<KickoffTriggerResult> {
    const body: Record<string, unknown> = {};
    if (payload !== undefined) body.payload = payload;
    if (options.requestId !== undefined) body.requestId = options.requestId;
    if (options.source !== undefined) body.source = options.source;
    return this.#request('POST', `/api/jobs/${encodeURIComponent(job)}/trigger`, triggerResponseSchema, body);
  }

  /** Runs, newest first, one page at a time (`nextCursor` is null on the last page). */
  runs(filter: RunFilter = {}): Promise<KickoffRunPage> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) {
      if (value === undefined) continue;
      query.set(key, value instanceof Date ? value.toISOString() : String(value));
    }
    const search = query.toString() ? `?${query}` : '';
    return this.#request('GET', `/api/runs${search}`, runsResponseSchema);
  }

  /** One run with its attempts and log lines (`events`). */
  async run(id: string): Promise<KickoffRunDetail> {
    return (await this.#request('GET', `/api/runs/${encodeURIComponent(id)}`, runDetailResponseSchema)).run;
  }

  /** Retries a failed or cancelled run: resolves with the new run (`trigger: 'retry'`, `retryOf`). */
  async retry(id: string): Promise<KickoffRun> {
    return (await this.#request('POST', `/api/runs/${encodeURIComponent(id)}/retry`, runResponseSchema)).run;
  }

  /** Cancels a queued, running or retrying run: resolves with the run as cancelled. */
  async cancel(id: string): Promise<KickoffRun> {
    return (await this.#request('POST', `/api/runs/${encodeURIComponent(id)}/cancel`, runResponseSchema)).run;
  }

  /**
   * Polls `GET /api/runs/:id` until the run ends (completed, failed, cancelled or skipped)
   * and resolves with it; a run that fails resolves too: look at `status`.
   */
  async waitForRun(id: string, options: WaitOptions = {}): Promise<KickoffRunDetail> {
    const intervalMs = options.intervalMs ?? 1_000;
    const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    let seen = '';
    let failures = 0;
    let last: KickoffRunDetail | undefined;
    for (;;) {
      options.signal?.throwIfAborted();
      try {
        last = await this.run(id);
        failures = 0;
      } catch (error) {
        const transient = error instanceof KickoffConnectionError || (error instanceof KickoffApiError && [502, 503, 504].includes(error.status));
        if (!transient || !last || ++failures > toleratedWaitFailures) throw error;
      }
      if (last) {
        const fingerprint = [last.status, last.attempt, last.phase, last.progress, last.events.length, last.events.at(-1)?.id].join('|');
        if (fingerprint !== seen) {
          seen = fingerprint;
          options.onProgress?.(last);
        }
        if (isFinalStatus(last.status)) return last;
        if (Date.now() + intervalMs > deadline) throw new KickoffWaitTimeoutError(last, options.timeoutMs!);
      }
      await delay(intervalMs, options.signal);
    }
  }

  async #request<S extends z.ZodType>(method: 'GET' | 'POST', path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    const url = `${this.url}${path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#requestTimeoutMs),
      });
    } catch (error) {
      throw connectionError(this.url, error, this.#requestTimeoutMs);
    }
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const request = { method, url };
    const contentType = response.headers.get('content-type')?.split(';')[0] ?? 'no content type';
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after'));
      const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
      const parsed = errorBodySchema.safeParse(json);
      if (parsed.success) {
        const { code, message, details } = parsed.data.error;
        throw new KickoffApiError(response.status, code, message, details, request, retryAfterSeconds);
      }
      throw new KickoffApiError(response.status, 'unexpected_response', `${method} ${url} answered ${response.status} (${contentType}), not with Kickoff's JSON error`, undefined, request, retryAfterSeconds);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new KickoffApiError(response.status, 'unexpected_response', `${method} ${url} answered ${response.status} (${contentType}) with a body that is not Kickoff's API`, { issues: parsed.error.issues.slice(0, 5) }, request);
    }
    return parsed.data;
  }
}

export function isFinalStatus(status: RunStatus): boolean {
  return (finalStatuses as readonly RunStatus[]).includes(status);
}

function connectionError(url: string, error: unknown, timeoutMs: number): KickoffConnectionError {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new KickoffConnectionError(url, 'timeout', `no answer within ${Math.round(timeoutMs / 1000)} s`, { cause: error });
  }
  // fetch (undici) reports the socket's error as its cause; a host with several addresses
  // (localhost: ::1 and 127.0.0.1) gives an AggregateError whose members carry the code.
  const cause = (error as { cause?: { code?: unknown; message?: unknown; errors?: { code?: unknown }[] } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : typeof cause?.errors?.[0]?.code === 'string' ? cause.errors[0].code : 'unknown';
  const reason = connectionReasons[code] ?? (typeof cause?.message === 'string' && cause.message ? cause.message : error instanceof Error ? error.message : String(error));
  return new KickoffConnectionError(url, code, reason, { cause: error });
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
