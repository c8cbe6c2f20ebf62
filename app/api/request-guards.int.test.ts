/**
 * What every request passes before a handler acts: session-cookie mutations only from
 * Kickoff's own pages (Sec-Fetch-Site or Origin; neither is refused), JSON bodies only as
 * `application/json` (415 otherwise), and the client address the audit log stores, taken
 * from X-Forwarded-For only through a proxy named in TRUSTED_PROXIES.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { peerAddressHeader } from '@/lib/api/client-address.ts';
import { hashPassword } from '@/lib/auth/password.ts';
import { db } from '@/lib/db.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { POST as login } from './auth/login/route.ts';
import { POST as logout } from './auth/logout/route.ts';
import { POST as saveTemplate } from './jobs/[name]/templates/route.ts';
import { PATCH as patchSettings } from './settings/route.ts';

// Read by the settings on first use: set before any request.
process.env.TRUSTED_PROXIES = '127.0.0.1,10.0.0.0/8';
useOwnQueuePrefix('request-guards');
const origin = 'http://localhost:3000';
const none = routeParams({} as Record<string, never>);
const probe = routeParams({ name: 'probe' });
let adminKey: string;
let cookie: string;

beforeAll(async () => {
  adminKey = await createTestApiKey('admin');
  const email = `guards-${randomUUID()}@kickoff.test`;
  await db().user.create({ data: { email, passwordHash: await hashPassword('guards-password-1'), role: 'admin' } });
  const response = await login(new Request(`${origin}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ email, password: 'guards-password-1' }) }), none);
  cookie = response.headers.get('set-cookie')!.split(';')[0]!;
});
afterAll(async () => {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

const templateCount = () => db().payloadTemplate.count({ where: { jobName: 'probe', name: { startsWith: 'guards-' } } });

/** Saves a payload template with the session cookie and the given headers. */
const saveWithCookie = (headers: Record<string, string>, body: string = JSON.stringify({ name: `guards-${randomUUID()}`, payload: { steps: 1 } })) =>
  saveTemplate(new Request(`${origin}/api/jobs/probe/templates`, { method: 'POST', headers: { cookie, ...headers }, body }), probe);

describe('session-cookie mutations (CSRF)', () => {
  it('are accepted with Sec-Fetch-Site: same-origin, or else an Origin that is Kickoff\'s', async () => {
    expect((await saveWithCookie({ 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await saveWithCookie({ 'content-type': 'application/json', origin })).status).toBe(201);
  });

  it('are refused (403, JSON) with neither header, another site\'s Origin, or a Sec-Fetch-Site other than same-origin, and write nothing', async () => {
    const before = await templateCount();
    const refusals: Record<string, string>[] = [
      {},
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: `${origin}.evil.example` },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'none' },
      { 'sec-fetch-site': 'cross-site', origin },
    ];
    for (const headers of refusals) {
      const response = await saveWithCookie({ 'content-type': 'application/json', ...headers });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    expect(await templateCount()).toBe(before);
  });

  it('hold for sign-in and sign-out too', async () => {
    const body = JSON.stringify({ email: 'nobody@kickoff.test', password: 'x' });
    expect((await login(new Request(`${origin}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }), none)).status).toBe(403);
    expect((await login(new Request(`${origin}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body }), none)).status).toBe(403);
    expect((await logout(new Request(`${origin}/api/auth/logout`, { method: 'POST', headers: { cookie } }), none)).status).toBe(403);
  });

  it('do not concern API keys (a browser cannot send one cross-site)', async () => {
    const response = await saveTemplate(apiRequest('/api/jobs/probe/templates', adminKey, { method: 'POST', body: JSON.stringify({ name: `guards-${randomUUID()}`, payload: {} }) }), probe);
    expect(response.status).toBe(201);
  });
});

describe('JSON bodies', () => {
  it('need Content-Type: application/json (parameters allowed); anything else is 415 in the JSON error shape and writes nothing', async () => {
    const before = await templateCount();
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'application/json-patch+json', 'json']) {
      const response = await saveWithCookie({ 'content-type': type, origin });
      expect(response.status, type).toBe(415);
      expect(await response.json()).toMatchObject({ error: { code: 'unsupported_media_type', details: { contentType: type } } });
    }
    const missing = await saveTemplate(apiRequest('/api/jobs/probe/templates', adminKey, { method: 'POST', headers: { 'content-type': '' }, body: '{"name":"guards-x","payload":{}}' }), probe);
    expect(missing.status).toBe(415);
    expect(await templateCount()).toBe(before);
    expect((await saveWithCookie({ 'content-type': 'Application/JSON; charset=utf-8', origin })).status).toBe(201);
  });

  it('are refused with 400 when they are not UTF-8, rather than read with replacement characters', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('{"name":"guards-'), 0xff, 0xfe, ...new TextEncoder().encode('","payload":{}}')]);
    const response = await saveTemplate(apiRequest('/api/jobs/probe/templates', adminKey, { method: 'POST', body: bytes }), probe);
    expect(response.status).toBe(400);
  });

  it('may be empty without a content type (an empty body reads as {})', async () => {
    const response = await patchSettings(apiRequest('/api/settings', adminKey, { method: 'PATCH' }), none);
    expect(response.status).toBe(422); // {} names no setting: validated, not refused as a media type
  });
});

describe('the client address in the audit log', () => {
  /** Saves a template as the admin key with these connection facts; returns the IP its audit line stores. */
  async function auditedAddress(headers: Record<string, string>): Promise<string | null> {
    const name = `guards-${randomUUID()}`;
    const response = await saveTemplate(apiRequest('/api/jobs/probe/templates', adminKey, { method: 'POST', headers, body: JSON.stringify({ name, payload: {} }) }), probe);
    expect(response.status).toBe(201);
    const line = await db().auditLog.findFirstOrThrow({ where: { action: 'template.save', after: { path: ['name'], equals: name } } });
    return line.ip;
  }

  it('is the forwarded client through a proxy named in TRUSTED_PROXIES', async () => {
    expect(await auditedAddress({ [peerAddressHeader]: '127.0.0.1', 'x-forwarded-for': '203.0.113.9' })).toBe('203.0.113.9');
    expect(await auditedAddress({ [peerAddressHeader]: '10.2.3.4', 'x-forwarded-for': '198.51.100.1, 10.9.9.9' })).toBe('198.51.100.1');
  });

  it('is the peer itself when the peer is not a trusted proxy, whatever X-Forwarded-For claims', async () => {
    expect(await auditedAddress({ [peerAddressHeader]: '192.0.2.44', 'x-forwarded-for': '203.0.113.9' })).toBe('192.0.2.44');
    expect(await auditedAddress({ [peerAddressHeader]: '192.0.2.44', 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' })).toBe('192.0.2.44');
  });

  it('is never something that is not an IP address', async () => {
    expect(await auditedAddress({ [peerAddressHeader]: '127.0.0.1', 'x-forwarded-for': '<img src=x onerror=alert(1)>' })).toBe('127.0.0.1');
    expect(await auditedAddress({ 'x-forwarded-for': '203.0.113.9' })).toBeNull();
  });
});
