/**
 * The HTTP conventions over the real route handlers (in process, real PostgreSQL and Redis)
 * and the proxy: JSON 404 for unknown paths, 405 with `Allow` for every method a route file
 * does not export, caching headers, `WWW-Authenticate` and `Location`.
 */
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { apiRoutes, fillPath, loadHandlers, routeMethods } from '@/scripts/test/route-files.ts';
import { bodyBytesHeader, compressMinBytes } from '@/lib/api/http-conventions.ts';
import { apiRouteTable } from '@/lib/api/route-table.ts';
import { db } from '@/lib/db.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { proxy } from '@/proxy.ts';
import * as catchAll from './[[...path]]/route.ts';
import { GET as health } from './health/route.ts';
import { GET as listJobs } from './jobs/route.ts';
import { POST as trigger } from './jobs/[name]/trigger/route.ts';
import { GET as openApi } from './openapi.json/route.ts';
import { GET as listRuns } from './runs/route.ts';
import { GET as getRun } from './runs/[id]/route.ts';
import { POST as retry } from './runs/[id]/retry/route.ts';

useOwnQueuePrefix('http-conventions');
const none = routeParams({} as Record<string, never>);
const routes = apiRoutes().filter((route) => !route.catchAll);
let key: string;

beforeAll(async () => {
  key = await createTestApiKey('admin');
});
afterAll(async () => {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

describe('every route file, every method', () => {
  it('the route table the proxy reads lists exactly the route files and the methods they export', async () => {
    const fromFiles = Object.fromEntries(await Promise.all(routes.map(async (route) => [route.path, (await loadHandlers(route)).map(([method]) => method).sort()] as const)));
    const fromTable = Object.fromEntries(Object.entries(apiRouteTable).map(([path, methods]) => [path, [...methods].sort()]));
    expect(fromTable).toEqual(fromFiles);
  });

  for (const route of routes) {
    it(`${route.path}: a method it does not export answers 405 in the JSON error shape with Allow; its own methods pass`, async () => {
      const url = `http://localhost:3000${fillPath(route, Object.fromEntries(route.params.map((name) => [name, 'x1'])))}`;
      const exported = (await loadHandlers(route)).map(([method]) => method as string);
      const allow = [...exported, ...(exported.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].sort().join(', ');
      for (const method of [...routeMethods, 'HEAD', 'OPTIONS']) {
        const response = proxy(new NextRequest(url, { method, headers: { 'x-request-id': 'wrong-method-1' } }));
        if (exported.includes(method) || method === 'OPTIONS' || (method === 'HEAD' && exported.includes('GET'))) {
          expect(response.headers.get('x-middleware-next'), `${method} ${route.path} passes`).toBe('1');
          continue;
        }
        expect(response.status, `${method} ${route.path}`).toBe(405);
        expect(response.headers.get('allow'), `${method} ${route.path}`).toBe(allow);
        expect(response.headers.get('x-request-id')).toBe('wrong-method-1');
        expect(await errorCode(response)).toBe('method_not_allowed');
      }
    });
  }
});

describe('unknown /api paths', () => {
  const unknown = ['/api', '/api/nope', '/api/jobs/probe/nope', '/api/runs/a/b/c', '/api/internal'];

  it('pass the proxy and answer the JSON 404 for every method, with a request id and no-store', async () => {
    const methods = Object.keys(catchAll) as (keyof typeof catchAll)[];
    expect(methods.sort()).toEqual(['DELETE', 'GET', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    for (const path of unknown) {
      for (const method of methods) {
        expect(proxy(new NextRequest(`http://localhost:3000${path}`, { method })).headers.get('x-middleware-next'), `${method} ${path}`).toBe('1');
        const response = await catchAll[method](apiRequest(path, null, { method }), routeParams({ path: path.split('/').slice(2) }));
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.headers.get('content-type')).toContain('application/json');
        expect(response.headers.get('x-request-id')).toBeTruthy();
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(await errorCode(response)).toBe('not_found');
      }
    }
  });
});

describe('answers of the real routes', () => {
  it('state the size of /api/runs for the web server\'s compression (lib/api/compression.test.ts, e2e/http-api.spec.ts), and vary by Accept-Encoding', async () => {
    for (let index = 0; index < 4; index += 1) {
      expect((await trigger(apiRequest('/api/jobs/probe/trigger', key, { method: 'POST', body: JSON.stringify({ source: 'compress' }) }), routeParams({ name: 'probe' }))).status).toBe(202);
    }
    const response = await listRuns(apiRequest('/api/runs?source=compress&limit=100', key, { headers: { 'accept-encoding': 'br' } }), none);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.byteLength).toBeGreaterThan(compressMinBytes);
    expect(response.headers.get(bodyBytesHeader)).toBe(String(body.byteLength));
    expect(response.headers.get('vary')).toContain('Accept-Encoding');
    expect((JSON.parse(body.toString()) as { runs: unknown[] }).runs).toHaveLength(4);
  });

  it('mark authenticated answers private, no-store, varying by Authorization and Cookie, errors too', async () => {
    const jobs = await listJobs(apiRequest('/api/jobs', key), none);
    expect(jobs.status).toBe(200);
    expect(jobs.headers.get('cache-control')).toBe('private, no-store');
    expect(jobs.headers.get('vary')).toBe('Authorization, Cookie, Accept-Encoding');
    const missing = await getRun(apiRequest('/api/runs/nope', key), routeParams({ id: 'nope' }));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('private, no-store');
    expect(missing.headers.get('vary')).toContain('Authorization, Cookie');
  });

  it('answer 401 with WWW-Authenticate: Bearer, without credentials and with a wrong key', async () => {
    for (const credential of [null, 'kk_wrong_key_0000000000000']) {
      const response = await listJobs(apiRequest('/api/jobs', credential), none);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="kickoff"');
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(await errorCode(response)).toBe('unauthorized');
    }
  });

  it('keep the caller\'s X-Request-Id, or give one, on public routes too; the public document may be cached', async () => {
    const echoed = await health(apiRequest('/api/health', null, { headers: { 'x-request-id': 'health-check-7' } }), none);
    expect(echoed.headers.get('x-request-id')).toBe('health-check-7');
    expect(echoed.headers.get('cache-control')).toBe('no-store');
    const invalid = await health(apiRequest('/api/health', null, { headers: { 'x-request-id': 'no spaces allowed' } }), none);
    expect(invalid.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const document = await openApi(apiRequest('/api/openapi.json', null), none);
    expect(document.status).toBe(200);
    expect(document.headers.get('cache-control')).toBe('public, max-age=300');
    expect(document.headers.get('x-request-id')).toBeTruthy();
  });

  it('point a 202 trigger and a 202 retry at their run with Location; a repeated requestId (200) has none', async () => {
    const triggered = await trigger(apiRequest('/api/jobs/probe/trigger', key, { method: 'POST', body: JSON.stringify({ requestId: 'location-1' }) }), routeParams({ name: 'probe' }));
    expect(triggered.status).toBe(202);
    const { runId } = (await triggered.json()) as { runId: string };
    expect(triggered.headers.get('location')).toBe(`/api/runs/${runId}`);
    const read = await getRun(apiRequest(triggered.headers.get('location')!, key), routeParams({ id: runId }));
    expect(((await read.json()) as { run: { id: string } }).run.id).toBe(runId);

    const again = await trigger(apiRequest('/api/jobs/probe/trigger', key, { method: 'POST', body: JSON.stringify({ requestId: 'location-1' }) }), routeParams({ name: 'probe' }));
    expect(again.status).toBe(200);
    expect(again.headers.get('location')).toBeNull();

    await db().jobRun.update({ where: { id: runId }, data: { status: 'failed', finishedAt: new Date(), error: 'made to fail by the test' } });
    const retried = await retry(apiRequest(`/api/runs/${runId}/retry`, key, { method: 'POST' }), routeParams({ id: runId }));
    expect(retried.status).toBe(202);
    const { run } = (await retried.json()) as { run: { id: string; retryOf: string } };
    expect(run.retryOf).toBe(runId);
    expect(retried.headers.get('location')).toBe(`/api/runs/${run.id}`);
  });
});
