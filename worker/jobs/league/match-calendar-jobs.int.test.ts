/**
 * The league jobs tied to the match calendar (event-live-update, live-scores-update,
 * picks-processing) on a worker in this process against the upstream simulator (clock
 * stopped, moved by the tests), on a database and a queue prefix of their own. The tests
 * follow the season in order: before the first deadline, gameweek 1 live, later in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { LeagueJobsTestbed } from '@/scripts/test/league-jobs-testbed.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import type { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { db } from '@/lib/db.ts';
import { toFixtureRow } from '@/lib/league/league-data.ts';
import { fixtureOrder, gameweekValue, matchValue } from '@/lib/league/league-queries.ts';
import { UpstreamClient } from '@/lib/league/upstream-client.ts';
import { bootstrapMetaHandler } from './bootstrap-meta.ts';
import { eventLiveUpdateHandler } from './event-live-update.ts';
import { liveScoresUpdateHandler } from './live-scores-update.ts';
import { phasesUpdateHandler } from './phases-update.ts';
import { picksProcessingHandler } from './picks-processing.ts';
import { teamsUpdateHandler } from './teams-update.ts';

const prefix = useOwnQueuePrefix('league-time');
await useOwnDatabase('league_time');

let bed: LeagueJobsTestbed;
let upstream: UpstreamClient;
/** A cache as another process holds it: it must lose what the jobs invalidate. */
let other: TwoLevelCache;

beforeAll(async () => {
  bed = await LeagueJobsTestbed.start(prefix, [
    bootstrapMetaHandler,
    teamsUpdateHandler,
    phasesUpdateHandler,
    eventLiveUpdateHandler,
    liveScoresUpdateHandler,
    picksProcessingHandler,
  ], { entries: 300 });
  other = await LeagueJobsTestbed.newCache(prefix);
  upstream = new UpstreamClient({ baseUrl: bed.upstreamUrl });
  expect((await bed.run('bootstrap-meta')).status).toBe('completed');
});

afterAll(async () => {
  await other?.close();
  await bed?.stop();
});

async function cacheAll(keys: string[]): Promise<void> {
  for (const key of keys) await other.set(key, 'cached');
}

/** Waits until the other cache reads each key's value as the jobs wrote it through, then checks `kept` are still there. */
async function expectWrittenThrough(written: Record<string, unknown>, kept: string[]): Promise<void> {
  const entries = Object.entries(written);
  await waitFor(async () => (await Promise.all(entries.map(async ([key, value]) => JSON.stringify(await other.get(key)) === JSON.stringify(value)))).every(Boolean), 5_000, `${Object.keys(written).join(', ')} to be written through`);
  for (const key of kept) expect(await other.get(key), key).toBe('cached');
}

/** The values the live jobs write through for gameweek 1's fixtures `ids`, read from what they stored. */
async function liveValues(ids: readonly number[]): Promise<Record<string, unknown>> {
  const stored = await fixturesOfEvent1();
  return Object.fromEntries([['live:event:1', fixtureOrder(stored)], ...stored.filter((fixture) => ids.includes(fixture.id)).map((fixture) => [`live:match:${fixture.id}`, matchValue(fixture)])]);
}

/** Waits until every key in `gone` has left the other cache, then checks `kept` are still there. */
async function expectInvalidated(gone: string[], kept: string[]): Promise<void> {
  await waitFor(async () => (await Promise.all(gone.map((key) => other.get(key)))).every((value) => value === undefined), 5_000, `${gone.join(', ')} to be invalidated`);
  for (const key of kept) expect(await other.get(key), key).toBe('cached');
}

const fixturesOfEvent1 = () => db().fixture.findMany({ where: { eventId: 1 }, orderBy: { id: 'asc' } });
const withoutUpdatedAt = <T extends { updatedAt: Date }>(rows: T[]) => rows.map(({ updatedAt: _, ...row }) => row);

describe('event-live-update', () => {
  it('skips a scheduled fire with its reason while no gameweek is live (and live-scores-update while no match is in play)', async () => {
    expect(await bed.fire('event-live-update')).toMatchObject({ status: 'skipped', trigger: 'schedule', error: 'Outside 00:00–07:59, 19:00–23:59 Asia/Shanghai (league time Sat 22 Aug 18:00)' });
    expect(await bed.fire('live-scores-update')).toMatchObject({ status: 'skipped', error: expect.stringMatching(/^no fixtures in play \(league time \w{3} \d+ \w{3} \d{2}:\d{2}\)$/) });
    expect(await db().playerEventStats.count()).toBe(0);
  });

  it('while gameweek 1 is live, writes the player stats, the fixture scores and the gameweek status', async () => {
    await bed.admin('/admin/clock', { toEvent: 1, phase: 'live' });
    // What bootstrap-meta records once the deadline has passed; this run must then find the rest.
    await db().event.update({ where: { id: 1 }, data: { isLive: true } });
    const fixtures = await upstream.fixtures(1);
    const started = fixtures.filter((fixture) => fixture.started).map((fixture) => fixture.id);
    const notStarted = fixtures.filter((fixture) => !fixture.started).map((fixture) => fixture.id);
    expect(started.length).toBeGreaterThan(0);
    await cacheAll(['live:event:1', 'event:current', 'event:1:status', 'event:3:status', ...[...started, notStarted[0]!].map((id) => `live:match:${id}`)]);

    const run = await bed.fire('event-live-update');
    expect(run.status).toBe('completed');
    const live = await upstream.eventLive(1);
    expect(live.elements.length).toBeGreaterThan(0);
    expect(run.result).toMatchObject({
      eventId: 1,
      unknownPlayers: 0,
      changedEvents: [1, 2],
      tables: {
        events: { created: 0, updated: 2, unchanged: 36 },
        fixtures: { created: 0, updated: started.length, unchanged: 10 - started.length },
        playerEventStats: { created: live.elements.length, updated: 0, unchanged: 0 },
      },
      apiRequests: 3,
    });
    expect(await db().playerEventStats.count({ where: { eventId: 1 } })).toBe(live.elements.length);
    expect(await db().playerEventStats.aggregate({ where: { eventId: 1 }, _sum: { minutes: true } })).toMatchObject({ _sum: { minutes: expect.any(Number) } });
    const stored = await fixturesOfEvent1();
    expect(withoutUpdatedAt(stored)).toEqual(fixtures.map(toFixtureRow));
    for (const fixture of stored.filter((f) => f.started)) expect(fixture).toMatchObject({ teamHScore: expect.any(Number), teamAScore: expect.any(Number) });
    expect(await db().event.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({ isLive: true, isCurrent: true, finished: false });
    // Write-through: another process reads the new values at once (hits), not a miss and a reload.
    expect(run.result).toMatchObject({ written: 1 + 2 + started.length + 1 }); // event:current, two gameweeks' status, the started matches, the fixture order
    await expectWrittenThrough(
      { ...(await liveValues(started)), 'event:current': 1, 'event:1:status': gameweekValue(await db().event.findUniqueOrThrow({ where: { id: 1 } })) },
      ['event:3:status', `live:match:${notStarted[0]}`],
    );
    const hitsBefore = other.stats().live.redisHits + other.stats().live.localHits;
    await other.get(`live:match:${started[0]}`);
    expect(other.stats().live.redisHits + other.stats().live.localHits).toBe(hitsBefore + 1);
  });
});

describe('live-scores-update', () => {
  it('refreshes the current gameweek’s fixture scores while a match is in play, invalidating only what changed', async () => {
    await bed.admin('/admin/clock', { advanceMinutes: 30 });
    const fixtures = await upstream.fixtures(1);
    const before = await fixturesOfEvent1();
    const moved = fixtures.filter((fixture, i) => fixture.minutes !== before[i]!.minutes).map((fixture) => fixture.id);
    const still = fixtures.filter((fixture) => !moved.includes(fixture.id)).map((fixture) => fixture.id);
    expect(moved.length).toBeGreaterThan(0);
    await cacheAll(['live:event:1', 'analytics:event:1:stats', ...[...moved, still[0]!].map((id) => `live:match:${id}`)]);

    const run = await bed.fire('live-scores-update');
    expect(run.status).toBe('completed');
    expect(run.result).toMatchObject({ eventId: 1, tables: { fixtures: { created: 0, updated: moved.length, unchanged: 10 - moved.length } }, apiRequests: 2 }); // bootstrap-static (the gameweek flags) and fixtures?event=1
    expect(withoutUpdatedAt(await fixturesOfEvent1())).toEqual(fixtures.map(toFixtureRow));
    await expectWrittenThrough(await liveValues(moved), [`live:match:${still[0]}`]);
    await expectInvalidated(['analytics:event:1:stats'], []); // the view's numbers are read again
  });
});

describe('picks-processing', () => {
  it('refreshes every known entry, marks the ones the upstream deleted, and skips a fire far from a deadline', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => i + 1);
    await db().entry.createMany({ data: ids.map((id) => ({ id, name: 'unknown', playerName: 'unknown', startedEvent: 1, summaryOverallPoints: 0 })) });
    await cacheAll(['entry:5', 'entry:97']);

    const run = await bed.run('picks-processing');
    expect(run.status).toBe('completed');
    expect(run.result).toMatchObject({ processed: 120, updated: 119, unchanged: 0, deleted: 1, failed: 0, apiRequests: 120 });
    expect(run.counters).toMatchObject({ entriesUpdated: 119, entriesDeleted: 1, batchSucceeded: 120 });
    expect(await db().entry.findMany({ where: { deleted: true }, select: { id: true } })).toEqual([{ id: 97 }]);
    const five = await upstream.entry(5);
    expect(await db().entry.findUniqueOrThrow({ where: { id: 5 } })).toMatchObject({
      name: five.name,
      summaryOverallPoints: five.summary_overall_points,
      summaryOverallRank: five.summary_overall_rank,
      lastFetchedAt: expect.any(Date),
    });
    await expectInvalidated(['entry:5', 'entry:97'], []);

    // Nothing moved upstream: the deleted entry is not asked again and no row is rewritten.
    const again = await bed.run('picks-processing');
    expect(again.result).toMatchObject({ processed: 119, updated: 0, unchanged: 119, deleted: 0, invalidated: 0 });

    // The simulated season is in August; the real clock is months past its next deadline.
    expect(await bed.fire('picks-processing')).toMatchObject({ status: 'skipped', error: expect.stringMatching(/^no deadline within 24 hours \(league time /) });
  });
});
