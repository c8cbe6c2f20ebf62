/**
 * Walks every route handler under app/api: without credentials each answers 401 (but the
 * public ones), and a role that may not use it answers 403. A new route is covered the day
 * it is added; one that forgets `withAuth` fails here.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { db } from '@/lib/db.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';

useOwnQueuePrefix('route-auth');
const apiDir = new URL('.', import.meta.url).pathname;
const publicRoutes = new Set(['GET /api/health', 'POST /api/auth/login', 'POST /api/auth/logout']);
const methods = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
/** The role that may read but not change: mutations must refuse it. */
const readOnlyRole = 'viewer';

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return routeFiles(path);
    return entry === 'route.ts' ? [path] : [];
  });
}

const routes = routeFiles(apiDir).map((file) => {
  const path = `/api/${relative(apiDir, file).replace(/\/?route\.ts$/, '')}`;
  const params = Object.fromEntries([...path.matchAll(/\[(\w+)\]/g)].map(([, name]) => [name!, name === 'name' ? 'probe' : 'no-such-id']));
  const url = path.replace(/\[(\w+)\]/g, (_, name: string) => params[name]!);
  return { file, path, url, params };
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
      const module = (await import(route.file)) as Partial<Record<(typeof methods)[number], (request: Request, context: unknown) => Promise<Response>>>;
      const exported = methods.filter((method) => typeof module[method] === 'function');
      expect(exported.length).toBeGreaterThan(0);
      for (const method of exported) {
        const name = `${method} ${route.path}`;
        if (publicRoutes.has(name)) continue;
        const body = method === 'GET' ? undefined : '{}';
        const anonymous = await module[method]!(apiRequest(route.url, null, { method, body }), routeParams(route.params));
        expect(anonymous.status, `${name} without credentials`).toBe(401);
        expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
        if (method !== 'GET') {
          const viewer = await module[method]!(apiRequest(route.url, viewerKey, { method, body }), routeParams(route.params));
          expect(viewer.status, `${name} as ${readOnlyRole}`).toBe(403);
        }
      }
    });
  }
});
