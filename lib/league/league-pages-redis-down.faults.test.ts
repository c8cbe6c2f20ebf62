/**
 * Redis down: the League pages' data functions (what every League page and the Entries page
 * read, through the cache) still answer from PostgreSQL, fresh, and nothing throws; the
 * cache counts the page shows are unreadable (the page says so); a purge drops nothing in
 * Redis and does not fail. A Redis of the test's own, stopped mid-test; a database of its own.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, TestRedisServer } from '@/scripts/test/redis-server.ts';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';

useOwnQueuePrefix('pages-redis-down');
await useOwnDatabase('pages_redis_down');
const server = new TestRedisServer(await freePort());
await server.start();
process.env.REDIS_URL = server.url;
const { db } = await import('@/lib/db.ts');
const { redis } = await import('@/lib/redis.ts');
const { processCache } = await import('@/lib/cache/process-cache.ts');
const { readCacheStats } = await import('@/lib/cache/two-level-cache.ts');
const queries = await import('./league-queries.ts');
const entries = await import('../data/league-entries.ts');

beforeAll(async () => {
  await db().team.createMany({ data: [1, 2].map((id) => ({ id, name: `Team ${id}`, shortName: `T${id}`, strength: 3 })) });
  await db().phase.create({ data: { id: 2, name: 'August', startEvent: 1, stopEvent: 4 } });
  await db().event.create({ data: { id: 1, name: 'Gameweek 1', deadlineTime: new Date('2026-08-15T10:00:00Z'), isPrevious: false, isCurrent: true, isNext: false, finished: false, dataChecked: false, isLive: true } });
  await db().fixture.create({ data: { id: 1, eventId: 1, teamHId: 1, teamAId: 2, kickoffTime: new Date('2026-08-15T11:30:00Z'), started: true, finished: false, finishedProvisional: false, minutes: 10, teamHScore: 0, teamAScore: 0 } });
  await db().player.create({ data: { id: 1, webName: 'Striker', firstName: 'S', secondName: 'S', teamId: 1, elementType: 4, nowCost: 80, totalPoints: 12, form: 1, selectedByPercent: 5, status: 'a' } });
  await db().entry.create({ data: { id: 7, name: 'Seven FC', playerName: 'Sam', startedEvent: 1, summaryOverallPoints: 50, tracked: true } });
  await db().league.create({ data: { id: 3, name: 'Office', standings: { create: [{ entryId: 7, rank: 1, lastRank: 0, total: 50, eventTotal: 50 }] } } });
});

afterAll(async () => {
  await (await processCache()).close();
  redis().disconnect();
  await db().$disconnect();
  await server.destroy();
});

/** Everything the League, league, tournament and Entries pages read. */
async function readPages() {
  const cache = await processCache();
  const gameweek = await queries.currentGameweek(cache);
  return {
    gameweek,
    fixtures: await queries.gameweekFixtures(cache, gameweek!.id),
    stats: await queries.gameweekStats(cache, gameweek!.id),
    phase: await queries.gameweekPhase(cache, gameweek!.id),
    leagues: await queries.leagueList(cache),
    players: await queries.topPlayers(cache),
    standings: await queries.leagueStandings(cache, 3, 1),
    seasons: await queries.leagueSeasonStats(cache, 3),
    tournaments: await queries.leagueTournaments(cache, 3),
    tracked: await entries.trackedEntries(cache),
    analysed: await entries.analysedEntries(cache),
  };
}

it('reads every League page from PostgreSQL while Redis is down, fresh, without throwing', { timeout: 90_000 }, async () => {
  const before = await readPages();
  expect(before.fixtures).toEqual([expect.objectContaining({ home: 'Team 1', away: 'Team 2', homeScore: 0 })]);
  expect(before.stats).toMatchObject({ fixtures: 1, fixturesStarted: 1, goals: 0 });
  expect(before.phase?.name).toBe('August');
  expect(before.tracked.map((entry) => entry.name)).toEqual(['Seven FC']);
  await readCacheStats(redis()); // readable while Redis is up

  await server.stop();
  // A goal and a renamed entry while Redis is down: no job can tell the cache, the pages must still show them.
  await db().fixture.update({ where: { id: 1 }, data: { teamHScore: 1, minutes: 20 } });
  await db().entry.update({ where: { id: 7 }, data: { name: 'Seven United' } });
  const during = await readPages();
  expect(during.gameweek).toMatchObject({ id: 1, isLive: true });
  expect(during.fixtures).toEqual([expect.objectContaining({ homeScore: 1, minutes: 20 })]);
  expect(during.stats).toMatchObject({ goals: 1 });
  expect(during.leagues).toEqual([{ id: 3, name: 'Office', members: 1 }]);
  expect(during.players.map((player) => player.name)).toEqual(['Striker']);
  expect(during.standings.rows.map((row) => row.entryName)).toEqual(['Seven United']);
  expect(during.tracked.map((entry) => entry.name)).toEqual(['Seven United']);
  await expect(readCacheStats(redis())).rejects.toThrow(); // the League page catches this and says Redis is unreachable
  expect(await (await processCache()).purge(['live'])).toEqual({ live: 0 });
  expect(await (await processCache()).invalidate(['live:match:1'])).toBe(0);

  await server.start();
  const cache = await processCache();
  await cache.invalidate(['live:match:1', 'entry:7']); // what Redis kept from before the outage
  const after = await readPages();
  expect(after.fixtures).toEqual([expect.objectContaining({ homeScore: 1 })]);
});
