/**
 * historical-stats-refresh on a worker in this process against the upstream simulator, on a
 * database and a queue prefix of their own (bootstrap-meta first stores the gameweeks the
 * history rows reference).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { LeagueJobsTestbed } from '@/scripts/test/league-jobs-testbed.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import type { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { db } from '@/lib/db.ts';
import { readEntrySeasonStats } from '@/lib/league/entry-season-stats.ts';
import { leagueSeasonStats } from '@/lib/league/league-queries.ts';
import { bootstrapMetaHandler } from './bootstrap-meta.ts';
import { historicalStatsRefreshHandler } from './historical-stats-refresh.ts';

const prefix = useOwnQueuePrefix('league-historical');
await useOwnDatabase('league_historical');

let bed: LeagueJobsTestbed;
/** A cache as another process holds it: it must lose what the job invalidates. */
let other: TwoLevelCache;

beforeAll(async () => {
  bed = await LeagueJobsTestbed.start(prefix, [bootstrapMetaHandler, historicalStatsRefreshHandler], { entries: 300 });
  other = await LeagueJobsTestbed.newCache(prefix);
  expect((await bed.run('bootstrap-meta')).status).toBe('completed');
});

afterAll(async () => {
  await other?.close();
  await bed?.stop();
});

async function cacheAll(keys: string[]): Promise<void> {
  for (const key of keys) await other.set(key, 'cached');
}

/** Waits until every key in `gone` has left the other cache, then checks `kept` are still there. */
async function expectInvalidated(gone: string[], kept: string[]): Promise<void> {
  await waitFor(async () => (await Promise.all(gone.map((key) => other.get(key)))).every((value) => value === undefined), 5_000, `${gone.join(', ')} to be invalidated`);
  for (const key of kept) expect(await other.get(key), key).toBe('cached');
}

describe('historical-stats-refresh', () => {
  it('refreshes the season stats view from the entries’ history and drops the cached seasons the league page reads', async () => {
    await db().entry.createMany({ data: [9001, 9002].map((id) => ({ id, name: `Entry ${id}`, playerName: 'Test', startedEvent: 1, summaryOverallPoints: 0 })) });
    const history = (entryId: number, eventId: number, points: number, overallRank: number) => ({
      entryId,
      eventId,
      points,
      totalPoints: points,
      overallRank,
      eventTransfers: 0,
      eventTransfersCost: 0,
      value: 1000,
      bank: 0,
      pointsOnBench: 0,
    });
    await db().entryEventHistory.createMany({ data: [history(9001, 1, 50, 1_000), history(9001, 2, 71, 500), history(9002, 1, 40, 2_000)] });
    expect(await readEntrySeasonStats(db(), [9001, 9002])).toEqual([]);
    await db().league.create({ data: { id: 9100, name: 'View league', standings: { create: [9001, 9002].map((entryId, index) => ({ entryId, rank: index + 1, lastRank: 0, total: 0, eventTotal: 0 })) } } });
    expect(await leagueSeasonStats(other, 9100)).toEqual([]); // the page's read, cached before the refresh
    await cacheAll(['history:season:entry:9001', 'history:stats:season:full:top:20']);

    const run = await bed.run('historical-stats-refresh');
    expect(run.status).toBe('completed');
    expect(run.result).toMatchObject({ processed: 2, rows: 2, refreshMs: expect.any(Number) });
    expect(await readEntrySeasonStats(db(), [9001, 9002])).toEqual([
      { entryId: 9001, events: 2, points: 121, bestEvent: 71, averagePoints: 60.5, bestOverallRank: 500 },
      { entryId: 9002, events: 1, points: 40, bestEvent: 40, averagePoints: 40, bestOverallRank: 2_000 },
    ]);
    expect((await readEntrySeasonStats(db())).map((row) => row.entryId)).toEqual([9001, 9002]);
    await expectInvalidated(['history:season:entry:9001', 'history:season:league:9100:top:10'], ['history:stats:season:full:top:20']);
    expect(await leagueSeasonStats(other, 9100)).toEqual([
      { entryId: 9001, entryName: 'Entry 9001', events: 2, points: 121, bestEvent: 71, averagePoints: 60.5, bestOverallRank: 500 },
      { entryId: 9002, entryName: 'Entry 9002', events: 1, points: 40, bestEvent: 40, averagePoints: 40, bestOverallRank: 2_000 },
    ]);
  });
});
