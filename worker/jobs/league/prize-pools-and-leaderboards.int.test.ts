/**
 * The league maintenance jobs (prize-pool-finalization, leaderboard-validation) on a worker in
 * this process, on a database and a queue prefix of their own. They read only our tables, so
 * the tests write the leagues, members and history themselves, each gameweek's deadline on the
 * day its points belong to (the rows' `updatedAt` is when they were written, here today); the
 * simulator stands by as for every league job.
 *
 * Three leagues: 1 (entries 1, 2, 3) is busy, 2 (entries 4, 5) is quiet, 3 (entries 6 and 1)
 * is the one the tests make fail. The week is Monday 2026-08-24 to Sunday 2026-08-30.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { LeagueJobsTestbed } from '@/scripts/test/league-jobs-testbed.ts';
import type { PrizePool } from '@/generated/prisma/client.ts';
import { db } from '@/lib/db.ts';
import { leaderboardValidationHandler } from './leaderboard-validation.ts';
import { prizePoolFinalizationHandler } from './prize-pool-finalization.ts';

const prefix = useOwnQueuePrefix('league-maintenance');
await useOwnDatabase('league_maintenance');

let bed: LeagueJobsTestbed;

const at = (iso: string) => new Date(iso);
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** Each gameweek's deadline: the day its points belong to. */
const deadlines: Record<number, string> = {
  1: '2026-08-28T17:30:00Z',
  2: '2026-08-29T10:00:00Z',
  3: '2026-08-30T00:00:00Z',
  // outside every period the tests close
  4: '2026-08-31T00:00:00Z',
  5: '2026-08-20T12:00:00Z',
};

/** [entry, event, points] */
const history: [number, number, number][] = [
  [1, 1, 40],
  [2, 1, 35],
  [6, 1, 20],
  [2, 2, 30],
  [3, 2, 30],
  [5, 2, 0],
  [1, 3, 25],
  [3, 3, 20],
  [3, 4, 500],
  [4, 5, 60],
];

beforeAll(async () => {
  bed = await LeagueJobsTestbed.start(prefix, [prizePoolFinalizationHandler, leaderboardValidationHandler], { entries: 300 });
  await db().event.createMany({
    data: [1, 2, 3, 4, 5].map((id) => ({ id, name: `Gameweek ${id}`, deadlineTime: at(deadlines[id]!), isPrevious: false, isCurrent: false, isNext: false, finished: true, dataChecked: true })),
  });
  await db().league.createMany({ data: [1, 2, 3].map((id) => ({ id, name: `League ${id}` })) });
  await db().entry.createMany({ data: [1, 2, 3, 4, 5, 6].map((id) => ({ id, name: `Entry ${id}`, playerName: `Manager ${id}`, startedEvent: 1, summaryOverallPoints: 0 })) });
  const member = (leagueId: number, entryId: number, rank: number, total: number) => ({ leagueId, entryId, rank, lastRank: rank, total, eventTotal: 0 });
  await db().leagueStanding.createMany({
    data: [member(1, 1, 1, 100), member(1, 2, 2, 90), member(1, 3, 3, 80), member(2, 4, 1, 50), member(2, 5, 1, 40), member(3, 6, 1, 70), member(3, 1, 2, 60)],
  });
  await db().entryEventHistory.createMany({
    data: history.map(([entryId, eventId, points]) => ({
      entryId,
      eventId,
      points,
      totalPoints: points,
      eventTransfers: 0,
      eventTransfersCost: 0,
      value: 1000,
      bank: 0,
      pointsOnBench: 0,
    })),
  });
});

afterAll(async () => {
  await bed?.stop();
});

const pools = (where: { periodStart?: Date; period?: string } = {}) => db().prizePool.findMany({ where, orderBy: [{ periodStart: 'asc' }, { period: 'asc' }, { leagueId: 'asc' }] });
const decided = (rows: PrizePool[]) => rows.map(({ leagueId, period, status, winnerEntryId, winnerPoints, entries }) => ({ leagueId, period, status, winnerEntryId, winnerPoints, entries }));

describe('prize-pool-finalization', () => {
  it('finalises the day’s winner (a tie goes to the lower entry id) and records no_activity for quiet leagues', async () => {
    const run = await bed.run('prize-pool-finalization', { date: '2026-08-29' });
    expect(run.status).toBe('completed');
    expect(run.result).toMatchObject({ date: '2026-08-29', periods: [{ period: 'daily', start: '2026-08-29' }], processed: 3, finalised: 1, noActivity: 2, failed: 0, errors: [] });
    expect(decided(await pools({ periodStart: day('2026-08-29') }))).toEqual([
      { leagueId: 1, period: 'daily', status: 'finalised', winnerEntryId: 2, winnerPoints: 30, entries: 2 },
      // entry 5 played, for 0 points
      { leagueId: 2, period: 'daily', status: 'no_activity', winnerEntryId: null, winnerPoints: null, entries: 1 },
      { leagueId: 3, period: 'daily', status: 'no_activity', winnerEntryId: null, winnerPoints: null, entries: 0 },
    ]);
    expect(run.counters).toMatchObject({ finalised: 1, noActivity: 2 });
  });

  it('is idempotent: a second run for the day leaves the rows as they are', async () => {
    const before = await pools();
    const run = await bed.run('prize-pool-finalization', { date: '2026-08-29' });
    expect(run.status).toBe('completed');
    expect(run.result).toMatchObject({ processed: 3, finalised: 0, noActivity: 0, unchanged: 3, failed: 0 });
    expect(await pools()).toEqual(before);
  });

  it('keeps going when one league fails, recording the failure on its row', async () => {
    await db().$executeRawUnsafe(`
      CREATE FUNCTION test_refuse_prize() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."leagueId" = 3 AND NEW.status <> 'failed' THEN RAISE EXCEPTION 'test refuses the prize of league 3'; END IF;
        RETURN NEW;
      END $$`);
    await db().$executeRawUnsafe(`CREATE TRIGGER test_refuse_prize BEFORE INSERT OR UPDATE ON "PrizePool" FOR EACH ROW EXECUTE FUNCTION test_refuse_prize()`);
    try {
      const run = await bed.run('prize-pool-finalization', { date: '2026-08-28' });
      expect(run.status).toBe('completed');
      expect(run.result).toMatchObject({ processed: 3, finalised: 1, noActivity: 1, failed: 1, errors: [{ leagueId: 3, message: expect.stringContaining('test refuses the prize of league 3') }] });
    } finally {
      await db().$executeRawUnsafe('DROP TRIGGER test_refuse_prize ON "PrizePool"');
      await db().$executeRawUnsafe('DROP FUNCTION test_refuse_prize()');
    }
    const rows = await pools({ periodStart: day('2026-08-28') });
    expect(decided(rows)).toEqual([
      { leagueId: 1, period: 'daily', status: 'finalised', winnerEntryId: 1, winnerPoints: 40, entries: 2 },
      { leagueId: 2, period: 'daily', status: 'no_activity', winnerEntryId: null, winnerPoints: null, entries: 0 },
      { leagueId: 3, period: 'daily', status: 'failed', winnerEntryId: null, winnerPoints: null, entries: 0 },
    ]);
    expect(rows[2]!.error).toContain('test refuses the prize of league 3');
  });

  it('decides a failed period again on the next run, leaving the decided ones', async () => {
    const run = await bed.run('prize-pool-finalization', { date: '2026-08-28' });
    expect(run.result).toMatchObject({ finalised: 1, unchanged: 2, failed: 0 });
    expect(decided(await pools({ periodStart: day('2026-08-28'), period: 'daily' }))[2]).toEqual({ leagueId: 3, period: 'daily', status: 'finalised', winnerEntryId: 1, winnerPoints: 40, entries: 2 });
  });

  it('on the day before the weekly day (a Sunday, for Monday) also closes the week; final rows fetched again that day change no winner', async () => {
    // Re-fetched on Sunday 30th (as tracked-entry-updater does with the last stored event):
    // by updatedAt, entry 3 would have 30 + 20 on the 30th and win league 1's day.
    await db().entryEventHistory.updateMany({ where: { OR: [{ entryId: 3, eventId: 2 }, { entryId: 2, eventId: 1 }] }, data: { updatedAt: at('2026-08-30T12:00:00Z') } });
    const run = await bed.run('prize-pool-finalization', { date: '2026-08-30' });
    expect(run.status).toBe('completed');
    // the winners by the gameweek the points belong to (gameweek 3's deadline is on the 30th)
    expect(decided(await pools({ periodStart: day('2026-08-30'), period: 'daily' }))).toEqual([
      { leagueId: 1, period: 'daily', status: 'finalised', winnerEntryId: 1, winnerPoints: 25, entries: 2 },
      { leagueId: 2, period: 'daily', status: 'no_activity', winnerEntryId: null, winnerPoints: null, entries: 0 },
      { leagueId: 3, period: 'daily', status: 'finalised', winnerEntryId: 1, winnerPoints: 25, entries: 1 },
    ]);
    expect(run.result).toMatchObject({
      periods: [{ period: 'daily', start: '2026-08-30' }, { period: 'weekly', start: '2026-08-24' }],
      finalised: 4,
      noActivity: 2,
      failed: 0,
    });
    expect(decided(await pools({ period: 'weekly' }))).toEqual([
      // 40 + 25 against entry 2's 35 + 30: level, so the lower id; entry 3's 500 in gameweek 4 (Monday) is next week's
      { leagueId: 1, period: 'weekly', status: 'finalised', winnerEntryId: 1, winnerPoints: 65, entries: 3 },
      { leagueId: 2, period: 'weekly', status: 'no_activity', winnerEntryId: null, winnerPoints: null, entries: 1 },
      { leagueId: 3, period: 'weekly', status: 'finalised', winnerEntryId: 1, winnerPoints: 65, entries: 2 },
    ]);
    expect((await pools({ periodStart: day('2026-08-24') }))[0]!.periodStart).toEqual(day('2026-08-24'));

    // A Saturday closes no week.
    const saturday = await bed.run('prize-pool-finalization', { date: '2026-08-22' });
    expect(saturday.result).toMatchObject({ periods: [{ period: 'daily', start: '2026-08-22' }] });
  });

  it('refuses a payload date that is not a day, and a day that is not over', async () => {
    await expect(bed.run('prize-pool-finalization', { date: '2026-8-1' })).rejects.toThrow(/does not fit job "prize-pool-finalization"/);
    const today = new Date().toISOString().slice(0, 10);
    const run = await bed.run('prize-pool-finalization', { date: today });
    expect(run).toMatchObject({ status: 'failed', error: `${today} is not over yet (UTC); only a past day can be finalised` });
    expect(run.attempts as unknown[]).toHaveLength(1);
    expect(await db().prizePool.count({ where: { periodStart: day(today) } })).toBe(0);
  });
});

describe('leaderboard-validation', () => {
  const yesterday = new Date(new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`).getTime() - 86_400_000);

  beforeAll(async () => {
    // A recent prize whose winner is not a member of its league (entry 4 is in league 2).
    await db().prizePool.create({ data: { leagueId: 1, period: 'daily', periodStart: yesterday, status: 'finalised', winnerEntryId: 4, winnerPoints: 60, entries: 1 } });
  });

  it('counts every league’s entries and reports a duplicate rank and a prize won by a non-member', async () => {
    const run = await bed.run('leaderboard-validation');
    expect(run.status).toBe('completed');
    expect(run.result).toMatchObject({
      leagues: 3,
      // only the recent prize: the August ones are older than 7 days
      periods: 1,
      entriesCounted: 7,
      problemCount: 2,
      problems: [
        { kind: 'duplicate_rank', leagueId: 2, message: 'league 2: rank 1 is held by entries 4, 5 with different totals' },
        { kind: 'winner_not_member', leagueId: 1, message: expect.stringContaining('went to entry 4, not a member of the league') },
      ],
    });
    expect(run.counters).toMatchObject({ leagues: 3, entriesCounted: 7, periods: 1, problems: 2 });
  });

  it('builds and counts each league’s gameweek, month and season leaderboards', async () => {
    await db().phase.createMany({ data: [{ id: 1, name: 'Overall', startEvent: 1, stopEvent: 38 }, { id: 2, name: 'August', startEvent: 1, stopEvent: 5 }] });
    const run = await bed.run('leaderboard-validation');
    expect(run.status).toBe('completed');
    // no gameweek is current: the last finished one, 5 (only entry 4, of league 2, played it)
    expect((run.result as { leaderboards: unknown }).leaderboards).toEqual([
      { period: 'gameweek', label: 'gameweek 5', leagues: 1, entries: 1 },
      { period: 'month', label: 'August (gameweeks 1–5)', leagues: 3, entries: 7 },
      { period: 'season', label: 'season (gameweeks 1–5)', leagues: 3, entries: 7 },
    ]);
    expect(run.counters).toMatchObject({ leaderboardsValidated: 3 });
  });

  it('fails on problems, without retrying, when failOnProblems is set', async () => {
    await db().jobDefinition.update({ where: { name: 'leaderboard-validation' }, data: { config: { failOnProblems: true } } });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the worker reads a job's config at most once a second
    try {
      const run = await bed.run('leaderboard-validation');
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/^2 leaderboard problems: league 2: rank 1 is held by entries 4, 5/);
      expect(run.attempts as unknown[]).toHaveLength(1);
    } finally {
      await db().jobDefinition.update({ where: { name: 'leaderboard-validation' }, data: { config: {} } });
    }
  });
});

describe('prize-pool-finalization without a date', () => {
  it('closes yesterday (UTC)', async () => {
    const run = await bed.run('prize-pool-finalization');
    expect(run.status).toBe('completed');
    expect(run.result).toMatchObject({ date: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), processed: 3 });
  });
});
