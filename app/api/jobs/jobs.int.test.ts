import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import '@/scripts/test/fixtures/engine-jobs.ts';
import { db } from '@/lib/db.ts';
import { allJobs } from '@/lib/jobs/catalog.ts';
import { queues } from '@/lib/queue/queues.ts';
import { syncSchedulers } from '@/lib/queue/schedulers.ts';
import { redis } from '@/lib/redis.ts';
import { syncCatalog } from '@/worker/catalog-sync.ts';
import { GET as listJobs } from './route.ts';
import { GET as getJob, PATCH as patchJob } from './[name]/route.ts';

useOwnQueuePrefix('jobs-api');
let admin: string;
let viewer: string;
const none = routeParams({} as Record<string, never>);

beforeAll(async () => {
  await syncCatalog(db(), allJobs());
  await syncSchedulers({ db: db(), queues: queues(), redis: redis(), jobs: allJobs(), owner: 'test' });
  admin = await createTestApiKey('admin');
  viewer = await createTestApiKey('viewer');
});

afterAll(async () => {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

const schedulerIds = async () => (await queues().for('diagnostics').getJobSchedulers(0, -1)).map((scheduler) => scheduler.key).sort();
const patch = (name: string, body: unknown, key = admin) =>
  patchJob(apiRequest(`/api/jobs/${name}`, key, { method: 'PATCH', body: JSON.stringify(body) }), routeParams({ name }));

describe('GET /api/jobs', () => {
  it('gives each schedule in words with its next three fire times, and manual-only jobs as such', async () => {
    const body = (await (await listJobs(apiRequest('/api/jobs', viewer), none)).json()) as { jobs: Record<string, any>[] };
    const byName = new Map(body.jobs.map((job) => [job.name, job]));
    expect(byName.get('fx-every-second')!.schedule).toMatchObject({ everyMs: 1000, words: 'Every second' });
    expect(byName.get('fx-every-second')!.schedule.next).toHaveLength(3);
    expect(byName.get('fx-windowed')!.schedule).toMatchObject({ cron: '0 0 1 1 *', tz: 'UTC', words: 'At 00:00, on day 1 of the month, only in January (UTC)' });
    expect(byName.get('fx-windowed')!.window).toMatchObject({ tz: 'UTC' });
    expect(byName.get('probe')!.schedule).toBeNull();
    expect(byName.get('fx-chain-a')!.dependents).toEqual(['fx-chain-b']);
    expect(byName.get('fx-exclusive')!.exclusive).toEqual({ lockTtlMs: 5000 });
  });
});

describe('PATCH /api/jobs/:name', () => {
  it('disabling a job removes its schedule; enabling brings it back; both are audited with before and after', async () => {
    expect(await schedulerIds()).toContain('fx-every-second');
    const off = await patch('fx-every-second', { enabled: false });
    expect(off.status).toBe(200);
    expect(((await off.json()) as { job: { enabled: boolean } }).job.enabled).toBe(false);
    expect(await schedulerIds()).not.toContain('fx-every-second');
    await patch('fx-every-second', { enabled: true });
    expect(await schedulerIds()).toContain('fx-every-second');
    const audit = await db().auditLog.findMany({ where: { action: 'job.update', targetId: 'fx-every-second' }, orderBy: { id: 'asc' } });
    expect(audit.map((entry) => [entry.before, entry.after])).toEqual([
      [{ enabled: true }, { enabled: false }],
      [{ enabled: false }, { enabled: true }],
    ]);
  });

  it('pauses a schedule until a time, and resumes it once that time has passed', async () => {
    await patch('fx-every-second', { pausedUntil: new Date(Date.now() + 3_600_000).toISOString() });
    expect(await schedulerIds()).not.toContain('fx-every-second');
    await db().jobDefinition.update({ where: { name: 'fx-every-second' }, data: { pausedUntil: new Date(Date.now() - 1_000) } });
    await syncSchedulers({ db: db(), queues: queues(), redis: redis(), jobs: allJobs(), owner: 'test' });
    expect(await schedulerIds()).toContain('fx-every-second');
  });

  it('edits the schedule and the config, refusing what the job schema refuses with field errors', async () => {
    const edited = await patch('fx-windowed', { schedule: { cron: '*/5 0-4,18-23 * * *', tz: 'Europe/London' } });
    expect(((await edited.json()) as { job: { schedule: { words: string } } }).job.schedule.words).toBe(
      'Every 5 minutes, between 00:00 and 04:59 and between 18:00 and 23:59 (Europe/London)',
    );
    const badCron = await patch('fx-windowed', { schedule: { cron: '99 * * * *', tz: 'UTC' } });
    expect(badCron.status).toBe(422);
    const badConfig = await patch('fx-conditional', { config: { live: 'yes' } });
    expect(badConfig.status).toBe(422);
    expect(((await badConfig.json()) as { error: { details: { fieldErrors: Record<string, string[]> } } }).error.details.fieldErrors).toHaveProperty(['config.live']);
    const goodConfig = await patch('fx-conditional', { config: { live: true } });
    expect(goodConfig.status).toBe(200);
    const detail = (await (await getJob(apiRequest('/api/jobs/fx-conditional', viewer), routeParams({ name: 'fx-conditional' }))).json()) as { job: { config: unknown; configVersion: number } };
    expect(detail.job.config).toEqual({ live: true });
    expect(detail.job.configVersion).toBe(2);
  });

  it('refuses a viewer with 403, an unknown job with 404, and an empty or unknown body with 422', async () => {
    expect((await patch('fx-every-second', { enabled: false }, viewer)).status).toBe(403);
    expect((await patch('no-such-job', { enabled: false })).status).toBe(404);
    expect((await patch('fx-every-second', {})).status).toBe(422);
    expect((await patch('fx-every-second', { colour: 'red' })).status).toBe(422);
    expect(await schedulerIds()).toContain('fx-every-second');
  });
});
