/**
 * Walks every route handler under app/api: without credentials each answers 401 (but the
 * public ones), and a role that may not use it answers 403, as an API key and as a signed-in
 * session; an operator without grants is refused every mutation it holds no grant for; and a
 * session-cookie mutation without Origin or Sec-Fetch-Site is refused on every route. A new
 * route is covered the day it is added; one that forgets `withAuth` fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { randomUUID } from 'node:crypto';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { apiRoutes, fillPath, loadHandlers } from '@/scripts/test/route-files.ts';
import { hashPassword } from '@/lib/auth/password.ts';
import { sessionCookieName } from '@/lib/auth/principal.ts';
import { hashToken, newSessionToken } from '@/lib/auth/tokens.ts';
import { db } from '@/lib/db.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';

useOwnQueuePrefix('route-auth');
const publicRoutes = new Set(['GET /api/health', 'GET /api/openapi.json', 'POST /api/auth/login', 'POST /api/auth/logout']);
/** The role that may read but not change: mutations must refuse it. */
const readOnlyRole = 'viewer';
/**
 * The mutations a viewer may make, on their own account, with what the walk's request gets:
 * their password (the `{}` body fails validation), one of their sessions (the made-up id is none).
 */
const ownAccountRoutes = new Map([
  ['POST /api/account/password', 422],
  ['DELETE /api/account/sessions/[id]', 404],
  ['PATCH /api/account/preferences', 422],
]);
/**
 * Mutations whose grant is checked against the thing they act on, found first: with the
 * walk's made-up ids they answer 404 (or 422 for a body without ids) before a grant is asked.
 * Their grants are tested against real runs and alerts in their own files.
 */
const grantAfterLookup = new Set(['POST /api/alerts/[id]/[action]', 'POST /api/runs/[id]/retry', 'POST /api/runs/[id]/cancel', 'POST /api/runs/bulk-retry', 'POST /api/runs/bulk-cancel']);
const origin = 'http://localhost:3000';
/** Kickoff's own processes call these with the internal key; a session cookie is no credential there. */
const internalRoutes = new Set(['POST /api/internal/cache/invalidate']);

// The catch-all answers the JSON 404 to anyone (http-conventions.int.test.ts).
const routes = apiRoutes().filter((route) => !route.catchAll).map((route) => {
  const values = Object.fromEntries(route.params.map((name) => [name, name === 'name' ? 'probe' : 'no-such-id']));
  return { route, path: route.path, url: fillPath(route, values), values };
});

let viewerKey: string;
let grantlessOperatorKey: string;
let viewerSession: string;
const tried = { calls: 0, routeRoles: new Set<string>() };

beforeAll(async () => {
  viewerKey = await createTestApiKey(readOnlyRole);
  grantlessOperatorKey = await createTestApiKey('operator', []);
  const viewer = await db().user.create({ data: { email: `walk-${randomUUID()}@kickoff.test`, passwordHash: await hashPassword('walk-password-1'), role: readOnlyRole } });
  const token = newSessionToken();
  await db().session.create({ data: { id: hashToken(token), userId: viewer.id, expiresAt: new Date(Date.now() + 3_600_000) } });
  viewerSession = `${sessionCookieName}=${token}`;
});
afterAll(async () => {
  console.log(`route walk: ${tried.routeRoles.size} route × role pairs in ${tried.calls} calls`);
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

describe('every route handler checks who calls it', () => {
  it('finds the routes', () => {
    expect(routes.map((route) => route.path)).toEqual(expect.arrayContaining(['/api/jobs', '/api/runs', '/api/jobs/[name]/trigger', '/api/runs/[id]/cancel']));
  });

  for (const route of routes) {
    it(`${route.path}: 401 without credentials, 403 for a ${readOnlyRole} on mutations`, async () => {
      const handlers = await loadHandlers(route.route);
      expect(handlers.length).toBeGreaterThan(0);
      for (const [method, handler] of handlers) {
        const name = `${method} ${route.path}`;
        if (publicRoutes.has(name)) continue;
        const body = method === 'GET' ? undefined : '{}';
        const call = async (role: string, request: Request) => {
          tried.calls += 1;
          tried.routeRoles.add(`${name} ${role}`);
          return handler(request, routeParams(route.values));
        };
        const anonymous = await call('anonymous', apiRequest(route.url, null, { method, body }));
        expect(anonymous.status, `${name} without credentials`).toBe(401);
        expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
        if (method === 'GET') continue;
        const viewer = await call(`${readOnlyRole} key`, apiRequest(route.url, viewerKey, { method, body }));
        expect(viewer.status, `${name} as a ${readOnlyRole} key`).toBe(403);
        const session = await call(`${readOnlyRole} session`, apiRequest(route.url, null, { method, body, headers: { cookie: viewerSession, origin } }));
        const noOrigin = await call('session without Origin', apiRequest(route.url, null, { method, body, headers: { cookie: viewerSession } }));
        if (internalRoutes.has(name)) {
          expect([401, 403], `${name} as a ${readOnlyRole} session`).toContain(session.status);
          expect([401, 403], `${name} with a session cookie and no Origin`).toContain(noOrigin.status);
        } else {
          expect(session.status, `${name} as a ${readOnlyRole} session`).toBe(ownAccountRoutes.get(name) ?? 403);
          expect(noOrigin.status, `${name} with a session cookie and neither Origin nor Sec-Fetch-Site`).toBe(403);
        }
        const operator = await call('operator without grants', apiRequest(route.url, grantlessOperatorKey, { method, body }));
        if (grantAfterLookup.has(name)) expect([404, 422], `${name} as an operator without grants`).toContain(operator.status);
        else expect(operator.status, `${name} as an operator without grants`).toBe(403);
      }
    });
  }
});
