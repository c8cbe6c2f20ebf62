/**
 * stats-update's three triggers, one code path (worker in this process, database and queue
 * prefix of its own, 50 entries × 10 finished gameweeks): `post-match` from the NOTIFY
 * listener when a gameweek finishes, `admin` from POST /api/league/stats-update, `cron` from
 * a scheduled fire; each can be switched off in Settings.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { runReaching, StatsStage } from '@/scripts/test/stats-stage.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
// eslint-disable-next-line no-restricted-imports -- the test drives the HTTP route the dashboard calls; the worker code itself never imports app/
import { POST as statsUpdateRoute } from '@/app/api/league/stats-update/route.ts';
import { sessionCookieName } from '@/lib/auth/principal.ts';
import { hashToken, newSessionToken } from '@/lib/auth/tokens.ts';
import { db } from '@/lib/db.ts';
import { statsSourceSwitches } from '@/lib/jobs/definitions/league/stats-update.ts';
import { queues } from '@/lib/queue/queues.ts';
import type { RunJobData } from '@/lib/queue/run-job-data.ts';
import { writeSetting } from '@/lib/settings.ts';
import { LeagueListener } from '../../league/league-listener.ts';
import { statsUpdateHandler } from './stats-update.ts';

const prefix = useOwnQueuePrefix('league-stats-triggers');
const databaseUrl = await useOwnDatabase('league_stats_triggers');

let stage: StatsStage;
let listener: LeagueListener;

beforeAll(async () => {
  stage = await StatsStage.start(prefix, [statsUpdateHandler], { entries: 50, events: 38, finished: 10 });
  listener = new LeagueListener({ databaseUrl });
  await listener.start();
});

afterAll(async () => {
  await listener?.stop();
  await stage?.stop();
});

beforeEach(async () => {
  for (const key of ['stats.postMatch', 'stats.admin', 'stats.cron'] as const) await writeSetting(db(), key, true, null);
});

const statsRuns = () => db().jobRun.findMany({ where: { jobName: 'stats-update' }, orderBy: { queuedAt: 'asc' } });

describe('post-match: the NOTIFY listener, when a gameweek finishes', () => {
  it('queues a stats-update run with source post-match and the gameweek', async () => {
    const before = (await statsRuns()).length;
    await db().event.update({ where: { id: 11 }, data: { finished: true } });
    const run = await waitFor(async () => (await statsRuns())[before], 10_000, 'a post-match stats-update run');
    expect(run).toMatchObject({ trigger: 'event', source: 'post-match', actor: 'database', requestId: 'notify:event:11:finished' });
    expect(run.payload).toEqual({ source: 'post-match', eventId: 11 });
    const done = await runReaching(run.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.result).toMatchObject({ source: 'post-match', eventId: 11 });
  });

  it('records the run skipped with the reason while stats.postMatch is off, and never runs it', async () => {
    await writeSetting(db(), 'stats.postMatch', false, null);
    const before = (await statsRuns()).length;
    await db().event.update({ where: { id: 12 }, data: { finished: true } });
    const run = await waitFor(async () => (await statsRuns())[before], 10_000, 'the post-match stats-update row');
    expect(run).toMatchObject({ status: 'skipped', trigger: 'event', source: 'post-match', requestId: 'notify:event:12:finished', error: statsSourceSwitches['post-match'].offReason, startedAt: null });
    expect(await statsRuns()).toHaveLength(before + 1);
  });
});

describe('admin: POST /api/league/stats-update', () => {
  const post = (request: Request) => statsUpdateRoute(request, routeParams({}));

  it('answers 202 and queues a run with source admin: trigger api for an API key, manual for a person', async () => {
    const key = await createTestApiKey('operator', ['stats-update']);
    const byKey = await post(apiRequest('/api/league/stats-update', key, { method: 'POST', body: '{}' }));
    expect(byKey.status).toBe(202);
    const { runId, status } = (await byKey.json()) as { runId: string; status: string };
    expect(status).toBe('queued');
    const run = await db().jobRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ trigger: 'api', source: 'admin', payload: { source: 'admin' } });
    expect((await runReaching(runId, ['completed', 'failed'])).status).toBe('completed');
    expect(await db().auditLog.count({ where: { action: 'job.trigger', targetId: 'stats-update' } })).toBeGreaterThanOrEqual(1);

    const user = await db().user.create({ data: { email: `stats-${Date.now()}@test`, passwordHash: 'not used', role: 'admin' } });
    const token = newSessionToken();
    await db().session.create({ data: { id: hashToken(token), userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
    const byPerson = await post(
      new Request('http://localhost:3000/api/league/stats-update', { method: 'POST', headers: { cookie: `${sessionCookieName}=${token}`, 'sec-fetch-site': 'same-origin' } }),
    );
    expect(byPerson.status).toBe(202);
    const manual = await db().jobRun.findUniqueOrThrow({ where: { id: ((await byPerson.json()) as { runId: string }).runId } });
    expect(manual).toMatchObject({ trigger: 'manual', source: 'admin', actor: user.email, payload: { source: 'admin' } });
    expect((await runReaching(manual.id, ['completed', 'failed'])).status).toBe('completed');
  });

  it('answers 409 with the reason while stats.admin is off, and queues nothing', async () => {
    await writeSetting(db(), 'stats.admin', false, null);
    const key = await createTestApiKey('admin');
    const before = (await statsRuns()).length;
    const response = await post(apiRequest('/api/league/stats-update', key, { method: 'POST' }));
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: { code: 'stats_source_off', message: statsSourceSwitches.admin.offReason } });
    expect(statsSourceSwitches.admin.offReason).toBe('Stats updates from the dashboard are switched off in Settings');
    expect(await statsRuns()).toHaveLength(before);
  });

  it('answers 403 to a viewer and 422 to a body with a payload of its own', async () => {
    const viewer = await createTestApiKey('viewer');
    expect((await post(apiRequest('/api/league/stats-update', viewer, { method: 'POST' }))).status).toBe(403);
    const admin = await createTestApiKey('admin');
    expect((await post(apiRequest('/api/league/stats-update', admin, { method: 'POST', body: JSON.stringify({ payload: { source: 'cron' } }) }))).status).toBe(422);
  });
});

describe('cron: a scheduled fire', () => {
  /** Adds the job the way its job scheduler does when the schedule fires. */
  async function fireSchedule(id: string): Promise<string> {
    const data: RunJobData = { payload: {}, trigger: 'schedule', actor: 'scheduler', source: 'schedule' };
    await queues().for('stats').add('stats-update', data, { jobId: id, priority: 13 });
    return id;
  }

  it('runs with source cron', async () => {
    const done = await runReaching(await fireSchedule(`cron-on-${Date.now()}`), ['completed', 'failed', 'skipped']);
    // A scheduler sends `{}`: the payload's default names the source.
    expect(done).toMatchObject({ status: 'completed', trigger: 'schedule', source: 'schedule', payload: {} });
    expect(done.result).toMatchObject({ source: 'cron' });
  });

  it('is skipped with the reason while stats.cron is off', async () => {
    await writeSetting(db(), 'stats.cron', false, null);
    const done = await runReaching(await fireSchedule(`cron-off-${Date.now()}`), ['completed', 'failed', 'skipped']);
    expect(done).toMatchObject({ status: 'skipped', error: 'Nightly stats are switched off in Settings', result: null });
  });
});
