/**
 * Every `/api` route and the methods its `route.ts` exports, for answering a method a route
 * does not have with 405 and its `Allow` before Next.js does (Next answers 405 with an empty
 * body and no `Allow`, and cannot be told otherwise). Plain data, so the proxy can read it
 * without loading the routes; `route-table.test.ts` keeps it equal to `app/api/**\/route.ts`.
 */
export const apiRouteTable = {
  '/api/account/password': ['POST'],
  '/api/account/preferences': ['GET', 'PATCH'],
  '/api/account/sessions': ['GET'],
  '/api/account/sessions/[id]': ['DELETE'],
  '/api/alert-rules': ['GET', 'POST'],
  '/api/alert-rules/[id]': ['PATCH', 'DELETE'],
  '/api/alerts': ['GET'],
  '/api/alerts/[id]/[action]': ['POST'],
  '/api/api-keys': ['GET', 'POST'],
  '/api/api-keys/[id]': ['DELETE'],
  '/api/audit': ['GET'],
  '/api/auth/login': ['POST'],
  '/api/auth/logout': ['POST'],
  '/api/channels/email/test': ['POST'],
  '/api/channels/telegram/test': ['POST'],
  '/api/health': ['GET'],
  '/api/internal/cache/invalidate': ['POST'],
  '/api/jobs': ['GET'],
  '/api/jobs/[name]': ['GET', 'PATCH'],
  '/api/jobs/[name]/templates': ['GET', 'POST'],
  '/api/jobs/[name]/templates/[template]': ['DELETE'],
  '/api/jobs/[name]/trigger': ['POST'],
  '/api/league/cache/purge': ['POST'],
  '/api/league/entries/[id]': ['PATCH'],
  '/api/league/stats-update': ['POST'],
  '/api/metrics': ['GET'],
  '/api/openapi.json': ['GET'],
  '/api/queues/[category]/[action]': ['POST'],
  '/api/runs': ['GET'],
  '/api/runs/[id]': ['GET'],
  '/api/runs/[id]/cancel': ['POST'],
  '/api/runs/[id]/retry': ['POST'],
  '/api/runs/bulk-cancel': ['POST'],
  '/api/runs/bulk-retry': ['POST'],
  '/api/runs/export': ['GET'],
  '/api/schedule': ['GET'],
  '/api/settings': ['GET', 'PATCH'],
  '/api/stats': ['GET'],
  '/api/users': ['GET', 'POST'],
  '/api/users/[id]': ['PATCH'],
} as const satisfies Record<string, readonly ApiMethod[]>;

export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type ApiRoutePath = keyof typeof apiRouteTable;

const routes = Object.entries(apiRouteTable).map(([path, methods]) => ({ path: path as ApiRoutePath, segments: path.split('/').slice(1), methods: methods as readonly ApiMethod[] }));

/**
 * The route a path is answered by, with Next's precedence: at the first segment where two
 * routes differ, a fixed name wins over a `[param]` (`/api/runs/bulk-retry` before
 * `/api/runs/[id]`). Null when only the catch-all (the JSON 404) answers it.
 */
export function matchApiRoute(pathname: string): { path: ApiRoutePath; methods: readonly ApiMethod[] } | null {
  const segments = pathname.split('/').slice(1);
  let best: (typeof routes)[number] | null = null;
  for (const route of routes) {
    if (route.segments.length !== segments.length) continue;
    if (!route.segments.every((segment, index) => (isParam(segment) ? segments[index] !== '' : segment === segments[index]))) continue;
    if (!best || moreSpecific(route.segments, best.segments)) best = route;
  }
  return best && { path: best.path, methods: best.methods };
}

/** The `Allow` header of a route: its methods, HEAD with GET and OPTIONS (both answered by Next), sorted as Next sorts them. */
export function allowHeader(methods: readonly ApiMethod[]): string[] {
  return [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].sort();
}

const isParam = (segment: string) => segment.startsWith('[');

function moreSpecific(a: string[], b: string[]): boolean {
  for (let index = 0; index < a.length; index += 1) {
    const [left, right] = [isParam(a[index]!), isParam(b[index]!)];
    if (left !== right) return !left;
  }
  return false;
}
