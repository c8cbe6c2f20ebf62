/**
 * Property-based bad input: random and malformed bodies, query strings, headers and path
 * segments thrown at every route handler. Never a 500, always the JSON error shape, never a
 * run written for a refused request; oversized bodies get 413.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { apiRoutes, fillPath, loadHandlers, type RouteHandler, type RouteMethod } from '@/scripts/test/route-files.ts';
import { maxBodyBytes } from '@/lib/api/read-body.ts';
import { db } from '@/lib/db.ts';
import { allJobs, registerJobs } from '@/lib/jobs/catalog.ts';
import { defineJob } from '@/lib/jobs/define-job.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { syncCatalog } from '@/worker/catalog-sync.ts';

useOwnQueuePrefix('fuzz');
/** The only job the fuzzer may touch by name, so other suites' jobs stay as they are. */
const target = defineJob({
  name: 'fz-target',
  category: 'diagnostics',
  description: 'Fuzz target',
  payload: z.object({ n: z.number().int().min(0).max(10).optional() }).strict(),
  config: z.object({ limit: z.number().int().min(1).max(5).default(1) }),
});
registerJobs([target]);

let adminKey: string;
let routes: { path: string; params: string[]; methods: [RouteMethod, RouteHandler][]; route: Parameters<typeof fillPath>[0] }[];

beforeAll(async () => {
  await syncCatalog(db(), allJobs());
  adminKey = await createTestApiKey('admin');
  routes = await Promise.all(apiRoutes().map(async (route) => ({ route, path: route.path, params: route.params, methods: await loadHandlers(route) })));
});

afterAll(async () => {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const body = fc.oneof(
  jsonValue.map((value) => JSON.stringify(value)),
  fc.record({ payload: jsonValue, requestId: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)), source: fc.oneof(fc.string(), fc.constant(undefined)) }).map((value) => JSON.stringify(value)),
  fc.record({ enabled: fc.oneof(fc.boolean(), fc.string()), pausedUntil: fc.oneof(fc.string(), fc.constant(null)), config: jsonValue }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.constant('{"unterminated":'),
  fc.constant(''),
);
const queryString = fc.dictionary(fc.oneof(fc.constantFrom('job', 'status', 'trigger', 'since', 'until', 'q', 'limit', 'cursor', 'source'), fc.string({ maxLength: 10 })), fc.string({ maxLength: 40 }), { maxKeys: 4 });
const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x', ''),
    'x-request-id': fc.string({ maxLength: 200 }),
    origin: fc.constantFrom('http://localhost:3000', 'https://evil.example', 'null'),
    authorization: fc.oneof(fc.constant('admin'), fc.constant('Bearer '), fc.string({ maxLength: 60 }).map((value) => `Bearer ${value}`), fc.constant('Basic abc')),
  },
  { requiredKeys: ['authorization'] },
);
const segment = fc.oneof(fc.constant('fz-target'), fc.string({ maxLength: 30 }), fc.constant('../../etc'), fc.constant('%00'));

function countTargetRuns(): Promise<number> {
  return db().jobRun.count({ where: { jobName: 'fz-target' } });
}

describe('fuzzing every route', () => {
  it('never answers 500, always answers errors in the JSON shape, and writes no run when it refuses', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), body, queryString, headers, fc.dictionary(fc.constantFrom('name', 'id'), segment), async (pick, text, query, headerValues, segments) => {
        const route = routes[pick % routes.length]!;
        const [method, handler] = route.methods[pick % route.methods.length]!;
        const values = Object.fromEntries(route.params.map((name) => [name, segments[name] ?? 'fz-target']));
        const search = new URLSearchParams(query).toString();
        const requestHeaders = new Headers();
        for (const [name, value] of Object.entries(headerValues)) {
          if (value === undefined) continue;
          const headerValue = name === 'authorization' && value === 'admin' ? `Bearer ${adminKey}` : String(value);
          try {
            requestHeaders.set(name, headerValue);
          } catch {
            // a value no HTTP client could send
          }
        }
        const before = await countTargetRuns();
        const request = new Request(`http://localhost:3000${fillPath(route.route, values)}${search ? `?${search}` : ''}`, {
          method,
          headers: requestHeaders,
          body: method === 'GET' ? undefined : text,
        });
        const response = await handler(request, routeParams(values));
        expect(response.status, `${method} ${route.path} answered ${response.status}`).toBeLessThan(500);
        if (response.status >= 400) {
          const parsed = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
          expect(typeof parsed.error?.code).toBe('string');
          expect(typeof parsed.error?.message).toBe('string');
          expect(await countTargetRuns()).toBe(before);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });

  it('refuses an oversized body with 413 before reading it all', async () => {
    const trigger = routes.find((route) => route.path === '/api/jobs/[name]/trigger')!.methods[0]![1];
    const huge = JSON.stringify({ payload: { n: 1, pad: 'x'.repeat(maxBodyBytes + 10) } });
    const response = await trigger(
      new Request('http://localhost:3000/api/jobs/fz-target/trigger', { method: 'POST', headers: { authorization: `Bearer ${adminKey}` }, body: huge }),
      routeParams({ name: 'fz-target' }),
    );
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });
});
