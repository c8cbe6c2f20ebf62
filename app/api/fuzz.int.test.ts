/**
 * Bad input thrown at every route handler: a sweep of the values that used to reach
 * PostgreSQL (NUL bytes, unpaired surrogates, dates and cursors out of range, integers past
 * what a column or JSON holds) in every path segment, query key and body field of every
 * route, then random and malformed bodies, query strings, headers and path segments
 * (fast-check), and malformed percent-encoding through the proxy that sees raw paths. Never
 * a 500, always the JSON error shape, and nothing written (no audit line, no run) for a
 * refused request; oversized bodies get 413.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { NextRequest } from 'next/server';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { routeParams } from '@/scripts/test/api-keys.ts';
import { apiRoutes, fillPath, loadHandlers, type RouteHandler, type RouteMethod } from '@/scripts/test/route-files.ts';
import { maxBodyBytes } from '@/lib/api/read-body.ts';
import { hashPassword } from '@/lib/auth/password.ts';
import { sessionCookieName } from '@/lib/auth/principal.ts';
import { hashToken, newSessionToken } from '@/lib/auth/tokens.ts';
import { db } from '@/lib/db.ts';
import { allJobs, registerJobs } from '@/lib/jobs/catalog.ts';
import { defineJob } from '@/lib/jobs/define-job.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { syncCatalog } from '@/worker/catalog-sync.ts';
import { proxy } from '@/proxy.ts';

useOwnQueuePrefix('fuzz');
/** The only job the fuzzer may touch by name, so other suites' jobs stay as they are. */
const target = defineJob({
  name: 'fz-target',
  category: 'diagnostics',
  description: 'Fuzz target',
  payload: z.object({ n: z.number().int().min(0).max(10).optional(), s: z.string().optional() }).strict(),
  config: z.object({ limit: z.number().int().min(1).max(5).default(1) }),
});
registerJobs([target]);

const origin = 'http://localhost:3000';
/** The fuzzer's own credentials, so the writes it could cause are told from other suites' (they share the database). */
const fuzzName = `fuzz-${randomBytes(4).toString('hex')}`;
const fuzzKeyLabel = `key:${fuzzName}`;
const fuzzEmail = `${fuzzName}@kickoff.test`;
let adminKey: string;
let sessionToken: string;
let routes: { path: string; params: string[]; methods: [RouteMethod, RouteHandler][]; route: Parameters<typeof fillPath>[0] }[];

beforeAll(async () => {
  await syncCatalog(db(), allJobs());
  adminKey = `kk_${fuzzName}_${randomBytes(12).toString('hex')}`;
  await db().apiKey.create({ data: { name: fuzzName, prefix: adminKey.slice(0, 7), keyHash: hashToken(adminKey), role: 'admin' } });
  const user = await db().user.create({ data: { email: fuzzEmail, passwordHash: await hashPassword('fuzz-password-1'), role: 'admin' } });
  sessionToken = newSessionToken();
  await db().session.create({ data: { id: hashToken(sessionToken), userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
  routes = await Promise.all(apiRoutes().map(async (route) => ({ route, path: route.path, params: route.params, methods: await loadHandlers(route) })));
});

afterAll(async () => {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

/** Everything the fuzzer's credentials wrote: audit lines (every mutation writes one) and runs. */
async function writesSoFar(): Promise<number> {
  const [audit, runs] = await Promise.all([
    db().auditLog.count({ where: { actor: { in: [fuzzKeyLabel, fuzzEmail] } } }),
    db().jobRun.count({ where: { OR: [{ actor: { in: [fuzzKeyLabel, fuzzEmail] } }, { jobName: 'fz-target' }] } }),
  ]);
  return audit + runs;
}

/** The URL path for a request (the handler reads its params from the context, as Next passes them decoded). */
function pathOf(route: Parameters<typeof fillPath>[0], values: Record<string, string>): string {
  try {
    return fillPath(route, values);
  } catch {
    return fillPath(route, Object.fromEntries(Object.keys(values).map((name) => [name, 'x']))); // a lone surrogate has no percent-encoding
  }
}

const counts = { requests: 0, badInputs: 0, refused: 0, serverErrors: 0, writesDespiteRefusal: 0 };

interface Attempt {
  handler: RouteHandler;
  url: string;
  params: Record<string, string>;
  init: { method: RouteMethod; body?: string; headers?: Record<string, string> };
  label: string;
}

/**
 * Sends one request to a handler and checks the answer; returns its status. With
 * `checkWrites` (the default) a refused mutation must leave the fuzzer's writes as they were.
 */
async function send(
  handler: RouteHandler,
  url: string,
  params: Record<string, string>,
  init: { method: RouteMethod; body?: string; headers?: Record<string, string> },
  label: string,
  checkWrites = true,
): Promise<number> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    try {
      headers.set(name, value);
    } catch {
      // a value no HTTP client could send
    }
  }
  const checking = checkWrites && init.method !== 'GET';
  const before = checking ? await writesSoFar() : 0;
  const response = await handler(new Request(url, { method: init.method, headers, body: init.method === 'GET' ? undefined : init.body }), routeParams(params));
  counts.requests += 1;
  if (response.status >= 500) counts.serverErrors += 1;
  expect(response.status, `${label} answered ${response.status}: ${await response.clone().text()}`).toBeLessThan(500);
  if (response.status >= 400) {
    counts.refused += 1;
    const parsed = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof parsed.error?.code, label).toBe('string');
    expect(typeof parsed.error?.message, label).toBe('string');
    if (checking) {
      const written = (await writesSoFar()) - before;
      if (written !== 0) counts.writesDespiteRefusal += 1;
      expect(written, `${label} was refused (${response.status}) but wrote ${written}`).toBe(0);
    }
  }
  if (response.status === 207 && checking) {
    // A bulk answer whose every item was refused is a refusal too: nothing may be written.
    const body = (await response.clone().json()) as { results?: { ok: boolean }[] };
    if (body.results?.every((result) => !result.ok)) {
      const written = (await writesSoFar()) - before;
      if (written !== 0) counts.writesDespiteRefusal += 1;
      expect(written, `${label}: every item was refused but wrote ${written}`).toBe(0);
    }
  }
  return response.status;
}

// ---------------------------------------------------------------------------------------------
// The sweep: each bad value in each place of each route.

/** Text PostgreSQL cannot store, or that UTF-8 cannot carry. */
const badText = ['\u0000', 'fz-target\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\udfff\ud800', 'ok\ud83d'];
/** Dates PostgreSQL refuses or JavaScript cannot hold. */
const badDates = ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00+01:00', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '99999-01-01T00:00:00Z', '2024-02-30T00:00:00Z', '2024-01-01T25:00:00Z'];
/** Integers past a bigint, an int or what JSON carries exactly. */
const hugeIntegers = ['9223372036854775808', '99999999999999999999', '18446744073709551616', '1e400', '-1e400', '2147483648', '-9223372036854775809'];
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Cursors that decode to something out of range. */
const badCursors = [
  cursorOf(['0000-01-01T00:00:00.000Z', 'x']),
  cursorOf(['+275760-09-13T00:00:00.000Z', 'x']),
  cursorOf(['2024-01-01T00:00:00.000Z', 'a\u0000b']),
  cursorOf(['2024-01-01T00:00:00.000Z', '\ud800']),
  cursorOf(['2024-01-01T00:00:00.000Z', 'x'.repeat(5_000)]),
  cursorOf([1e400, 1]),
  '%00',
  '\u0000',
];
const badQueryValues = [...badText, ...badDates, ...hugeIntegers, ...badCursors];
const queryKeys = ['job', 'status', 'trigger', 'source', 'since', 'until', 'q', 'limit', 'cursor', 'action', 'actor', 'target', 'window'];

/** Raw JSON literals (so `1e400` and 30-digit integers reach JSON.parse as sent). */
const badJsonValues = [...badText.map((value) => JSON.stringify(value)), ...badDates.map((value) => JSON.stringify(value)), ...hugeIntegers.filter((value) => /^-?\d/.test(value)), '123456789012345678901234567890'];
/** One of each kind, for the sweep over every body field (the random part draws from all of them). */
const sweepJsonValues = ['"\\u0000"', '"fz\\u0000"', '"\\ud800"', '"0000-01-01T00:00:00Z"', '"+275760-09-13T00:00:00Z"', '99999999999999999999', '1e400'];
const bodyFields = [
  'payload', 'requestId', 'source', 'override', 'enabled', 'pausedUntil', 'schedule', 'config', 'name', 'email', 'password', 'role', 'grants',
  'disabled', 'telegramChatId', 'ids', 'tags', 'chatId', 'condition', 'scope', 'channels', 'cooldownMinutes', 'tracked', 'currentPassword',
  'newPassword', 'runs.retentionDays', 'triggers.jobCooldownSeconds', 'runs',
];
/** Bodies with one bad value: as the field itself, inside a list, and nested where JSON goes into JSONB. */
function badBodies(): string[] {
  const bodies: string[] = [];
  for (const field of bodyFields) {
    for (const value of sweepJsonValues) bodies.push(`{${JSON.stringify(field)}:${value}}`);
  }
  for (const value of sweepJsonValues) {
    bodies.push(`{"payload":{"s":${value}}}`, `{"payload":{"n":1,"deep":[[{"x":${value}}]]}}`, `{"ids":[${value}]}`, `{"tags":[${value}]}`);
    bodies.push(`{"config":{"limit":${value}}}`, `{"schedule":{"cron":${value}}}`, `{"schedule":{"every":${value}}}`);
    bodies.push(`{"condition":{"type":"long-running","thresholdMs":${value}}}`, `{"channels":[{"type":"webhook","url":${value}}]}`);
    bodies.push(`{"email":"fz@kickoff.test","password":${value}}`, `{"name":"fz","payload":${value}}`);
    // The bulk trigger: a bad value as an item, as an item's payload or requestId, deep in a payload.
    bodies.push(`{"runs":[${value}]}`, `{"runs":[{"payload":${value}}]}`, `{"runs":[{"requestId":${value}}]}`, `{"runs":[{"payload":{"n":1}},{"payload":{"deep":[{"x":${value}}]}}]}`);
  }
  bodies.push(`{"runs":[${Array.from({ length: 1_001 }, () => '{}').join(',')}]}`, '{"runs":[]}', '{"runs":{}}', '{"runs":[{"payload":{}}],"payload":{}}');
  bodies.push(`{"payload":{${JSON.stringify('k\u0000ey')}:1}}`, `{"payload":{"\\ud800":1}}`, '{"payload":{"s":"\\u0000"}}', '{"name":"\\ud800"}');
  return bodies;
}

const jsonHeaders = { authorization: '', 'content-type': 'application/json', origin };

/**
 * Sends a route's sweep eight at a time. When every one of them was refused, the fuzzer's
 * writes must not have moved over the whole batch; if any was accepted (a route that ignores
 * what it was sent), the batch is sent again one by one, each refusal checked on its own.
 */
async function sweep(attempts: Attempt[]): Promise<void> {
  const mutating = attempts.some((attempt) => attempt.init.method !== 'GET');
  const before = mutating ? await writesSoFar() : 0;
  const statuses: number[] = [];
  for (let start = 0; start < attempts.length; start += 8) {
    const batch = attempts.slice(start, start + 8);
    statuses.push(...(await Promise.all(batch.map((attempt) => send(attempt.handler, attempt.url, attempt.params, attempt.init, attempt.label, false)))));
  }
  counts.badInputs += attempts.length;
  if (!mutating) return;
  if (statuses.every((status) => status >= 400)) {
    const written = (await writesSoFar()) - before;
    if (written !== 0) counts.writesDespiteRefusal += 1;
    expect(written, `${attempts[0]?.label}: every request was refused but ${written} writes appeared`).toBe(0);
    return;
  }
  for (const attempt of attempts) await send(attempt.handler, attempt.url, attempt.params, attempt.init, attempt.label, true);
}

describe('the sweep of bad values over every route', () => {
  it('answers every NUL, lone surrogate, out-of-range date and cursor and huge integer without a 500, as JSON, writing nothing', { timeout: 600_000 }, async () => {
    const bodies = badBodies();
    const asKey = { ...jsonHeaders, authorization: `Bearer ${adminKey}` };
    const asSession = { 'content-type': 'application/json', origin, cookie: `${sessionCookieName}=${sessionToken}` };
    for (const route of routes) {
      for (const [method, handler] of route.methods) {
        const values = Object.fromEntries(route.params.map((name) => [name, 'fz-target']));
        const url = (query = '', pathValues = values) => `${origin}${pathOf(route.route, pathValues)}${query}`;
        const label = `${method} ${route.path}`;
        const attempts: Attempt[] = [];
        // Each path segment.
        for (const param of route.params) {
          for (const value of [...badText, ...hugeIntegers, 'x'.repeat(201)]) {
            const pathValues = { ...values, [param]: value };
            attempts.push({ handler, url: url('', pathValues), params: pathValues, init: { method, body: '{}', headers: asKey }, label: `${label} :${param}=${JSON.stringify(value)}` });
          }
        }
        if (method === 'GET') {
          // Each query key, on the reads.
          for (const key of queryKeys) {
            for (const value of badQueryValues) attempts.push({ handler, url: url(`?${new URLSearchParams({ [key]: value })}`), params: values, init: { method, headers: asKey }, label: `${label} ?${key}=${JSON.stringify(value)}` });
          }
        } else {
          // Each body field, as an API key and as a signed-in session (CSRF passed, so the body is read).
          for (const [index, body] of bodies.entries()) attempts.push({ handler, url: url(), params: values, init: { method, body, headers: index % 2 === 0 ? asKey : asSession }, label: `${label} body ${body.slice(0, 120)}` });
        }
        await sweep(attempts);
      }
    }
    expect(counts.badInputs).toBeGreaterThan(1_000);
  });
});

// ---------------------------------------------------------------------------------------------
// Random input (fast-check).

const nasty = fc.oneof(fc.constantFrom(...badText, ...badDates, ...hugeIntegers, ...badCursors), fc.string({ maxLength: 30, unit: 'binary' }), fc.string({ maxLength: 30 }));
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const body = fc.oneof(
  jsonValue.map((value) => JSON.stringify(value)),
  fc.record({ payload: fc.oneof(jsonValue, fc.dictionary(nasty, nasty, { maxKeys: 3 })), requestId: fc.oneof(nasty, fc.integer(), fc.constant(undefined)), source: fc.oneof(nasty, fc.constant(undefined)) }).map((value) => JSON.stringify(value)),
  fc.record({ enabled: fc.oneof(fc.boolean(), nasty), pausedUntil: fc.oneof(nasty, fc.constant(null)), config: jsonValue }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  fc.dictionary(fc.constantFrom(...bodyFields), fc.oneof(nasty, jsonValue), { maxKeys: 4 }).map((value) => JSON.stringify(value)),
  fc.tuple(fc.constantFrom(...bodyFields), fc.constantFrom(...badJsonValues)).map(([field, value]) => `{${JSON.stringify(field)}:${value}}`),
  fc.string({ maxLength: 200 }),
  fc.constant('{"unterminated":'),
  fc.constant(''),
);
const queryString = fc.dictionary(fc.oneof(fc.constantFrom(...queryKeys), fc.string({ maxLength: 10 })), fc.oneof(nasty, fc.string({ maxLength: 40 })), { maxKeys: 4 });
const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''),
    'x-request-id': fc.string({ maxLength: 200 }),
    origin: fc.constantFrom(origin, 'https://evil.example', 'null'),
    'sec-fetch-site': fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none'),
    authorization: fc.oneof(fc.constant('admin'), fc.constant('session'), fc.constant('Bearer '), fc.string({ maxLength: 60 }).map((value) => `Bearer ${value}`), fc.constant('Basic abc')),
    cookie: fc.constantFrom(`${sessionCookieName}=%FF`, `${sessionCookieName}=`, 'other=1'),
  },
  { requiredKeys: ['authorization'] },
);
const segment = fc.oneof(fc.constant('fz-target'), nasty, fc.constant('../../etc'), fc.constant('%00'), fc.constant('%FF'));

describe('fuzzing every route', () => {
  it('never answers 500, always answers errors in the JSON shape, and writes nothing when it refuses', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), body, queryString, headers, fc.dictionary(fc.constantFrom('name', 'id', 'template', 'action', 'category'), segment), async (pick, text, query, headerValues, segments) => {
        const route = routes[pick % routes.length]!;
        const [method, handler] = route.methods[pick % route.methods.length]!;
        const values = Object.fromEntries(route.params.map((name) => [name, segments[name] ?? 'fz-target']));
        const search = new URLSearchParams(query).toString();
        const requestHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(headerValues)) {
          if (value === undefined) continue;
          if (name === 'authorization' && value === 'session') requestHeaders.cookie = `${sessionCookieName}=${sessionToken}`;
          else if (name === 'authorization') requestHeaders.authorization = value === 'admin' ? `Bearer ${adminKey}` : value;
          else if (name === 'cookie') requestHeaders.cookie ??= value;
          else requestHeaders[name] = value;
        }
        await send(handler, `${origin}${pathOf(route.route, values)}${search ? `?${search}` : ''}`, values, { method, headers: requestHeaders, body: text }, `${method} ${route.path}`);
        counts.badInputs += 1;
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
  });

  it('refuses an oversized body with 413 before reading it all', async () => {
    const trigger = routes.find((route) => route.path === '/api/jobs/[name]/trigger')!.methods[0]![1];
    const huge = JSON.stringify({ payload: { n: 1, pad: 'x'.repeat(maxBodyBytes + 10) } });
    const response = await trigger(
      new Request(`${origin}/api/jobs/fz-target/trigger`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: huge }),
      routeParams({ name: 'fz-target' }),
    );
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });
});

// ---------------------------------------------------------------------------------------------
// Malformed percent-encoding: Next decodes a dynamic segment before any handler runs, so these
// are answered by the proxy, which sees the raw path (the e2e spec sends them to the real server).

const malformedEscapes = ['%FF', '%E0%A4', '%C0%AF', '%ED%A0%80', '%F4%90%80%80', '%', '%G0', '%C3%28', 'abc%'];

describe('malformed percent-encoding in any path', () => {
  it('answers 400 in the JSON shape on every API route, before a handler could see it', () => {
    let tried = 0;
    for (const route of routes) {
      const pathOf = (escape: string) => (route.params.length > 0 ? route.path.replace(/\[(\w+)\]/g, `x${escape}`) : `${route.path}/${escape}`);
      for (const escape of malformedEscapes) {
        for (const [method] of route.methods) {
          const response = proxy(new NextRequest(`${origin}${pathOf(escape)}`, { method }));
          expect(response.status, `${method} ${pathOf(escape)}`).toBe(400);
          expect(response.headers.get('content-type')).toMatch(/^application\/json/);
          tried += 1;
        }
      }
    }
    counts.badInputs += tried;
    expect(tried).toBeGreaterThan(100);
  });

  it('lets well-formed API paths through untouched', () => {
    for (const path of ['/api/runs/abc', '/api/runs/%E2%9C%93', '/api/jobs/fz-target']) {
      const response = proxy(new NextRequest(`${origin}${path}`));
      expect(response.status, path).toBe(200);
      expect(response.headers.get('x-middleware-next')).toBe('1');
    }
  });
});

afterAll(() => {
  // The figures for the report: how much was tried, and that none of it slipped.
  console.log(`fuzz: ${counts.badInputs} bad inputs in ${counts.requests} handler requests (+ proxy); ${counts.refused} refused; ${counts.serverErrors} answered 500; ${counts.writesDespiteRefusal} wrote despite refusal`);
});
