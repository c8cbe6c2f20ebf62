import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { db } from '@/lib/db.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { GET as listAudit } from './audit/route.ts';
import { GET as getSettings, PATCH as patchSettings } from './settings/route.ts';
import { POST as queueAction } from './queues/[category]/[action]/route.ts';
import { POST as bulkRetry } from './runs/bulk-retry/route.ts';

useOwnQueuePrefix('admin-api');
let admin: string;
const none = routeParams({} as Record<string, never>);

beforeAll(async () => {
  admin = await createTestApiKey('admin');
});
afterAll(async () => {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

const json = (response: Response) => response.json() as Promise<Record<string, any>>;

describe('settings', () => {
  it('reads defaults, changes a setting with an audit entry holding before and after, and refuses bad values', async () => {
    const before = await json(await getSettings(apiRequest('/api/settings', admin), none));
    expect(before.settings['runs.retentionDays']).toBe(30);
    const changed = await patchSettings(apiRequest('/api/settings', admin, { method: 'PATCH', body: JSON.stringify({ 'runs.retentionDays': 14 }) }), none);
    expect(changed.status).toBe(200);
    expect((await json(changed)).settings['runs.retentionDays']).toBe(14);
    const audit = await db().auditLog.findFirst({ where: { action: 'settings.update' }, orderBy: { id: 'desc' } });
    expect([audit?.before, audit?.after]).toEqual([{ 'runs.retentionDays': 30 }, { 'runs.retentionDays': 14 }]);
    for (const body of [{ 'runs.retentionDays': 0 }, { 'triggers.api': 'no' }, { colour: 'red' }, {}]) {
      expect((await patchSettings(apiRequest('/api/settings', admin, { method: 'PATCH', body: JSON.stringify(body) }), none)).status).toBe(422);
    }
    await patchSettings(apiRequest('/api/settings', admin, { method: 'PATCH', body: JSON.stringify({ 'runs.retentionDays': 30 }) }), none);
  });
});

describe('queues', () => {
  it('pauses and resumes a category queue, audited; 404 for an unknown one', async () => {
    const pause = await queueAction(apiRequest('/api/queues/analysis/pause', admin, { method: 'POST' }), routeParams({ category: 'analysis', action: 'pause' }));
    expect(await json(pause)).toEqual({ category: 'analysis', paused: true });
    expect(await queues().for('analysis').isPaused()).toBe(true);
    await queueAction(apiRequest('/api/queues/analysis/resume', admin, { method: 'POST' }), routeParams({ category: 'analysis', action: 'resume' }));
    expect(await queues().for('analysis').isPaused()).toBe(false);
    expect((await queueAction(apiRequest('/api/queues/nope/pause', admin, { method: 'POST' }), routeParams({ category: 'nope', action: 'pause' }))).status).toBe(404);
    expect((await queueAction(apiRequest('/api/queues/analysis/explode', admin, { method: 'POST' }), routeParams({ category: 'analysis', action: 'explode' }))).status).toBe(404);
    expect(await db().auditLog.count({ where: { action: { in: ['queue.pause', 'queue.resume'] }, targetId: 'analysis' } })).toBe(2);
  });
});

describe('bulk retry', () => {
  it('retries the failed runs and says why for the others', async () => {
    await db().jobRun.createMany({
      data: [
        { id: 'bulk-failed-1', jobName: 'probe', status: 'failed', trigger: 'api', payload: { steps: 1, sleepMs: 0, fail: false } },
        { id: 'bulk-done-1', jobName: 'probe', status: 'completed', trigger: 'api' },
      ],
    });
    const response = await bulkRetry(apiRequest('/api/runs/bulk-retry', admin, { method: 'POST', body: JSON.stringify({ ids: ['bulk-failed-1', 'bulk-done-1', 'missing'] }) }), none);
    expect(response.status).toBe(202);
    const { results } = await json(response);
    expect(results.map((result: { id: string; ok: boolean; error?: { code: string } }) => [result.id, result.ok, result.error?.code])).toEqual([
      ['bulk-failed-1', true, undefined],
      ['bulk-done-1', false, 'invalid_state'],
      ['missing', false, 'not_found'],
    ]);
    expect((await bulkRetry(apiRequest('/api/runs/bulk-retry', admin, { method: 'POST', body: JSON.stringify({ ids: [] }) }), none)).status).toBe(422);
  });
});

describe('audit log', () => {
  it('lists newest first with filters and a cursor', async () => {
    const page = await json(await listAudit(apiRequest('/api/audit?limit=2', admin), none));
    expect(page.entries).toHaveLength(2);
    expect(Number(page.entries[0].id)).toBeGreaterThan(Number(page.entries[1].id));
    const next = await json(await listAudit(apiRequest(`/api/audit?limit=2&cursor=${page.nextCursor}`, admin), none));
    expect(Number(next.entries[0].id)).toBeLessThan(Number(page.entries[1].id));
    const filtered = await json(await listAudit(apiRequest('/api/audit?action=queue.pause', admin), none));
    expect(filtered.entries.every((entry: { action: string }) => entry.action === 'queue.pause')).toBe(true);
    expect((await listAudit(apiRequest('/api/audit?cursor=abc', admin), none)).status).toBe(422);
  });
});
