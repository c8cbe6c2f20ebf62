/**
 * entry-updates on a real worker (in this process) against an upstream simulator of its own
 * (300 entries, clock still, after gameweek 3), with its own database (the league tables) and
 * queue prefix: what it writes, how it stays within the shared rate limit, and how it
 * copes with an upstream that fails some or all of the time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import type { JobRun } from '@/generated/prisma/client.ts';
import { LeagueJobsTestbed } from '@/scripts/test/league-jobs-testbed.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import type { Principal } from '@/lib/auth/principal.ts';
import { db } from '@/lib/db.ts';
import { entryUpdatesJob } from '@/lib/jobs/definitions/league/entry-updates.ts';
import { UpstreamClient } from '@/lib/league/upstream-client.ts';
import { redis } from '@/lib/redis.ts';
import { cancelRun } from '@/lib/runs/cancel-run.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { entryUpdatesHandler, type EntryUpdatesResult } from './entry-updates.ts';
import { tournamentEventDataHandler } from './tournament-event-data.ts';
import { seedLeague } from './test-support/seed-league.ts';
import { upstreamRateLimitName } from './upstream-requests.ts';

const prefix = useOwnQueuePrefix('league-hybrid');
await useOwnDatabase('league_hybrid');

let bed: LeagueJobsTestbed;
const admin: Principal = { type: 'user', id: 'u1', label: 'admin@test', role: 'admin', grants: [] };

const simulator = (path: string, body: unknown) => bed.admin(path, body);
const upstreamRequests = async () => bed.upstream.state.view().requests.total;

/** Sets entry-updates' config and waits out the worker's one-second config cache. */
async function configure(config: Record<string, unknown>): Promise<void> {
  await db().jobDefinition.update({ where: { name: 'entry-updates' }, data: { config: { ...entryUpdatesJob.config.parse({}), ...config } } });
  await new Promise((resolve) => setTimeout(resolve, 1_100));
}

/** A fresh window for the shared rate limit, so one test's calls do not count in the next's. */
async function resetRateLimit(): Promise<void> {
  const keys = await redis().keys(`${prefix}:kickoff:ratelimit:${upstreamRateLimitName}:*`);
  if (keys.length > 0) await redis().del(...keys);
}

const until = (id: string, statuses: string[], timeoutMs = 30_000) => bed.untilStatus(id, statuses, timeoutMs);

async function runEntryUpdates(statuses = ['completed', 'failed']): Promise<JobRun> {
  const { run } = await askForRun('entry-updates');
  return until(run.id, statuses);
}

beforeAll(async () => {
  bed = await LeagueJobsTestbed.start(prefix, [entryUpdatesHandler, tournamentEventDataHandler], { entries: 300 });
  await simulator('/admin/clock', { toEvent: 3, phase: 'finished' });
  await seedLeague({ db: db(), upstream: new UpstreamClient({ baseUrl: bed.upstreamUrl }), now: new Date(bed.upstream.state.now()) });
});

afterAll(() => bed?.stop());

describe('entry-updates', () => {
  it('discovers the leagues, then writes entries, histories and standings totals; a 404 marks the entry deleted', async () => {
    // discovery reads page 1 of leagues 1..5; the entry with the lowest id there is fetched first
    const client = new UpstreamClient({ baseUrl: bed.upstreamUrl });
    const pages = await Promise.all([1, 2, 3, 4, 5].map((league) => client.leagueStandings(league, 1)));
    const gone = Math.min(...pages.flatMap((page) => page.standings.results.map((row) => row.entry)));
    await simulator('/admin/faults', { notFoundEntries: [gone] });
    await bed.cache.set(`entry:${gone}`, { stale: true });
    await bed.cache.set('league:1:standings:1', { stale: true });
    await bed.cache.set('league:list', []);
    await configure({ requestsPerMinute: 10_000, maxEntries: 30, batchSize: 10 });
    const before = await upstreamRequests();

    const run = await runEntryUpdates();
    await simulator('/admin/faults/reset', {});
    expect(run.status).toBe('completed');
    const result = run.result as unknown as EntryUpdatesResult;
    // 5 standings pages, 29 entries × (entry + history), 1 entry answering 404 at once
    expect(result).toMatchObject({ entries: 30, succeeded: 30, failed: 0, skipped: 0, deleted: 1, leaguesDiscovered: 5, apiRequests: 5 + 29 * 2 + 1 });
    expect(await upstreamRequests()).toBe(before + result.apiRequests);
    expect(run.counters).toMatchObject({ apiRequests: result.apiRequests });

    expect(await db().league.count()).toBe(5);
    expect(await db().entry.findUniqueOrThrow({ where: { id: gone } })).toMatchObject({ deleted: true });
    const tracked = await db().entry.findMany({ where: { tracked: true }, include: { history: { orderBy: { eventId: 'asc' } } } });
    expect(tracked).toHaveLength(29);
    expect(result.historyRowsWritten).toBe(tracked.reduce((sum, entry) => sum + entry.history.length, 0));
    for (const entry of tracked.slice(0, 5)) {
      const [summary, history] = await Promise.all([client.entry(entry.id), client.entryHistory(entry.id)]);
      expect(entry).toMatchObject({ startedEvent: summary.started_event, summaryOverallPoints: summary.summary_overall_points, deleted: false });
      expect(entry.lastFetchedAt).not.toBeNull();
      expect(entry.history.map((row) => [row.eventId, row.points, row.totalPoints])).toEqual(history.current.map((row) => [row.event, row.points, row.total_points]));
      const standings = await db().leagueStanding.findMany({ where: { entryId: entry.id } });
      for (const standing of standings) expect(standing.total).toBe(summary.summary_overall_points);
    }
    // the keys of what changed are gone from the cache
    expect(await bed.cache.get(`entry:${gone}`)).toBeUndefined();
    expect(await bed.cache.get('league:1:standings:1')).toBeUndefined();
    expect(await bed.cache.get('league:list')).toBeUndefined(); // the League page's list of leagues
  });

  it('never makes more upstream requests in a minute than requestsPerMinute, across the items of a batch', async () => {
    await resetRateLimit();
    // 20 entries need 40 requests: only 30 may go within the first minute
    await configure({ requestsPerMinute: 30, maxEntries: 20 });
    const before = await upstreamRequests();
    const startedAt = Date.now();
    const { run } = await askForRun('entry-updates');
    await waitFor(async () => (await upstreamRequests()) - before >= 30, 20_000, '30 upstream requests');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const made = (await upstreamRequests()) - before;
    const held = await db().jobRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(Date.now() - startedAt).toBeLessThan(60_000);
    expect(made).toBe(30);
    expect(held.status).toBe('running'); // waiting for the window, not done
    await cancelRun(run.id, { principal: admin, requestId: 'req-hybrid', ip: '127.0.0.1' });
    const cancelled = await until(run.id, ['cancelled']);
    expect((cancelled.counters as Record<string, number>).apiRequests).toBe(made);
    expect((await upstreamRequests()) - before).toBe(30);
  });

  it('still succeeds above 80 % when 30 % of requests fail and the upstream rate-limits', async () => {
    await resetRateLimit();
    await configure({ requestsPerMinute: 10_000, maxEntries: 40, batchSize: 20 });
    await simulator('/admin/faults', { errorRate: 0.3, rateLimit: { perMinute: 1_000, retryAfterSeconds: 1 } });
    const before = await upstreamRequests();
    const run = await runEntryUpdates();
    await simulator('/admin/faults/reset', {});
    expect(run.status).toBe('completed');
    const result = run.result as unknown as EntryUpdatesResult;
    expect(result.entries).toBe(40);
    expect(result.succeeded / result.entries).toBeGreaterThanOrEqual(0.8);
    // failed requests were tried again within their item
    expect(result.apiRequests).toBeGreaterThan(2 * result.succeeded);
    expect(await upstreamRequests()).toBe(before + result.apiRequests);
  });

  it('opens its circuit breaker and fails with the batch error when every request fails', async () => {
    await resetRateLimit();
    await configure({ requestsPerMinute: 10_000, maxEntries: 40, batchSize: 10 });
    await simulator('/admin/faults', { errorRate: 1 });
    const tracked = await db().entry.count({ where: { tracked: true } });
    const run = await runEntryUpdates(['retrying', 'failed']);
    await simulator('/admin/faults/reset', {});
    if (run.status === 'retrying') await cancelRun(run.id, { principal: admin, requestId: 'req-hybrid', ip: '127.0.0.1' });
    expect(run.error).toMatch(/^Batch succeeded for 0 of 40 items \(0 %\), below the minimum 80 %; \d+ skipped while the circuit was open$/);
    const counters = run.counters as Record<string, number>;
    expect(counters.batchSkipped).toBeGreaterThan(0);
    expect(counters.batchSucceeded ?? 0).toBe(0);
    expect(await db().entry.count({ where: { tracked: true } })).toBe(tracked);
  });
});
