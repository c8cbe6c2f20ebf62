/**
 * POST /api/league/cache/purge, the cache panel's "Purge": admins only (a key or a session),
 * audited, every process's copies gone (another cache instance on the prefix stands for
 * another process), the families asked for only; bad input is a 422.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { apiRequest, createTestApiKey, createTestSession, routeParams, sessionRequest } from '@/scripts/test/api-keys.ts';
import { deleteRedisKeys } from '@/scripts/test/test-resources.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { db } from '@/lib/db.ts';
import { createRedis, redis } from '@/lib/redis.ts';
import { POST } from './route.ts';

const prefix = useOwnQueuePrefix('cache-purge');
const connection = createRedis('client');
/** Another process's cache: it must lose what the purge drops. */
const other = new TwoLevelCache({ redis: connection, prefix });

let admin: string;
let operator: string;
let viewer: string;

beforeAll(async () => {
  await other.start();
  [admin, operator, viewer] = await Promise.all([createTestApiKey('admin'), createTestApiKey('operator', ['*']), createTestApiKey('viewer')]);
});

afterAll(async () => {
  await other.close();
  connection.disconnect();
  await deleteRedisKeys(prefix);
  redis().disconnect();
});

const purge = (body: unknown, key: string | null = admin) => POST(apiRequest('/api/league/cache/purge', key, { method: 'POST', body: JSON.stringify(body) }), routeParams({}));

describe('POST /api/league/cache/purge', () => {
  it('purges the families asked for in every process and writes it to the audit log', async () => {
    for (const key of ['live:match:1', 'live:event:1', 'league:list']) await other.set(key, key);
    for (const key of ['live:match:1', 'league:list']) expect(await other.get(key)).toBe(key); // local copies in the other process

    const response = await purge({ families: ['live'] });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ families: ['live'], removed: { live: 2 } });
    await waitFor(async () => (await other.get('live:match:1')) === undefined && (await other.get('live:event:1')) === undefined, 2_000, 'the other process to drop the live family');
    expect(await other.get('league:list')).toBe('league:list');
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: 'cache.purge', targetId: 'live' }, orderBy: { at: 'desc' } });
    expect(audit).toMatchObject({ actorType: 'apiKey', role: 'admin', targetType: 'cache', details: { families: ['live'], removed: { live: 2 } } });
  });

  it('purges every family when none is named, also from a signed-in admin', async () => {
    await other.set('league:list', 'again');
    const { cookie } = await createTestSession('admin');
    const response = await POST(sessionRequest('/api/league/cache/purge', cookie, { method: 'POST', body: '{}' }), routeParams({}));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { families: string[]; removed: Record<string, number> };
    expect(body.families).toContain('analytics');
    expect(body.removed.league).toBe(1);
    await waitFor(async () => (await other.get('league:list')) === undefined, 2_000, 'the other process to drop everything');
    expect(await db().auditLog.findFirst({ where: { action: 'cache.purge', targetId: '*', actorType: 'user' } })).not.toBeNull();
  });

  it('refuses operators and viewers (403) and callers without a key (401), purging nothing', async () => {
    await other.set('meta:teams', 'kept');
    for (const key of [operator, viewer]) {
      const response = await purge({}, key);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect((await purge({}, null)).status).toBe(401);
    expect(await other.get('meta:teams')).toBe('kept');
  });

  it('answers 422 to an unknown family or an unknown field', async () => {
    const unknown = await purge({ families: ['nope'] });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ error: { code: 'validation_failed' } });
    expect((await purge({ families: [] })).status).toBe(422);
    expect((await purge({ family: 'live' })).status).toBe(422);
  });
});
