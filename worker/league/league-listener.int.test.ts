/**
 * The database-trigger metrics and the pre-kick-off warming, on the real NOTIFY trigger: two
 * listeners (as two workers) hear each league change; the change is counted once, the runs it
 * queued are counted, and one of them warms the gameweek that went live. Then `/api/metrics`'s
 * registry shows the counts, with the timing and hybrid metrics, from a database and a Redis
 * prefix of the file's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { deleteRedisKeys } from '@/scripts/test/test-resources.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';

const prefix = useOwnQueuePrefix('league-listener');
const databaseUrl = await useOwnDatabase('league_listener');
const { db } = await import('@/lib/db.ts');
const { redis } = await import('@/lib/redis.ts');
const { queues } = await import('@/lib/queue/queues.ts');
const { readLeagueMetrics, recordUpstreamLatency, countRollback } = await import('@/lib/metrics/league-metrics.ts');
const { readLeagueTiming } = await import('@/lib/metrics/league-timing.ts');
const { metricsRegistry } = await import('@/lib/metrics/metrics-registry.ts');
const { SharedRateLimiter } = await import('../batch/shared-rate-limiter.ts');
const { LeagueListener } = await import('./league-listener.ts');

const warmed: number[] = [];
const listeners = [0, 1].map(() => new LeagueListener({ databaseUrl, onGameweekLive: async (eventId) => warmed.push(eventId) }));

const future = (minutes: number) => new Date(Date.now() + minutes * 60_000);
const event = (id: number, deadlineTime: Date) => ({ id, name: `Gameweek ${id}`, deadlineTime, isPrevious: false, isCurrent: false, isNext: id === 1, finished: false, dataChecked: false, isLive: false });

beforeAll(async () => {
  await db().team.createMany({ data: [1, 2].map((id) => ({ id, name: `Team ${id}`, shortName: `T${id}`, strength: 3 })) });
  await db().event.createMany({ data: [event(1, future(-5)), event(2, future(60 * 24 * 7))] });
  await db().fixture.createMany({
    data: [
      { id: 1, eventId: 1, teamHId: 1, teamAId: 2, kickoffTime: future(-3), started: true, finished: false, finishedProvisional: false, minutes: 3, teamHScore: 0, teamAScore: 0 },
      { id: 2, eventId: 1, teamHId: 2, teamAId: 1, kickoffTime: future(90), started: false, finished: false, finishedProvisional: false, minutes: 0, teamHScore: null, teamAScore: null },
    ],
  });
  for (const listener of listeners) await listener.start();
});

afterAll(async () => {
  for (const listener of listeners) await listener.stop();
  await deleteRedisKeys(prefix);
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

describe('league NOTIFY metrics', () => {
  it('counts a change once across two listeners, with the runs it queued, and warms a gameweek that goes live once', async () => {
    await db().event.update({ where: { id: 1 }, data: { isLive: true, isCurrent: true } });
    const counted = await waitFor(async () => {
      const metrics = await readLeagueMetrics(redis(), prefix);
      const queued = metrics.notificationRuns.filter((row) => row.kind === 'event-live' && row.outcome === 'queued');
      return queued.length === 2 && metrics;
    }, 10_000, 'the runs the gameweek going live queued to be counted');
    await new Promise((resolve) => setTimeout(resolve, 500)); // the second listener's counts, if it made any, are in by now
    const metrics = await readLeagueMetrics(redis(), prefix);
    expect(metrics.notifications).toEqual([{ kind: 'event-live', notifications: 1 }]);
    expect(metrics.notificationRuns.sort((a, b) => a.jobName.localeCompare(b.jobName))).toEqual([
      { kind: 'event-live', jobName: 'event-live-update', outcome: 'queued', runs: 1 },
      { kind: 'event-live', jobName: 'live-scores-update', outcome: 'queued', runs: 1 },
    ]);
    expect(counted.notifications).toHaveLength(1);
    expect(warmed).toEqual([1]);
    expect(await db().jobRun.count({ where: { trigger: 'event', jobName: { in: ['event-live-update', 'live-scores-update'] } } })).toBe(2);

    await db().fixture.update({ where: { id: 2 }, data: { started: true } });
    await waitFor(async () => (await readLeagueMetrics(redis(), prefix)).notifications.some((row) => row.kind === 'fixture-started'), 10_000, 'the kick-off to be counted');
    expect(warmed).toEqual([1]); // only a gameweek going live warms
    await db().fixture.update({ where: { id: 2 }, data: { started: false } }); // as before, for the timing below
  });
});

describe('/api/metrics registry', () => {
  it('shows the trigger counts, the timing from the league tables and the hybrid metrics', async () => {
    await countRollback('tables', redis(), prefix);
    await recordUpstreamLatency('fixtures', 0.03, redis(), prefix);
    await recordUpstreamLatency('fixtures', 3, redis(), prefix);
    const limiter = new SharedRateLimiter(redis(), prefix, 'test-upstream', { max: 5, perMs: 60_000 });
    await limiter.acquire();
    await limiter.acquire();

    const timing = await readLeagueTiming();
    expect(timing.matchWindowOpen).toBe(true);
    expect(timing.nextFixture?.gameweek).toBe(1);
    expect(timing.nextFixture!.seconds).toBeGreaterThan(85 * 60);
    expect(timing.nextFixture!.seconds).toBeLessThanOrEqual(90 * 60);
    expect(timing.nextDeadline?.gameweek).toBe(2);

    const league = await readLeagueMetrics(redis(), prefix);
    expect(league.rateLimits).toEqual([{ limiter: 'test-upstream', remaining: 3, resetSeconds: 0 }]);
    const text = await metricsRegistry({ jobNames: [], runTotals: [], durationBuckets: [], running: [], queues: [], workers: { online: 0, offline: 0 }, alerts: [], deliveries: [], deliveryAttempts: [], cache: {}, league, timing }).metrics();
    expect(text).toContain('kickoff_league_notifications_total{kind="event-live"} 1');
    expect(text).toContain('kickoff_league_notification_runs_total{kind="event-live",job_name="live-scores-update",outcome="queued"} 1');
    expect(text).toContain('kickoff_league_match_window_open 1');
    expect(text).toMatch(/kickoff_league_next_fixture_seconds\{gameweek="1"\} \d+/);
    expect(text).toMatch(/kickoff_league_next_deadline_seconds\{gameweek="2"\} \d+/);
    expect(text).toContain('kickoff_upstream_request_duration_seconds_bucket{route="fixtures",le="0.05"} 1');
    expect(text).toContain('kickoff_upstream_request_duration_seconds_count{route="fixtures"} 2');
    expect(text).toContain('kickoff_rate_limit_remaining{limiter="test-upstream"} 3');
    expect(text).toContain('kickoff_league_rollbacks_total{step="tables"} 1');
    expect(text).toContain('kickoff_league_rollbacks_total{step="standings"} 0');
  });
});
