import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import { roleAllows, type Permission } from '../auth/permissions.ts';
import {
  principalFromApiKey,
  principalFromSession,
  readCookie,
  sessionCookieName,
  type Principal,
} from '../auth/principal.ts';
import { logger } from '../logger.ts';
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
      const params = await routeContext.params;
      response = await handler({ request, params, principal, requestId, ip: ipOf(request) });
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
      const params = await routeContext.params;
      response = await handler({ request, params, requestId, ip: ipOf(request) });
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

/** Cookie-authenticated mutations must come from our own pages (CSRF). */
export function assertSameOrigin(request: Request): void {
  const site = request.headers.get('sec-fetch-site');
  if (site) {
    if (site !== 'same-origin') throw new ForbiddenError('Cross-site requests may not change anything');
    return;
  }
  const origin = request.headers.get('origin');
  if (origin && origin !== new URL(request.url).origin && origin !== forwardedOrigin(request)) {
    throw new ForbiddenError('Cross-site requests may not change anything');
  }
}

function forwardedOrigin(request: Request): string | null {
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  if (!host) return null;
  const proto = request.headers.get('x-forwarded-proto') ?? new URL(request.url).protocol.replace(':', '');
  return `${proto}://${host}`;
}

function ipOf(request: Request): string | null {
  return request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || request.headers.get('x-real-ip') || null;
}
