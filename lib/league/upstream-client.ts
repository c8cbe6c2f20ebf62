import type { z } from 'zod';
import { recordUpstreamLatency } from '../metrics/league-metrics.ts';
import {
  bootstrapStaticSchema,
  entryHistorySchema,
  entrySchema,
  eventLiveSchema,
  fixturesSchema,
  leagueStandingsSchema,
  type BootstrapStatic,
  type EntryHistory,
  type EventLive,
  type Fixtures,
  type LeagueStandings,
  type UpstreamEntry,
} from './upstream-schemas.ts';

/**
 * The fantasy-football upstream over HTTP (the shape of the public Fantasy Premier League
 * API; scripts/upstream/ simulates it). One GET per call, no retries: a job's retry policy
 * and ctx.batch decide when to try again, reading `retryAfterMs` off the thrown error
 * (lib/queue/backoff.ts retryAfterOf). Every answer is validated against
 * lib/league/upstream-schemas.ts before it is returned.
 */

/** Names of the upstream routes (as the simulator counts them). */
export type UpstreamRoute = 'bootstrap-static' | 'fixtures' | 'event-live' | 'entry' | 'entry-history' | 'league-standings';

export type UpstreamErrorCode =
  /** 429; `retryAfterMs` says when to try again when the upstream said so. */
  | 'rate_limited'
  /** 404: the entry, league or event does not exist (or no longer: deleted entries). */
  | 'not_found'
  /** 5xx. */
  | 'server_error'
  /** Any other status that is not 2xx. */
  | 'http_error'
  /** No answer: connection refused or reset, DNS (status 0). */
  | 'network_error'
  /** No full answer within `timeoutMs` (status 0). */
  | 'timeout'
  /** A 2xx whose body is not JSON or fails the route's schema (status 0); `field` names the first bad field. */
  | 'invalid_response';

export class UpstreamError extends Error {
  readonly code: UpstreamErrorCode;
  /** The HTTP status; 0 when there was no usable answer (network, timeout, invalid body). */
  readonly status: number;
  /** Which route failed, e.g. `entry-history`. */
  readonly route: UpstreamRoute;
  /** The request's path and query, e.g. `/api/entry/42/history/`. */
  readonly path: string;
  /** From a 429's (or 503's) `Retry-After`, in ms. */
  readonly retryAfterMs?: number;
  /** For `invalid_response`: the dotted path of the first field that failed, `(root)` for the body itself. */
  readonly field?: string;

  constructor(
    init: { code: UpstreamErrorCode; status: number; route: UpstreamRoute; path: string; retryAfterMs?: number; field?: string },
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamError';
    this.code = init.code;
    this.status = init.status;
    this.route = init.route;
    this.path = init.path;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.field !== undefined) this.field = init.field;
  }

  /** Whether trying again later may succeed: rate limits, 5xx, network errors and timeouts. */
  get retryable(): boolean {
    return this.code === 'rate_limited' || this.code === 'server_error' || this.code === 'network_error' || this.code === 'timeout';
  }
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}

/** True for an upstream 404 (e.g. a deleted entry). */
export function isNotFound(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError && error.status === 404;
}

export interface UpstreamClientOptions {
  /** Where the upstream answers, e.g. `https://fantasy.example/` (the routes start with /api/). */
  baseUrl: string;
  /** Per request, until the whole body is read. Default: 10000. */
  timeoutMs?: number;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  /** Aborts the request (e.g. the run's signal); the signal's reason is thrown as is. */
  signal?: AbortSignal;
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const positiveInt = (name: string, value: number): number => {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
};

/** An error's message with its cause's (fetch says only `fetch failed`; the cause says `connect ECONNREFUSED …`). */
const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
};

/** The first issue's path as `elements.0.team`, `(root)` for the body itself. */
const issuePath = (issue: z.core.$ZodIssue | undefined): string => (issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)');

export class UpstreamClient {
  /** Requests sent so far (every call, whatever its outcome), for a run's apiCalls. */
  requests = 0;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: UpstreamClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Events, phases, teams and players. */
  bootstrapStatic(options?: RequestOptions): Promise<BootstrapStatic> {
    return this.get('bootstrap-static', '/api/bootstrap-static/', bootstrapStaticSchema, options);
  }

  /** Every fixture of the season, or of one event. */
  fixtures(event?: number, options?: RequestOptions): Promise<Fixtures> {
    const query = event === undefined ? '' : `?event=${positiveInt('event', event)}`;
    return this.get('fixtures', `/api/fixtures/${query}`, fixturesSchema, options);
  }

  /** Each player's stats so far in an event (only players whose team has started a fixture in it). */
  eventLive(event: number, options?: RequestOptions): Promise<EventLive> {
    return this.get('event-live', `/api/event/${positiveInt('event', event)}/live/`, eventLiveSchema, options);
  }

  /** An entry's summary; a deleted entry throws a 404 UpstreamError (see isNotFound). */
  entry(id: number, options?: RequestOptions): Promise<UpstreamEntry> {
    return this.get('entry', `/api/entry/${positiveInt('entry id', id)}/`, entrySchema, options);
  }

  /** An entry's points and ranks per event this season. */
  entryHistory(id: number, options?: RequestOptions): Promise<EntryHistory> {
    return this.get('entry-history', `/api/entry/${positiveInt('entry id', id)}/history/`, entryHistorySchema, options);
  }

  /** One page (50 rows, 1-based) of a classic league's standings; `standings.has_next` says whether more follow. */
  leagueStandings(leagueId: number, page = 1, options?: RequestOptions): Promise<LeagueStandings> {
    const path = `/api/leagues-classic/${positiveInt('league id', leagueId)}/standings/?page_standings=${positiveInt('page', page)}`;
    return this.get('league-standings', path, leagueStandingsSchema, options);
  }

  private async get<S extends z.ZodType>(route: UpstreamRoute, path: string, schema: S, options: RequestOptions = {}): Promise<z.output<S>> {
    const fail = (code: UpstreamErrorCode, status: number, message: string, extra: { retryAfterMs?: number; field?: string; cause?: unknown } = {}) =>
      new UpstreamError({ code, status, route, path, retryAfterMs: extra.retryAfterMs, field: extra.field }, `upstream ${route} (GET ${path}): ${message}`, {
        cause: extra.cause,
      });
    const caller = options.signal;
    caller?.throwIfAborted();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = caller ? AbortSignal.any([caller, timeout]) : timeout;
    /** A failure to get an answer: the caller's abort as is, else a timeout or a network error. */
    const noAnswer = (error: unknown): unknown => {
      if (caller?.aborted) return caller.reason;
      if (timeout.aborted) return fail('timeout', 0, `no answer within ${this.timeoutMs} ms`, { cause: error });
      return fail('network_error', 0, describe(error), { cause: error });
    };

    this.requests += 1;
    let response: Response;
    let text: string;
    const started = performance.now();
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, { signal, headers: { accept: 'application/json' } });
      text = await response.text();
    } catch (error) {
      throw noAnswer(error);
    } finally {
      void recordUpstreamLatency(route, (performance.now() - started) / 1_000);
    }

    if (!response.ok) {
      const status = response.status;
      const detail = text.length > 200 ? `${text.slice(0, 200)}…` : text;
      const said = `answered ${status}${detail ? `: ${detail}` : ''}`;
      const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
      if (status === 429) throw fail('rate_limited', status, said, { retryAfterMs });
      if (status === 404) throw fail('not_found', status, said);
      if (status >= 500) throw fail('server_error', status, said, { retryAfterMs });
      throw fail('http_error', status, said);
    }

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw fail('invalid_response', 0, `invalid response: the body is not JSON (${text.slice(0, 80)})`, { field: '(root)', cause: error });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issuePath(issue);
      throw fail('invalid_response', 0, `invalid response at ${field}: ${issue?.message ?? 'does not match'}`, { field, cause: parsed.error });
    }
    return parsed.data;
  }
}
