/**
 * PATCH /api/league/entries/:id against the upstream simulator, on a database of its own
 * (entries are league data): track and untrack, track an entry new to us (created from the
 * upstream), and the refusals: unknown entry, no such entry upstream, bad body, viewer, an
 * operator without a grant for the job that follows tracked entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamServer } from '@/scripts/upstream/server.ts';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { db } from '@/lib/db.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { PATCH } from './[id]/route.ts';

// The route reaches the upstream through UPSTREAM_URL: set before anything reads the settings.
const upstream = createUpstreamServer({ entries: 300, speed: 0 });
const upstreamUrl = `http://127.0.0.1:${await upstream.listen(0)}`;
process.env.UPSTREAM_URL = upstreamUrl;
useOwnQueuePrefix('league-entries-api');
await useOwnDatabase('league_entries_api');

let operator: string;
let viewer: string;
let probeOperator: string;
let analysisOperator: string;

beforeAll(async () => {
  operator = await createTestApiKey('operator', ['tracked-entry-updater']);
  viewer = await createTestApiKey('viewer');
  probeOperator = await createTestApiKey('operator', ['probe']);
  analysisOperator = await createTestApiKey('operator', ['category:analysis']);
  await fetch(`${upstreamUrl}/admin/clock`, { method: 'POST', body: JSON.stringify({ toEvent: 3, phase: 'finished' }) });
  await db().entry.create({ data: { id: 5, name: 'Known', playerName: 'Kim Known', startedEvent: 1, summaryOverallPoints: 120 } });
});

afterAll(async () => {
  await upstream.close();
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

const patch = (id: string | number, body: unknown, key = operator) =>
  PATCH(apiRequest(`/api/league/entries/${id}`, key, { method: 'PATCH', body: JSON.stringify(body) }), routeParams({ id: String(id) }));
const json = async (response: Response) => (await response.json()) as { entry: Record<string, unknown>; created: boolean; error: { code: string; message: string } };

describe('PATCH /api/league/entries/:id', () => {
  it('tracks a known entry (200) and writes the change to the audit log', async () => {
    const response = await patch(5, { tracked: true });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ created: false, entry: { id: 5, name: 'Known', tracked: true } });
    expect((await db().entry.findUniqueOrThrow({ where: { id: 5 } })).tracked).toBe(true);
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: 'entry.track', targetId: '5' } });
    expect(audit).toMatchObject({ targetType: 'entry', role: 'operator', before: { tracked: false }, after: { tracked: true } });
  });

  it('untracks it again (200); asking for what already is changes nothing and is not audited', async () => {
    expect((await patch(5, { tracked: false })).status).toBe(200);
    expect((await db().entry.findUniqueOrThrow({ where: { id: 5 } })).tracked).toBe(false);
    expect(await db().auditLog.count({ where: { action: 'entry.untrack', targetId: '5' } })).toBe(1);
    expect((await patch(5, { tracked: false })).status).toBe(200);
    expect(await db().auditLog.count({ where: { targetType: 'entry', targetId: '5' } })).toBe(2);
  });

  it('tracks an entry new to us, created from the upstream (200)', async () => {
    const fromUpstream = (await (await fetch(`${upstreamUrl}/api/entry/7/`)).json()) as { name: string; summary_overall_points: number };
    const response = await patch(7, { tracked: true });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ created: true, entry: { id: 7, name: fromUpstream.name, tracked: true, deleted: false } });
    const entry = await db().entry.findUniqueOrThrow({ where: { id: 7 } });
    expect(entry).toMatchObject({ tracked: true, summaryOverallPoints: fromUpstream.summary_overall_points });
    expect(entry.lastFetchedAt).not.toBeNull();
    expect(await db().auditLog.findFirst({ where: { action: 'entry.track', targetId: '7' } })).toMatchObject({ details: { created: true } });
  });

  it('answers 404 for an entry we do not know, to untrack, and for an id that is no entry id', async () => {
    const unknown = await patch(4242, { tracked: false });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe('not_found');
    expect((await patch('no-such-id', { tracked: true })).status).toBe(404);
    expect((await patch(0, { tracked: true })).status).toBe(404);
  });

  it('answers 422 "no entry N upstream" for an entry the upstream does not have, and creates nothing', async () => {
    for (const id of [97, 100_000]) {
      const response = await patch(id, { tracked: true });
      expect(response.status).toBe(422);
      expect((await json(response)).error).toMatchObject({ code: 'validation_failed', message: `no entry ${id} upstream` });
      expect(await db().entry.findUnique({ where: { id } })).toBeNull();
    }
  });

  it('answers 422 for a body that is not { tracked: boolean }', async () => {
    for (const body of [{ tracked: 'yes' }, {}, { tracked: true, extra: 1 }]) expect((await patch(5, body)).status).toBe(422);
  });

  it('answers 503 while the upstream fails, and creates nothing', async () => {
    await fetch(`${upstreamUrl}/admin/faults`, { method: 'POST', body: JSON.stringify({ errorRate: 1 }) });
    try {
      expect((await patch(8, { tracked: true })).status).toBe(503);
    } finally {
      await fetch(`${upstreamUrl}/admin/faults/reset`, { method: 'POST' });
    }
    expect(await db().entry.findUnique({ where: { id: 8 } })).toBeNull();
  });

  it('answers 403 to a viewer, and changes nothing', async () => {
    const response = await patch(5, { tracked: true }, viewer);
    expect(response.status).toBe(403);
    expect((await db().entry.findUniqueOrThrow({ where: { id: 5 } })).tracked).toBe(false);
  });

  it('answers 403 to an operator granted only probe, to track or untrack, known or new, and writes nothing', async () => {
    const auditBefore = await db().auditLog.count({ where: { targetType: 'entry' } });
    for (const [id, tracked] of [[5, true], [5, false], [11, true]] as const) {
      const response = await patch(id, { tracked }, probeOperator);
      expect(response.status, `entry ${id} tracked=${tracked}`).toBe(403);
      expect((await json(response)).error.message).toMatch(/tracked-entry-updater/);
    }
    expect((await db().entry.findUniqueOrThrow({ where: { id: 5 } })).tracked).toBe(false);
    expect(await db().entry.findUnique({ where: { id: 11 } })).toBeNull();
    expect(await db().auditLog.count({ where: { targetType: 'entry' } })).toBe(auditBefore);
    // The grant is checked before the body is read: no hint about a body to someone who may not send one.
    expect((await patch(5, { tracked: 'yes' }, probeOperator)).status).toBe(403);
  });

  it('lets an operator granted the category of that job (analysis) track', async () => {
    expect((await patch(5, { tracked: true }, analysisOperator)).status).toBe(200);
    expect((await patch(5, { tracked: false }, analysisOperator)).status).toBe(200);
  });
});
