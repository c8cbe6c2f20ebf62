import { BadRequestError, ForbiddenError, UnauthorizedError } from '../errors.ts';
import { roleAllows, type Permission } from '../auth/permissions.ts';
import {
  principalFromApiKey,
  principalFromSession,
  readCookie,
  sessionCookieName,
  type Principal,
} from '../auth/principal.ts';
import { env } from '../env.ts';
import { logger } from '../logger.ts';
import { pathParamSchema } from '../validations/text.ts';
import { clientAddress, isFromTrustedProxy } from './client-address.ts';
import { errorResponse } from './errors.ts';
import { applyHttpConventions, requestIdOf } from './http-conventions.ts';

export interface RequestContext<TParams> {
  request: Request;
  params: TParams;
  principal: Principal;
  /** The caller's `X-Request-Id`, or a new one; echoed on the response. */
  requestId: string;
  ip: string | null;
}

type RouteContext<TParams> = { params: Promise<TParams> };

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Wraps a route handler: authenticates (API key or session cookie), checks that the caller's
 * role grants `permission`, refuses cross-site cookie mutations, and maps every error to the
 * JSON error shape.
 */
export function withAuth<TParams = Record<string, never>>(
  permission: Permission,
  handler: (context: RequestContext<TParams>) => Promise<Response>,
) {
  return async (request: Request, routeContext: RouteContext<TParams>): Promise<Response> => {
    const requestId = requestIdOf(request);
    const startedAt = performance.now();
    let actor: string | undefined;
    let response: Response;
    try {
      const principal = await authenticate(request);
      actor = principal.label;
      if (!roleAllows(principal.role, permission)) {
        throw new ForbiddenError(`Your role (${principal.role}) may not ${permission.replace(':', ' ')}`);
      }
      const params = checkedParams(await routeContext.params);
      response = await handler({ request, params, principal, requestId, ip: clientAddress(request.headers) });
    } catch (error) {
      response = errorResponse(error, requestId);
    }
    logRequest(request, response, requestId, startedAt, actor);
    return applyHttpConventions(request, response, { requestId, authenticated: true });
  };
}

/** For routes anyone may call (health, sign-in): only the error mapping. */
export function withErrors<TParams = Record<string, never>>(
  handler: (context: Omit<RequestContext<TParams>, 'principal'>) => Promise<Response>,
) {
  return async (request: Request, routeContext: RouteContext<TParams>): Promise<Response> => {
    const requestId = requestIdOf(request);
    const startedAt = performance.now();
    let response: Response;
    try {
      const params = checkedParams(await routeContext.params);
      response = await handler({ request, params, requestId, ip: clientAddress(request.headers) });
    } catch (error) {
      response = errorResponse(error, requestId);
    }
    logRequest(request, response, requestId, startedAt);
    return applyHttpConventions(request, response, { requestId, authenticated: false });
  };
}

/** One JSON log line per API request, carrying its requestId (mutations and errors at info, reads at debug). */
function logRequest(request: Request, response: Response, requestId: string, startedAt: number, actor?: string): void {
  const level = response.status >= 500 ? 'error' : response.status >= 400 || !safeMethods.has(request.method) ? 'info' : 'debug';
  logger[level]({ requestId, method: request.method, path: new URL(request.url).pathname, status: response.status, ms: Math.round(performance.now() - startedAt), actor }, 'api request');
}

export async function authenticate(request: Request): Promise<Principal> {
  const authorization = request.headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const principal = match?.[1] ? await principalFromApiKey(match[1]) : null;
    if (!principal) throw new UnauthorizedError('The API key is missing, malformed, unknown or revoked');
    return principal;
  }
  const token = readCookie(request.headers.get('cookie'), sessionCookieName);
  const principal = token ? await principalFromSession(token) : null;
  if (!principal) throw new UnauthorizedError();
  if (!safeMethods.has(request.method)) assertSameOrigin(request);
  return principal;
}

/**
 * Cookie-authenticated mutations must come from Kickoff's own pages (CSRF): the browser's
 * `Sec-Fetch-Site: same-origin`, or else an `Origin` that is Kickoff's. A request with
 * neither is refused too: every browser that sends cookies sends one of them on a POST, so
 * only something that is not a browser page of ours arrives without both.
 */
export function assertSameOrigin(request: Request): void {
  const site = request.headers.get('sec-fetch-site');
  if (site) {
    if (site !== 'same-origin') throw new ForbiddenError(`Cross-site requests may not change anything (Sec-Fetch-Site: ${site.slice(0, 20)})`);
    return;
  }
  const origin = request.headers.get('origin');
  if (!origin) throw new ForbiddenError('A change made with the session cookie must come from Kickoff\'s pages (no Origin or Sec-Fetch-Site header)');
  if (!ownOrigins(request).has(origin)) throw new ForbiddenError('Cross-site requests may not change anything');
}

/**
 * Kickoff's origins: where this request was sent (its Host, as the browser wrote it),
 * PUBLIC_URL, and the host a trusted proxy says it forwarded for. A page on another site
 * cannot choose the Host its requests carry.
 */
function ownOrigins(request: Request): Set<string> {
  const url = new URL(request.url);
  const origins = new Set([url.origin]);
  const host = request.headers.get('host');
  if (host) origins.add(`${url.protocol}//${host}`);
  const publicUrl = env().PUBLIC_URL;
  if (publicUrl) origins.add(new URL(publicUrl).origin);
  const forwardedHost = request.headers.get('x-forwarded-host');
  if (forwardedHost && isFromTrustedProxy(request.headers)) {
    const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() || url.protocol.replace(':', '');
    origins.add(`${proto}://${forwardedHost.split(',')[0]!.trim()}`);
  }
  return origins;
}

/**
 * Every path segment (`:id`, `:name`, …) as Next decoded it must be text the database can
 * hold, or the request ends here with 400 (a NUL in an id would otherwise reach PostgreSQL).
 */
function checkedParams<TParams>(params: TParams): TParams {
  for (const [name, value] of Object.entries((params ?? {}) as Record<string, unknown>)) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      const parsed = pathParamSchema.safeParse(item);
      if (!parsed.success) throw new BadRequestError(`The path segment :${name} ${parsed.error.issues[0]?.message ?? 'is not valid'}`, { param: name });
    }
  }
  return params;
}
