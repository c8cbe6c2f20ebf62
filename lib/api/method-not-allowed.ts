import { MethodNotAllowedError } from '../errors.ts';
import { errorResponse } from './errors.ts';
import { requestIdOf } from './http-conventions.ts';
import { allowHeader, matchApiRoute } from './route-table.ts';

/**
 * For the proxy, before routing: a method the matched route does not export answers 405 in
 * the JSON error shape with `Allow` (Next's own 405 has neither). Null lets the request
 * through: the route answers it, or the catch-all answers 404 for an unknown path.
 */
export function methodNotAllowed(request: Request): Response | null {
  const route = matchApiRoute(new URL(request.url).pathname);
  if (!route) return null;
  const allow = allowHeader(route.methods);
  if (allow.includes(request.method)) return null;
  const requestId = requestIdOf(request);
  const response = errorResponse(new MethodNotAllowedError(request.method, allow), requestId);
  response.headers.set('X-Request-Id', requestId);
  response.headers.set('Cache-Control', 'no-store');
  return response;
}
