/**
 * The contract: every operation in the OpenAPI document is called on the real route handlers
 * (in process, real PostgreSQL and Redis), and each answer's status must be one the document
 * lists for it and its body must validate against that status's schema (ajv, JSON Schema
 * 2020-12, the document's own components). Each operation is called for a success and for
 * errors it documents; every protected one without credentials (401) and, where a role may
 * not use it, with that role (403).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { FakeSmtp } from '@/scripts/test/fake-smtp.ts';
import { FakeTelegram } from '@/scripts/test/fake-telegram.ts';
import { apiRoutes, loadHandlers, type RouteHandler } from '@/scripts/test/route-files.ts';
import { internalApiKey, internalKeyHeader } from '@/lib/api/internal-key.ts';
import { openApiDocument } from '@/lib/api/openapi/document.ts';
import { roleAllows, type Permission } from '@/lib/auth/permissions.ts';
import { db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { allJobs } from '@/lib/jobs/catalog.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { syncCatalog } from '@/worker/catalog-sync.ts';

useOwnQueuePrefix('contract');

interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; schema?: { enum?: string[] } }[];
  responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
  'x-kickoff-access': Permission | 'public' | 'internal';
}
type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

const document = JSON.parse(JSON.stringify(openApiDocument())) as { paths: Record<string, Partial<Record<Method, Operation>>> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(document, 'openapi.json');

const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  (Object.entries(item) as [Method, Operation][]).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, method, path, operation })),
);
/** `METHOD /path` → the statuses it answered in this file, validated. */
const answered = new Map<string, Set<number>>();
const handlers = new Map<string, RouteHandler>();
const keys: Record<'admin' | 'operator' | 'viewer', string> = { admin: '', operator: '', viewer: '' };
const telegram = new FakeTelegram();

beforeAll(async () => {
  await syncCatalog(db(), allJobs());
  for (const role of ['admin', 'operator', 'viewer'] as const) keys[role] = await createTestApiKey(role);
  for (const route of apiRoutes().filter((file) => !file.catchAll)) {
    for (const [method, handler] of await loadHandlers(route)) handlers.set(`${method} ${route.path.replace(/\[(\w+)\]/g, '{$1}')}`, handler);
  }
  await telegram.start();
});
afterAll(async () => {
  await telegram.stop();
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

interface Call {
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  /** A body sent as it is (malformed JSON). */
  rawBody?: string;
  as?: keyof typeof keys | 'internal' | 'anonymous';
  headers?: Record<string, string>;
}

/** Calls the operation's route handler and checks the answer against the document; returns the body. */
async function call(key: string, expected: number, input: Call = {}): Promise<{ body: any; response: Response }> {
  const [METHOD, path] = key.split(' ') as [string, string];
  const operation = document.paths[path]?.[METHOD.toLowerCase() as Method];
  expect(operation, `${key} is documented`).toBeDefined();
  const handler = handlers.get(key);
  expect(handler, `${key} has a route handler`).toBeDefined();
  const url = `http://localhost:3000${path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(input.params?.[name] ?? ''))}${input.query ? `?${input.query}` : ''}`;
  const headers = new Headers(input.headers);
  const as = input.as ?? 'admin';
  if (as === 'internal') headers.set(internalKeyHeader, internalApiKey());
  else if (as !== 'anonymous') headers.set('authorization', `Bearer ${keys[as]}`);
  const body = input.rawBody ?? (input.body === undefined ? undefined : JSON.stringify(input.body));
  if (body !== undefined) headers.set('content-type', 'application/json');
  const response = await handler!(new Request(url, { method: METHOD, headers, body }), routeParams(input.params ?? {}));
  const text = await response.clone().text();
  expect(response.status, `${key} answered ${response.status}: ${text.slice(0, 300)}`).toBe(expected);
  await validate(key, operation!, response);
  return { body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text, response };
}

const compiled = new Map<string, ValidateFunction>();
const pointer = (...segments: string[]) => segments.map((segment) => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

async function validate(key: string, operation: Operation, response: Response): Promise<void> {
  const [METHOD, path] = key.split(' ') as [string, string];
  const status = String(response.status);
  const documented = operation.responses[status];
  expect(documented, `${key} answered ${status}, which the document does not list (${Object.keys(operation.responses).join(', ')})`).toBeDefined();
  expect(response.headers.get('x-request-id'), `${key} ${status} X-Request-Id`).toBeTruthy();
  for (const header of Object.keys(documented!.headers ?? {})) {
    if (header === 'Set-Cookie') expect(response.headers.getSetCookie().length, `${key} ${status} Set-Cookie`).toBeGreaterThan(0);
    else expect(response.headers.get(header), `${key} ${status} ${header}`).toBeTruthy();
  }
  const [contentType] = Object.keys(documented!.content ?? {});
  if (!contentType) return;
  expect(response.headers.get('content-type'), `${key} ${status} Content-Type`).toContain(contentType);
  const body = contentType.includes('json') ? await response.clone().json() : await response.clone().text();
  const ref = `openapi.json#/${pointer('paths', path, METHOD.toLowerCase(), 'responses', status, 'content', contentType, 'schema')}`;
  let check = compiled.get(ref);
  if (!check) {
    check = ajv.compile({ $ref: ref });
    compiled.set(ref, check);
  }
  expect(check(body), `${key} ${status} body against the document: ${ajv.errorsText(check.errors)}\n${JSON.stringify(body).slice(0, 500)}`).toBe(true);
  (answered.get(key) ?? answered.set(key, new Set()).get(key)!).add(response.status);
}

describe('every documented operation, called', () => {
  const state: Record<string, string> = {};

  it('jobs and payload templates', async () => {
    await call('GET /api/jobs', 200);
    await call('GET /api/schedule', 200, { query: 'hours=6' });
    await call('GET /api/schedule', 422, { query: 'hours=0' });
    await call('GET /api/jobs/{name}', 200, { params: { name: 'probe' } });
    await call('GET /api/jobs/{name}', 404, { params: { name: 'nope' } });
    await call('PATCH /api/jobs/{name}', 200, { params: { name: 'probe' }, body: { enabled: true } });
    await call('PATCH /api/jobs/{name}', 422, { params: { name: 'probe' }, body: { colour: 'red' } });
    await call('PATCH /api/jobs/{name}', 400, { params: { name: 'probe' }, rawBody: '{"enabled":' });
    await call('PATCH /api/jobs/{name}', 404, { params: { name: 'nope' }, body: { enabled: true } });

    const triggered = await call('POST /api/jobs/{name}/trigger', 202, { params: { name: 'probe' }, body: { payload: { steps: 1 }, requestId: 'contract-1' } });
    state.runId = triggered.body.runId;
    await call('POST /api/jobs/{name}/trigger', 200, { params: { name: 'probe' }, body: { requestId: 'contract-1' } });
    await call('POST /api/jobs/{name}/trigger', 422, { params: { name: 'probe' }, body: { payload: { steps: 'many' } } });
    await call('POST /api/jobs/{name}/trigger', 207, { params: { name: 'probe' }, body: { runs: [{ payload: { steps: 1 }, requestId: 'contract-bulk' }, { payload: { steps: 'many' } }, { requestId: 'contract-1' }] } });
    await call('POST /api/jobs/{name}/trigger', 404, { params: { name: 'nope' } });
    await call('POST /api/jobs/{name}/trigger', 403, { params: { name: 'probe' }, body: { override: true }, as: 'operator' });

    await call('GET /api/jobs/{name}/templates', 200, { params: { name: 'probe' } });
    await call('GET /api/jobs/{name}/templates', 404, { params: { name: 'nope' } });
    const saved = await call('POST /api/jobs/{name}/templates', 201, { params: { name: 'probe' }, body: { name: 'contract', payload: { steps: 2 } } });
    await call('POST /api/jobs/{name}/templates', 422, { params: { name: 'probe' }, body: { name: 'bad', payload: { steps: 'x' } } });
    await call('DELETE /api/jobs/{name}/templates/{template}', 200, { params: { name: 'probe', template: saved.body.template.id } });
    await call('DELETE /api/jobs/{name}/templates/{template}', 404, { params: { name: 'probe', template: saved.body.template.id } });
  });

  it('runs: list, read, cancel, retry, bulk retry', async () => {
    await call('GET /api/runs', 200, { query: 'job=probe&limit=5' });
    await call('GET /api/runs', 422, { query: 'status=exploded' });
    await call('GET /api/runs', 400, { query: 'cursor=garbage' });
    await call('GET /api/runs/{id}', 200, { params: { id: state.runId! } });
    await call('GET /api/runs/{id}', 404, { params: { id: 'nope' } });

    await call('POST /api/runs/{id}/cancel', 202, { params: { id: state.runId! } });
    await call('POST /api/runs/{id}/cancel', 409, { params: { id: state.runId! } });
    await call('POST /api/runs/{id}/cancel', 404, { params: { id: 'nope' } });
    const retried = await call('POST /api/runs/{id}/retry', 202, { params: { id: state.runId! } });
    await call('POST /api/runs/{id}/retry', 409, { params: { id: retried.body.run.id } });
    await call('POST /api/runs/{id}/retry', 404, { params: { id: 'nope' } });
    await call('POST /api/runs/bulk-retry', 202, { body: { ids: [state.runId, 'nope'] } });
    await call('POST /api/runs/bulk-retry', 422, { body: { ids: [] } });
    await call('POST /api/runs/bulk-retry', 422, { body: { ids: [state.runId], filter: { job: 'probe' } } });
    await call('POST /api/runs/bulk-retry', 200, { body: { filter: { job: 'probe', status: 'cancelled' }, dryRun: true } });
    await call('POST /api/runs/bulk-retry', 409, { body: { filter: { job: 'probe', status: 'cancelled' }, expectedCount: 999 } });
    await call('POST /api/runs/bulk-retry', 202, { body: { filter: { job: 'nope' } } });
    await call('POST /api/runs/bulk-cancel', 200, { body: { filter: { job: 'probe' }, dryRun: true } });
    await call('POST /api/runs/bulk-cancel', 202, { body: { ids: ['nope'] } });
    await call('POST /api/runs/bulk-cancel', 422, { body: {} });
    await call('GET /api/runs', 200, { query: 'sort=-duration&limit=2' });
    await call('GET /api/runs', 422, { query: 'sort=colour' });
    await call('GET /api/runs/export', 200, { query: 'job=probe&format=csv' });
    await call('GET /api/runs/export', 422, { query: 'format=xml' });
  });

  it('alert rules, alerts and the Telegram test message', async () => {
    await call('GET /api/alert-rules', 200);
    const created = await call('POST /api/alert-rules', 201, {
      body: { name: 'contract', condition: { type: 'consecutive-failures', count: 3 }, scope: { job: 'probe' }, severity: 'warning', channels: [{ type: 'dashboard' }, { type: 'telegram', chatId: '-100123' }] },
    });
    const ruleId = created.body.rule.id as string;
    await call('POST /api/alert-rules', 422, { body: { name: '' } });
    await call('PATCH /api/alert-rules/{id}', 200, { params: { id: ruleId }, body: { enabled: false } });
    await call('PATCH /api/alert-rules/{id}', 404, { params: { id: 'nope' }, body: { enabled: false } });

    const alert = await db().alert.create({ data: { ruleId, subject: 'job:probe', severity: 'warning', title: 'probe failed 3 times', message: 'contract' } });
    await db().alertDelivery.create({ data: { alertId: alert.id, channel: { type: 'dashboard' } } }).catch(() => undefined);
    await call('GET /api/alerts', 200);
    await call('GET /api/alerts', 200, { query: 'status=open' });
    await call('GET /api/alerts', 422, { query: 'status=sleeping' });
    await call('POST /api/alerts/{id}/{action}', 200, { params: { id: alert.id, action: 'ack' } });
    await call('POST /api/alerts/{id}/{action}', 409, { params: { id: alert.id, action: 'ack' } });
    await call('POST /api/alerts/{id}/{action}', 200, { params: { id: alert.id, action: 'resolve' } });
    await call('POST /api/alerts/{id}/{action}', 404, { params: { id: 'nope', action: 'ack' } });
    await db().alert.deleteMany({ where: { ruleId } });
    await call('DELETE /api/alert-rules/{id}', 200, { params: { id: ruleId } });
    await call('DELETE /api/alert-rules/{id}', 404, { params: { id: ruleId } });

    await call('POST /api/channels/telegram/test', 409, { body: { chatId: '-100123' } });
    const settings = env();
    const saved = { TELEGRAM_BOT_TOKEN: settings.TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT: settings.TELEGRAM_API_ROOT };
    Object.assign(settings, { TELEGRAM_BOT_TOKEN: '123:CONTRACT', TELEGRAM_API_ROOT: telegram.apiRoot });
    try {
      await call('POST /api/channels/telegram/test', 200, { body: { chatId: '-100123' } });
      await call('POST /api/channels/telegram/test', 422, { body: { chatId: '-404000' } });
    } finally {
      Object.assign(settings, saved);
    }

    await call('POST /api/channels/email/test', 409, { body: { to: 'ops@example.com' } });
    const smtp = new FakeSmtp();
    await smtp.start();
    const savedSmtp = settings.SMTP_URL;
    settings.SMTP_URL = smtp.url();
    try {
      await call('POST /api/channels/email/test', 200, { body: { to: 'ops@example.com' } });
      await call('POST /api/channels/email/test', 422, { body: { to: 'nobody@example.com' } });
    } finally {
      settings.SMTP_URL = savedSmtp;
      await smtp.stop();
    }
  });

  it('league: follow an entry, Update stats, purge the cache', async () => {
    await call('POST /api/league/cache/purge', 200, { body: { families: ['live', 'league'] } });
    await call('POST /api/league/cache/purge', 200, { body: {} });
    await call('POST /api/league/cache/purge', 422, { body: { families: ['nope'] } });
    await db().entry.upsert({ where: { id: 424242 }, create: { id: 424242, name: 'Contract XI', playerName: 'C. Tract', startedEvent: 1, summaryOverallPoints: 10, tracked: true }, update: { tracked: true } });
    await call('PATCH /api/league/entries/{id}', 200, { params: { id: '424242' }, body: { tracked: false } });
    await call('PATCH /api/league/entries/{id}', 404, { params: { id: 'not-a-number' }, body: { tracked: false } });
    await call('PATCH /api/league/entries/{id}', 404, { params: { id: '999999' }, body: { tracked: false } });
    await call('PATCH /api/league/entries/{id}', 422, { params: { id: '424242' }, body: { tracked: 'yes' } });
    await call('POST /api/league/stats-update', 202, { body: { requestId: 'contract-stats' } });
    await call('POST /api/league/stats-update', 200, { body: { requestId: 'contract-stats' } });
  });

  it('system: health, the document, metrics, stats, audit, settings, queues, cache', async () => {
    await call('GET /api/health', 200, { as: 'anonymous' });
    await call('GET /api/openapi.json', 200, { as: 'anonymous' });
    await call('GET /api/metrics', 200);
    await call('GET /api/stats', 200, { query: 'window=1h' });
    await call('GET /api/stats', 422, { query: 'window=2h' });
    await call('GET /api/audit', 200, { query: 'limit=5' });
    await call('GET /api/audit', 422, { query: 'limit=0' });
    await call('GET /api/settings', 200);
    await call('PATCH /api/settings', 200, { body: { 'runs.retentionDays': 30 } });
    await call('PATCH /api/settings', 422, { body: {} });
    await call('POST /api/queues/{category}/{action}', 200, { params: { category: 'diagnostics', action: 'pause' } });
    await call('POST /api/queues/{category}/{action}', 200, { params: { category: 'diagnostics', action: 'resume' } });
    await call('POST /api/queues/{category}/{action}', 404, { params: { category: 'diagnostics', action: 'explode' } });
    await call('POST /api/internal/cache/invalidate', 200, { as: 'internal', body: { tags: ['stats:season'] } });
    await call('POST /api/internal/cache/invalidate', 422, { as: 'internal', body: { tags: [] } });
  });

  it('access: users, sign-in and out, API keys', async () => {
    await call('GET /api/users', 200);
    const user = await call('POST /api/users', 201, { body: { email: 'contract@kickoff.local', role: 'operator', password: 'contract-password-1' } });
    await call('POST /api/users', 409, { body: { email: 'contract@kickoff.local', role: 'operator', password: 'contract-password-1' } });
    await call('PATCH /api/users/{id}', 200, { params: { id: user.body.user.id }, body: { grants: ['probe'] } });
    await call('PATCH /api/users/{id}', 404, { params: { id: 'nope' }, body: { grants: [] } });

    // The sign-in form posts from Kickoff's own page (a browser sends Sec-Fetch-Site).
    const fromOurPage = { 'sec-fetch-site': 'same-origin' };
    const signedIn = await call('POST /api/auth/login', 200, { as: 'anonymous', headers: fromOurPage, body: { email: 'contract@kickoff.local', password: 'contract-password-1' } });
    await call('POST /api/auth/login', 401, { as: 'anonymous', headers: fromOurPage, body: { email: 'contract@kickoff.local', password: 'wrong-password' } });
    await call('POST /api/auth/login', 422, { as: 'anonymous', headers: fromOurPage, body: { email: 'not an email' } });
    await call('POST /api/auth/login', 403, { as: 'anonymous', headers: { 'sec-fetch-site': 'cross-site' }, body: { email: 'contract@kickoff.local', password: 'x' } });
    const cookie = signedIn.response.headers.getSetCookie()[0]!.split(';')[0]!;
    const own = { as: 'anonymous' as const, headers: { cookie, 'sec-fetch-site': 'same-origin' } };
    await call('POST /api/account/password', 422, { ...own, body: { currentPassword: 'wrong-password', newPassword: 'contract-password-2' } });
    await call('POST /api/account/password', 200, { ...own, body: { currentPassword: 'contract-password-1', newPassword: 'contract-password-2' } });
    await call('GET /api/account/preferences', 200, own);
    await call('PATCH /api/account/preferences', 200, { ...own, body: { timeZone: 'Europe/London' } });
    await call('PATCH /api/account/preferences', 422, { ...own, body: { timeZone: 'Mars/Olympus' } });
    await call('PATCH /api/account/preferences', 403, { body: { timeZone: 'UTC' } });
    // The password change ended the other sessions: a second sign-in is the only other one.
    await call('POST /api/auth/login', 200, { as: 'anonymous', headers: fromOurPage, body: { email: 'contract@kickoff.local', password: 'contract-password-2' } });
    const sessions = (await call('GET /api/account/sessions', 200, own)).body.sessions as { id: string; current: boolean }[];
    await call('DELETE /api/account/sessions/{id}', 200, { ...own, params: { id: sessions.find((session) => !session.current)!.id } });
    await call('DELETE /api/account/sessions/{id}', 404, { ...own, params: { id: '0000000000000000' } });
    await call('POST /api/auth/logout', 200, { as: 'anonymous', headers: { cookie, ...fromOurPage } });

    await call('GET /api/api-keys', 200);
    const created = await call('POST /api/api-keys', 201, { body: { name: 'contract', role: 'viewer' } });
    await call('DELETE /api/api-keys/{id}', 200, { params: { id: created.body.apiKey.id } });
    await call('DELETE /api/api-keys/{id}', 409, { params: { id: created.body.apiKey.id } });
    await call('DELETE /api/api-keys/{id}', 404, { params: { id: 'nope' } });
  });

  it('every protected operation answers 401 without credentials and 403 to a role its access does not include', async () => {
    for (const { key, operation } of operations) {
      const access = operation['x-kickoff-access'];
      if (access === 'public') continue;
      const params = Object.fromEntries((operation.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => [parameter.name, parameter.schema?.enum?.[0] ?? 'x1']));
      await call(key, 401, { params, as: 'anonymous', body: key.startsWith('GET') ? undefined : {} });
      if (access === 'internal') {
        await call(key, 403, { params, as: 'admin', body: {} });
        continue;
      }
      for (const role of ['viewer', 'operator'] as const) {
        if (!roleAllows(role, access)) await call(key, 403, { params, as: role, body: key.startsWith('GET') ? undefined : {} });
      }
    }
  });

  it('answered every documented operation with a success, validated', () => {
    const unanswered = operations.filter(({ key }) => ![...(answered.get(key) ?? [])].some((status) => status < 300)).map(({ key }) => key);
    expect(unanswered).toEqual([]);
    expect(operations.length).toBe(handlers.size);
  });
});
