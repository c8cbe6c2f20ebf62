/**
 * Walks every route handler under app/api: without credentials each answers 401 (but the
 * public ones), and a role that may not use it answers 403. A new route is covered the day
 * it is added; one that forgets `withAuth` fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { apiRoutes, fillPath, loadHandlers } from '@/scripts/test/route-files.ts';
import { db } from '@/lib/db.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';

useOwnQueuePrefix('route-auth');
const publicRoutes = new Set(['GET /api/health', 'GET /api/openapi.json', 'POST /api/auth/login', 'POST /api/auth/logout']);
/** The role that may read but not change: mutations must refuse it. */
const readOnlyRole = 'viewer';

// The catch-all answers the JSON 404 to anyone (http-conventions.int.test.ts).
const routes = apiRoutes().filter((route) => !route.catchAll).map((route) => {
  const values = Object.fromEntries(route.params.map((name) => [name, name === 'name' ? 'probe' : 'no-such-id']));
  return { route, path: route.path, url: fillPath(route, values), values };
});

let viewerKey: string;
beforeAll(async () => {
  viewerKey = await createTestApiKey(readOnlyRole);
});
afterAll(async () => {
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
        const anonymous = await handler(apiRequest(route.url, null, { method, body }), routeParams(route.values));
        expect(anonymous.status, `${name} without credentials`).toBe(401);
        expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
        if (method !== 'GET') {
          const viewer = await handler(apiRequest(route.url, viewerKey, { method, body }), routeParams(route.values));
          expect(viewer.status, `${name} as ${readOnlyRole}`).toBe(403);
        }
      }
    });
  }
});
