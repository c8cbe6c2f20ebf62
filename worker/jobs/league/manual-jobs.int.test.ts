/**
 * The manual jobs of the Letletme specification (Manual Job Triggers §3.A.2–3, §3.B.1–2) on a
 * real worker in this process against an upstream simulator of its own (300 entries, clock
 * moved by the test), with its own database and queue prefix: what each writes against the
 * upstream and the stored league, that a second run changes nothing, which may run beside
 * themselves and which refuse a second trigger, and the cache keys they drop (seen from a
 * second cache, as another process holds it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { db } from '@/lib/db.ts';
import { ConflictError } from '@/lib/errors.ts';
import { standingsRefreshJob } from '@/lib/jobs/definitions/league/standings-refresh.ts';
import { tournamentEventDataJob } from '@/lib/jobs/definitions/league/tournament-event-data.ts';
import { toEventRow, toFixtureRow } from '@/lib/league/league-data.ts';
import { UpstreamClient } from '@/lib/league/upstream-client.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { LeagueJobsTestbed } from '@/scripts/test/league-jobs-testbed.ts';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { bootstrapMetaHandler } from './bootstrap-meta.ts';
import { eventDataRefreshHandler } from './event-data-refresh.ts';
import type { PlayerValueResult } from './player-value-force-update.ts';
import { playerValueForceUpdateHandler } from './player-value-force-update.ts';
import { pointsRecalculationHandler } from './points-recalculation.ts';
import type { StandingsRefreshResult } from './standings-refresh.ts';
import { standingsRefreshHandler } from './standings-refresh.ts';
import { upstreamNow } from './sync-tables.ts';
import { tournamentEventDataHandler } from './tournament-event-data.ts';
import type { TournamentUpdateResult } from './update-tournaments.ts';

const prefix = useOwnQueuePrefix('league-manual');
await useOwnDatabase('league_manual');

let bed: LeagueJobsTestbed;
let upstream: UpstreamClient;
/** A cache as another process holds it: it must lose what the jobs invalidate. */
let other: TwoLevelCache;

beforeAll(async () => {
  bed = await LeagueJobsTestbed.start(
    prefix,
    [bootstrapMetaHandler, tournamentEventDataHandler, playerValueForceUpdateHandler, eventDataRefreshHandler, pointsRecalculationHandler, standingsRefreshHandler],
    { entries: 300 },
  );
  other = await LeagueJobsTestbed.newCache(prefix);
  upstream = new UpstreamClient({ baseUrl: bed.upstreamUrl });
  // The upstream's limit is not what these tests are about: the jobs that read standings and histories may go fast.
  for (const job of [tournamentEventDataJob, standingsRefreshJob]) {
    await db().jobDefinition.update({ where: { name: job.name }, data: { config: { ...job.config.parse({}), requestsPerMinute: 10_000 } } });
  }
  await bed.admin('/admin/clock', { toEvent: 1, phase: 'finished' });
  expect((await bed.run('bootstrap-meta')).status).toBe('completed');
});

afterAll(async () => {
  await other?.close();
  await bed?.stop();
});

async function completed(jobName: string, payload: unknown = {}) {
  const run = await bed.run(jobName, payload);
  expect(run.error).toBeNull();
  expect(run.status).toBe('completed');
  return run;
}

async function cacheAll(keys: string[]): Promise<void> {
  for (const key of keys) await other.set(key, 'cached');
}

async function expectInvalidated(gone: string[], kept: string[] = []): Promise<void> {
  await waitFor(async () => (await Promise.all(gone.map((key) => other.get(key)))).every((value) => value === undefined), 5_000, `${gone.join(', ')} to be invalidated`);
  for (const key of kept) expect(await other.get(key), key).toBe('cached');
}

/** The upstream's prices that differ from the stored ones. */
async function priceDifferences() {
  const { elements } = await upstream.bootstrapStatic();
  const stored = new Map((await db().player.findMany({ select: { id: true, nowCost: true } })).map((player) => [player.id, player.nowCost]));
  return elements.filter((element) => stored.get(element.id) !== element.now_cost).map((element) => ({ id: element.id, to: element.now_cost }));
}

describe('player-value-force-update (§3.A.2: parallel, critical, 1 min)', () => {
  it("writes the prices that moved when gameweek 2 finished, and nothing else of the players; two runs at once write each change once", async () => {
    await bed.admin('/admin/clock', { toEvent: 2, phase: 'finished' });
    const moved = await priceDifferences();
    expect(moved.length).toBeGreaterThan(0);
    const before = await db().player.findMany({ orderBy: { id: 'asc' } });
    await cacheAll([`player:${moved[0]!.id}`, 'player:top', `player:${before.find((p) => !moved.some((m) => m.id === p.id))!.id}`]);

    // parallel allowed: neither trigger is refused, and the row locks let each change be written once
    const [one, two] = await Promise.all([askForRun('player-value-force-update'), askForRun('player-value-force-update')]);
    const runs = await Promise.all([bed.untilFinal(one.run.id), bed.untilFinal(two.run.id)]);
    expect(runs.map((run) => run.status)).toEqual(['completed', 'completed']);
    const results = runs.map((run) => run.result as unknown as PlayerValueResult);
    expect(results[0]!.changed + results[1]!.changed).toBe(moved.length);
    for (const result of results) expect(result).toMatchObject({ players: before.length, unknownPlayers: 0 });
    const changed = results.find((result) => result.changed > 0)!;
    expect(changed.risers + changed.fallers).toBe(moved.length);

    expect(await priceDifferences()).toEqual([]);
    const after = await db().player.findMany({ orderBy: { id: 'asc' } });
    // only the price moves: points, form and ownership wait for bootstrap-meta
    expect(after.map(({ nowCost: _c, updatedAt: _u, ...rest }) => rest)).toEqual(before.map(({ nowCost: _c, updatedAt: _u, ...rest }) => rest));
    await expectInvalidated([`player:${moved[0]!.id}`, 'player:top'], [`player:${before.find((p) => !moved.some((m) => m.id === p.id))!.id}`]);

    expect((await completed('player-value-force-update')).result).toMatchObject({ changed: 0, invalidated: 0 });
  });
});

describe('event-data-refresh (§3.A.3: exclusive, high, 2 min)', () => {
  it("writes the gameweeks and the current gameweek's fixtures as the upstream has them, and nothing twice", async () => {
    await bed.admin('/admin/clock', { toEvent: 3, phase: 'live' });
    await cacheAll(['event:current', 'event:3:status', 'event:30:status']);
    const run = await completed('event-data-refresh');
    const [bootstrap, fixtures] = await Promise.all([upstream.bootstrapStatic(), upstream.fixtures(3)]);
    expect(run.result).toMatchObject({ eventId: 3, fixtures: fixtures.length });
    const now = upstreamNow(bootstrap);
    const events = await db().event.findMany({ orderBy: { id: 'asc' } });
    expect(events.map(({ updatedAt: _, ...event }) => event)).toEqual(bootstrap.events.map((event) => toEventRow(event, now)));
    expect(events.find((event) => event.id === 3)).toMatchObject({ isCurrent: true, isLive: true, finished: false });
    const stored = await db().fixture.findMany({ where: { eventId: 3 }, orderBy: { id: 'asc' } });
    expect(stored.map(({ updatedAt: _, ...fixture }) => fixture)).toEqual(fixtures.map(toFixtureRow));
    await expectInvalidated(['event:current', 'event:3:status'], ['event:30:status']);

    expect((await completed('event-data-refresh')).result).toMatchObject({ eventId: 3, created: 0, updated: 0 });
    expect((await completed('event-data-refresh', { eventId: 4 })).result).toMatchObject({ eventId: 4, created: 0 });
  });

  it('refuses a second trigger while one runs, naming the run that holds the lock', async () => {
    await bed.admin('/admin/faults', { latencyMs: 800 });
    try {
      const { run } = await askForRun('event-data-refresh');
      await bed.untilStatus(run.id, ['running']);
      const refused = await askForRun('event-data-refresh').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ConflictError);
      expect((refused as ConflictError).details).toEqual({ runId: run.id });
      expect((await bed.untilFinal(run.id)).status).toBe('completed');
    } finally {
      await bed.admin('/admin/faults/reset');
    }
  });
});

describe('points-recalculation (§3.B.1: exclusive, high, 10 min) and standings-refresh (§3.B.2: parallel, medium, 5 min)', () => {
  let leagueOne: { id: string; kind: string }[] = [];

  beforeAll(async () => {
    // tournaments start after the finished gameweek 3, then gameweek 4 finishes and its histories are stored
    await bed.admin('/admin/clock', { toEvent: 3, phase: 'finished' });
    await completed('event-data-refresh');
    await completed('tournament-event-data');
    await bed.admin('/admin/clock', { toEvent: 4, phase: 'finished' });
    await completed('event-data-refresh');
    await completed('tournament-event-data');
    leagueOne = await db().tournament.findMany({ where: { leagueId: 1 }, select: { id: true, kind: true } });
    expect(leagueOne.map((t) => t.kind).sort()).toEqual(['battle_race', 'cup', 'knockout', 'points_race']);
  });

  const tournamentRows = async (leagueId: number) =>
    db().tournament.findMany({
      where: { leagueId },
      orderBy: { kind: 'asc' },
      include: { standings: { orderBy: { entryId: 'asc' }, omit: { updatedAt: true } }, results: { orderBy: [{ eventId: 'asc' }, { homeEntryId: 'asc' }], omit: { id: true, createdAt: true } } },
      omit: { updatedAt: true },
    });

  it("scores one league's four tournaments from the stored histories, leaves the others alone, and puts right what was changed since", async () => {
    await cacheAll(leagueOne.map((t) => `tournament:${t.id}:standings`));
    const first = (await completed('points-recalculation', { leagueId: 1 })).result as unknown as TournamentUpdateResult;
    expect(first).toMatchObject({ tournaments: 4, event: 4, apiRequests: 0 });
    expect(first.resultsWritten).toBeGreaterThan(0);
    expect(await db().tournamentResult.count({ where: { tournament: { leagueId: 2 } } })).toBe(0);
    await expectInvalidated(leagueOne.filter((t) => t.kind !== 'cup').map((t) => `tournament:${t.id}:standings`));
    const scored = await tournamentRows(1);

    // points corrected by hand, a result lost: the recalculation makes them what the histories say again
    const race = leagueOne.find((t) => t.kind === 'points_race')!;
    await db().tournamentStanding.updateMany({ where: { tournamentId: race.id }, data: { points: { increment: 100 } } });
    const lost = await db().tournamentResult.findFirstOrThrow({ where: { tournamentId: race.id } });
    await db().tournamentResult.delete({ where: { id: lost.id } });
    const again = (await completed('points-recalculation', { tournamentId: race.id })).result as unknown as TournamentUpdateResult;
    expect(again).toMatchObject({ tournaments: 1, resultsWritten: 1, changed: 1 });
    expect(again.standingsWritten).toBeGreaterThanOrEqual(2);
    expect(await tournamentRows(1)).toEqual(scored);

    expect((await completed('points-recalculation', { leagueId: 1 })).result).toMatchObject({ tournaments: 4, resultsWritten: 0, resultsRemoved: 0, standingsWritten: 0, changed: 0 });
  });

  it('fails at once, naming it, for a league or tournament that does not exist', async () => {
    const league = await bed.run('points-recalculation', { leagueId: 999 });
    expect(league).toMatchObject({ status: 'failed', error: 'No league 999 is stored', attempt: 1 });
    const tournament = await bed.run('points-recalculation', { tournamentId: '00000000-0000-4000-8000-000000000000' });
    expect(tournament).toMatchObject({ status: 'failed', error: 'No tournament 00000000-0000-4000-8000-000000000000', attempt: 1 });
  });

  it("reads the asked leagues' standings from the upstream again and stores them; other leagues stay as they are; two runs may go at once", async () => {
    let pagesRead = 0;
    const upstreamRows = async (leagueId: number) => {
      const rows: number[][] = [];
      for (let page = 1; ; page++) {
        const answer = await upstream.leagueStandings(leagueId, page);
        pagesRead += 1;
        rows.push(...answer.standings.results.map((row) => [row.entry, row.rank, row.total]));
        if (!answer.standings.has_next) return rows.sort((a, b) => a[0]! - b[0]!);
      }
    };
    const storedRows = async (leagueId: number) =>
      (await db().leagueStanding.findMany({ where: { leagueId }, orderBy: { entryId: 'asc' } })).map((row) => [row.entryId, row.rank, row.total]);
    const [expectedTwo, expectedThree] = [await upstreamRows(2), await upstreamRows(3)];
    const pagesOfTwoAndThree = pagesRead;
    await db().leagueStanding.deleteMany({ where: { leagueId: 2 } });
    await db().leagueStanding.updateMany({ where: { leagueId: 3 }, data: { total: 0 } });
    await db().leagueStanding.updateMany({ where: { leagueId: 1 }, data: { total: 0 } });
    await cacheAll(['league:2:standings:1', 'league:1:standings:1']);

    const result = (await completed('standings-refresh', { leagueIds: [2, 3] })).result as unknown as StandingsRefreshResult;
    expect(result).toMatchObject({ leagues: 2, refreshed: [2, 3], leaguesFailed: 0, apiRequests: pagesOfTwoAndThree });
    expect(result.standingsWritten).toBe(expectedTwo.length + expectedThree.length);
    expect(await storedRows(2)).toEqual(expectedTwo);
    expect(await storedRows(3)).toEqual(expectedThree);
    expect(new Set((await storedRows(1)).map((row) => row[2]))).toEqual(new Set([0]));
    await expectInvalidated(['league:2:standings:1'], ['league:1:standings:1']);

    const [one, two] = await Promise.all([askForRun('standings-refresh', { payload: { leagueIds: [1] } }), askForRun('standings-refresh', { payload: { leagueIds: [1, 4] } })]);
    const runs = await Promise.all([bed.untilFinal(one.run.id), bed.untilFinal(two.run.id)]);
    expect(runs.map((run) => run.status)).toEqual(['completed', 'completed']);
    expect(await storedRows(1)).toEqual(await upstreamRows(1));
  });
});
