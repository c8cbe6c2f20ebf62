/**
 * GET /api/schedule: the fires of the next hours with their predicted skips (a window closed,
 * a pause, the switch off), who may read it, and the query it takes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { scheduleAhead } from '@/lib/data/schedule-ahead.ts';
import { db } from '@/lib/db.ts';
import { registerJobs } from '@/lib/jobs/catalog.ts';
import { defineJob } from '@/lib/jobs/define-job.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { GET } from './route.ts';

useOwnQueuePrefix('schedule-ahead');
const hourly = defineJob({
  name: 'sched-hourly-window',
  category: 'maintenance',
  description: 'Hourly, in a night window',
  schedule: { cron: '0 * * * *', tz: 'UTC' },
  window: { hours: '1-5' },
  payload: z.object({}),
});
const everyMinute = defineJob({ name: 'sched-every-minute', category: 'maintenance', description: 'Every minute', schedule: { every: 60_000 }, payload: z.object({}) });
registerJobs([hourly, everyMinute]);
const none = routeParams({} as Record<string, never>);
let viewerKey: string;

beforeAll(async () => {
  viewerKey = await createTestApiKey('viewer');
});
afterAll(async () => {
  await db().jobDefinition.deleteMany({ where: { name: { in: [hourly.name, everyMinute.name] } } });
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

const now = new Date('2026-03-02T00:30:00Z');
const jobOf = async (name: string, at = now) => (await scheduleAhead(24, at)).jobs.find((job) => job.name === name)!;

describe('the schedule ahead', () => {
  it('lists each fire of a cron job and predicts a skip wherever its window is closed', async () => {
    const job = await jobOf(hourly.name);
    expect(job.totalFires).toBe(24);
    expect(job.windowOpen).toEqual([{ from: '2026-03-02T01:00:00.000Z', to: '2026-03-02T06:00:00.000Z' }]);
    expect(job.fires.filter((fire) => fire.outcome === 'runs').map((fire) => fire.at.slice(11, 16))).toEqual(['01:00', '02:00', '03:00', '04:00', '05:00']);
    expect(job.fires.filter((fire) => fire.outcome === 'window-closed')).toHaveLength(19);
    expect(job.spans.map((span) => [span.outcome, span.fires])).toEqual([
      ['runs', 5],
      ['window-closed', 19],
    ]);
  });

  it('merges a dense schedule into spans, and marks the fires of a paused or disabled job skipped', async () => {
    expect(await jobOf(everyMinute.name)).toMatchObject({ totalFires: 1439, fires: [], spans: [{ outcome: 'runs', fires: 1439 }] });
    await db().jobDefinition.upsert({
      where: { name: hourly.name },
      create: { name: hourly.name, category: 'maintenance', pausedUntil: new Date('2026-03-02T03:30:00Z') },
      update: { pausedUntil: new Date('2026-03-02T03:30:00Z'), enabled: true },
    });
    const paused = await jobOf(hourly.name);
    expect(paused.pausedUntil).toBe('2026-03-02T03:30:00.000Z');
    expect(paused.spans.map((span) => [span.outcome, span.fires])).toEqual([
      ['paused', 3],
      ['runs', 2],
      ['window-closed', 19],
    ]);
    await db().jobDefinition.update({ where: { name: hourly.name }, data: { enabled: false, pausedUntil: null } });
    expect((await jobOf(hourly.name)).spans).toMatchObject([{ outcome: 'disabled', fires: 24 }]);
  });

  it('answers anyone who may read jobs, refuses the anonymous, and validates hours', async () => {
    const ok = await GET(apiRequest('/api/schedule?hours=2', viewerKey), none);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { from: string; to: string; jobs: { name: string }[] };
    expect(new Date(body.to).getTime() - new Date(body.from).getTime()).toBe(2 * 3_600_000);
    expect(body.jobs.map((job) => job.name)).toContain('cleanup');
    expect((await GET(apiRequest('/api/schedule', null), none)).status).toBe(401);
    for (const query of ['hours=0', 'hours=49', 'hours=abc', 'other=1']) {
      const refused = await GET(apiRequest(`/api/schedule?${query}`, viewerKey), none);
      expect(refused.status, query).toBe(422);
    }
  });
});
