/**
 * The tournament chain on a real worker (in this process) against an upstream simulator of
 * its own (300 entries, clock moved gameweek by gameweek), with its own database and queue
 * prefix: tournament-event-data prepares the tournaments and their histories; a successful
 * points-race-update enqueues battle-race → knockout → cup; what each writes; a rerun writes
 * nothing; the points race's condition skips scheduled fires with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRun } from '@/generated/prisma/client.ts';
import { db } from '@/lib/db.ts';
import { tournamentEventDataJob } from '@/lib/jobs/definitions/league/tournament-event-data.ts';
import { knockoutRounds } from '@/lib/league/tournament-rules.ts';
import { UpstreamClient } from '@/lib/league/upstream-client.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { LeagueJobsTestbed } from '@/scripts/test/league-jobs-testbed.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { LeagueListener } from '../../league/league-listener.ts';
import { entryUpdatesHandler } from './entry-updates.ts';
import { tournamentEventDataHandler, type TournamentEventDataResult } from './tournament-event-data.ts';
import { seedLeague } from './test-support/seed-league.ts';
import { battleRaceUpdateHandler } from './battle-race-update.ts';
import { cupUpdateHandler } from './cup-update.ts';
import { knockoutUpdateHandler } from './knockout-update.ts';
import { pointsRaceUpdateHandler } from './points-race-update.ts';
import type { TournamentUpdateResult } from './update-tournaments.ts';

const prefix = useOwnQueuePrefix('league-tournament');
await useOwnDatabase('league_tournament');

let bed: LeagueJobsTestbed;
const chain = ['points-race-update', 'battle-race-update', 'knockout-update', 'cup-update'] as const;

const until = (id: string, statuses: string[], timeoutMs = 30_000) => bed.untilStatus(id, statuses, timeoutMs);

async function run(jobName: string, payload: Record<string, unknown> = {}): Promise<JobRun> {
  const { run } = await askForRun(jobName, { payload });
  const done = await until(run.id, ['completed', 'failed']);
  expect(done.error).toBeNull();
  return done;
}

/** A points-race-update fired the way its job scheduler fires it (so its condition is asked). */
const fireScheduledPointsRace = () => bed.fire('points-race-update');

/** Moves the simulator to just after gameweek `event` finished and stores the meta tables as they are then. */
async function finishGameweek(event: number): Promise<void> {
  await bed.admin('/admin/clock', { toEvent: event, phase: 'finished' });
  await seedLeague({ db: db(), upstream: new UpstreamClient({ baseUrl: bed.upstreamUrl }), now: new Date(bed.upstream.state.now()) });
}

/** Runs points-race-update and waits for the chain it enqueues; returns the four runs in chain order. */
async function runChain(payload: Record<string, unknown> = {}): Promise<JobRun[]> {
  const runs = [await run(chain[0], payload)];
  for (const jobName of chain.slice(1)) {
    const cause = runs.at(-1)!;
    const next = await waitFor(() => db().jobRun.findFirst({ where: { jobName, causedBy: cause.id } }), 15_000, `${jobName} caused by ${cause.id}`);
    runs.push(await until(next.id, ['completed', 'failed']));
  }
  return runs;
}

const resultOf = (run: JobRun) => run.result as unknown as TournamentUpdateResult;

/** Every tournament with its standings (by rank) and results (by event, round, home), and each entrant's stored points per event. */
async function snapshot() {
  const tournaments = await db().tournament.findMany({
    orderBy: [{ leagueId: 'asc' }, { kind: 'asc' }],
    include: { standings: { orderBy: { rank: 'asc' } }, results: { orderBy: [{ eventId: 'asc' }, { homeEntryId: 'asc' }] } },
  });
  const history = await db().entryEventHistory.findMany({ select: { entryId: true, eventId: true, points: true, overallRank: true } });
  const points = (entryId: number, eventId: number) => history.find((h) => h.entryId === entryId && h.eventId === eventId)?.points ?? 0;
  return { tournaments, points };
}

beforeAll(async () => {
  bed = await LeagueJobsTestbed.start(prefix, [entryUpdatesHandler, tournamentEventDataHandler, pointsRaceUpdateHandler, battleRaceUpdateHandler, knockoutUpdateHandler, cupUpdateHandler], { entries: 300 });
  await finishGameweek(1);
  const config = { ...tournamentEventDataJob.config.parse({}), requestsPerMinute: 10_000 };
  await db().jobDefinition.update({ where: { name: 'tournament-event-data' }, data: { config } });
});

afterAll(() => bed?.stop());

describe('tournament-event-data', () => {
  it("creates each league's four tournaments with its top standings and stores the histories they need", async () => {
    const done = await run('tournament-event-data');
    const result = done.result as unknown as TournamentEventDataResult;
    expect(result).toMatchObject({ leagues: 5, leaguesFailed: 0, tournamentsCreated: 20, failed: 0 });
    expect(result.historiesFetched).toBe(result.historiesNeeded);

    const leagues = await db().league.findMany({ include: { tournaments: { include: { standings: true } } }, orderBy: { id: 'asc' } });
    expect(leagues.map((league) => league.id)).toEqual([1, 2, 3, 4, 5]);
    for (const league of leagues) {
      const top = await db().leagueStanding.findMany({ where: { leagueId: league.id }, orderBy: [{ rank: 'asc' }, { entryId: 'asc' }], take: 32 });
      expect(top.length).toBeGreaterThanOrEqual(2);
      const rounds = knockoutRounds(top.length);
      const byKind = Object.fromEntries(league.tournaments.map((t) => [t.kind, t]));
      // gameweek 1 has finished: they start with gameweek 2, the cup one later
      expect(Object.fromEntries(Object.entries(byKind).map(([kind, t]) => [kind, [t.startEvent, t.endEvent, t.status]]))).toEqual({
        points_race: [2, 38, 'active'],
        battle_race: [2, 38, 'active'],
        knockout: [2, 2 + rounds - 1, 'active'],
        cup: [3, 2 + rounds, 'active'],
      });
      for (const tournament of league.tournaments) {
        expect(tournament.standings.sort((a, b) => a.rank - b.rank).map((s) => s.entryId)).toEqual(top.map((s) => s.entryId));
      }
      // seeding reads gameweek 1: every entrant's row is stored
      const stored = await db().entryEventHistory.count({ where: { eventId: 1, entryId: { in: top.map((s) => s.entryId) } } });
      expect(stored).toBe(top.length);
    }

    // a second run finds everything in place
    const again = (await run('tournament-event-data')).result as unknown as TournamentEventDataResult;
    expect(again).toMatchObject({ tournamentsCreated: 0, historiesNeeded: 0, historyRowsWritten: 0, standingsWritten: 0 });
  });
});

describe('the tournament chain', () => {
  it('skips a scheduled points race until the finished gameweek\'s histories are stored', async () => {
    await finishGameweek(2);
    const skipped = await fireScheduledPointsRace();
    expect(skipped.status).toBe('skipped');
    expect(skipped.error).toMatch(/^live results not stored yet: \d+ entries lack event 2 \(league time [^)]*\)$/);
    const prepared = (await run('tournament-event-data')).result as unknown as TournamentEventDataResult;
    expect(prepared.historiesNeeded).toBeGreaterThan(0);
    expect(prepared.historiesFetched).toBe(prepared.historiesNeeded);
  });

  it('runs points race → battle race → knockout → cup, each caused by the one before, and scores gameweek 2', async () => {
    const runs = await runChain();
    expect(runs.map((r) => [r.jobName, r.status])).toEqual(chain.map((name) => [name, 'completed']));
    for (const [index, current] of runs.entries()) {
      if (index === 0) continue;
      const cause = runs[index - 1]!;
      expect(current).toMatchObject({ trigger: 'dependency', causedBy: cause.id });
      expect(current.queuedAt.getTime()).toBeGreaterThanOrEqual(cause.finishedAt!.getTime());
      expect(current.startedAt!.getTime()).toBeGreaterThanOrEqual(cause.finishedAt!.getTime());
    }
    for (const r of runs) expect(resultOf(r)).toMatchObject({ tournaments: 5, event: 2, missingHistories: 0 });
    expect(runs.slice(0, 3).every((r) => resultOf(r).resultsWritten > 0 && resultOf(r).standingsWritten > 0)).toBe(true);
    expect(resultOf(runs[3]!).resultsWritten).toBe(0); // the cup starts with gameweek 3

    const { tournaments, points } = await snapshot();
    for (const t of tournaments) {
      const n = t.standings.length;
      if (t.kind === 'points_race') {
        expect(t.results).toHaveLength(n);
        // standings: gameweek 2 points, best first
        for (const s of t.standings) expect(s.points).toBe(points(s.entryId, 2));
        expect(t.standings.map((s) => s.points)).toEqual([...t.standings.map((s) => s.points)].sort((a, b) => b - a));
        expect(t.results.every((r) => r.eventId === 2 && r.round === 1 && r.awayEntryId === null && r.homePoints === points(r.homeEntryId, 2))).toBe(true);
      }
      if (t.kind === 'battle_race') {
        expect(t.results).toHaveLength(Math.ceil(n / 2));
        for (const s of t.standings) {
          expect(s.won + s.drawn + s.lost).toBe(s.played);
          expect(s.points).toBe(3 * s.won + s.drawn);
        }
        for (const r of t.results.filter((r) => r.awayEntryId !== null)) {
          const [home, away] = [points(r.homeEntryId, 2), points(r.awayEntryId!, 2)];
          expect(r.winnerEntryId).toBe(home === away ? null : home > away ? r.homeEntryId : r.awayEntryId);
        }
        expect(t.results.filter((r) => r.awayEntryId === null)).toHaveLength(n % 2);
      }
      if (t.kind === 'knockout') {
        expect(t.results).toHaveLength(Math.ceil(n / 2));
        expect(t.standings.filter((s) => s.eliminated)).toHaveLength(Math.floor(n / 2));
        for (const r of t.results.filter((r) => r.awayEntryId !== null)) {
          expect(points(r.winnerEntryId!, 2)).toBeGreaterThanOrEqual(points(r.winnerEntryId === r.homeEntryId ? r.awayEntryId! : r.homeEntryId, 2));
        }
        const eliminated = new Set(t.standings.filter((s) => s.eliminated).map((s) => s.entryId));
        expect(t.results.every((r) => r.winnerEntryId !== null && !eliminated.has(r.winnerEntryId))).toBe(true);
      }
      if (t.kind === 'cup') {
        expect(t.results).toHaveLength(0);
        // seeded from the points race after its first event (gameweek 2)
        expect(t.standings.map((s) => s.points)).toEqual(t.standings.map(() => 0));
        const race = tournaments.find((other) => other.leagueId === t.leagueId && other.kind === 'points_race')!;
        expect(t.standings.map((s) => s.entryId)).toEqual(race.standings.map((s) => s.entryId));
      }
    }
  });

  it('changes nothing when run again for the same gameweek', async () => {
    const before = await snapshot();
    const runs = await runChain({ eventId: 2 });
    for (const r of runs) expect(resultOf(r)).toMatchObject({ event: 2, standingsWritten: 0, resultsWritten: 0, resultsRemoved: 0, changed: 0 });
    expect((await snapshot()).tournaments).toEqual(before.tournaments);
  });

  it('refuses an event that has not finished, without retrying', async () => {
    const { run: asked } = await askForRun('points-race-update', { payload: { eventId: 30 } });
    const failed = await until(asked.id, ['failed', 'completed']);
    expect(failed).toMatchObject({ status: 'failed', error: 'Event 30 has not finished: tournaments are scored on finished events only' });
    expect(failed.attempts as unknown[]).toHaveLength(1);
  });

  it('skips a scheduled points race when no gameweek finished since its last update', async () => {
    const skipped = await fireScheduledPointsRace();
    expect(skipped).toMatchObject({ status: 'skipped', error: expect.stringMatching(/^no finished gameweek since the last update \(league time /) });
    expect(await db().jobRun.count({ where: { causedBy: skipped.id } })).toBe(0);
  });

  it('plays the next rounds after gameweek 3: knockout round 2 among the winners, cup round 1 with a bye when odd', async () => {
    await finishGameweek(3);
    await run('tournament-event-data');
    const runs = await runChain();
    for (const r of runs) expect(resultOf(r)).toMatchObject({ event: 3, missingHistories: 0 });
    const { tournaments, points } = await snapshot();
    for (const t of tournaments) {
      const n = t.standings.length;
      if (t.kind === 'points_race') for (const s of t.standings) expect(s.points).toBe(points(s.entryId, 2) + points(s.entryId, 3));
      if (t.kind === 'knockout') {
        const winners = new Set(t.results.filter((r) => r.round === 1).map((r) => r.winnerEntryId));
        const round2 = t.results.filter((r) => r.round === 2);
        expect(round2).toHaveLength(Math.ceil(winners.size / 2));
        expect(round2.flatMap((r) => [r.homeEntryId, r.awayEntryId]).filter((id) => id !== null).sort()).toEqual([...winners].sort());
      }
      if (t.kind === 'cup') {
        const seeds = tournaments.find((other) => other.leagueId === t.leagueId && other.kind === 'points_race')!;
        expect(t.results.every((r) => r.eventId === 3 && r.round === 1)).toBe(true);
        expect(t.results).toHaveLength(Math.ceil(n / 2));
        const byes = t.results.filter((r) => r.awayEntryId === null);
        expect(byes).toHaveLength(n % 2);
        if (n % 2 === 1) {
          // the best seed after the points race's first event (gameweek 2) goes through without a tie
          const gw2 = [...seeds.standings].sort((a, b) => points(b.entryId, 2) - points(a.entryId, 2))[0]!;
          expect(points(byes[0]!.homeEntryId, 2)).toBe(points(gw2.entryId, 2));
          expect(byes[0]!.winnerEntryId).toBe(byes[0]!.homeEntryId);
        }
        expect(t.standings.filter((s) => s.eliminated)).toHaveLength(Math.floor(n / 2));
      }
    }
    expect(tournaments.some((t) => t.kind === 'cup' && t.standings.length % 2 === 1)).toBe(true);
  });
});

describe('a gameweek finishing', () => {
  it('starts the chain at once through NOTIFY: points race (trigger event) → battle race → knockout → cup', async () => {
    await finishGameweek(4);
    await run('tournament-event-data');
    // Gameweek 4 as it was a moment before it finished; the listener hears it finish.
    await db().event.update({ where: { id: 4 }, data: { finished: false } });
    const listener = new LeagueListener({ databaseUrl: process.env.DATABASE_URL! });
    await listener.start();
    try {
      const finishedAt = Date.now();
      await db().event.update({ where: { id: 4 }, data: { finished: true } });
      const head = await waitFor(() => db().jobRun.findFirst({ where: { jobName: chain[0], trigger: 'event', queuedAt: { gte: new Date(finishedAt - 1_000) } } }), 5_000, 'a points race queued by the NOTIFY');
      expect(head.queuedAt.getTime() - finishedAt).toBeLessThan(2_000);
      expect(head.source).toBe('gameweek 4 finished');
      expect(head.payload).toEqual({ eventId: 4 });
      const done = await until(head.id, ['completed', 'failed']);
      expect(done.status).toBe('completed');
      let cause = done;
      for (const jobName of chain.slice(1)) {
        const next = await waitFor(() => db().jobRun.findFirst({ where: { jobName, causedBy: cause.id } }), 15_000, `${jobName} caused by ${cause.id}`);
        const finished = await until(next.id, ['completed', 'failed']);
        expect(finished.status).toBe('completed');
        expect(finished.startedAt!.getTime()).toBeGreaterThanOrEqual(cause.finishedAt!.getTime());
        expect(resultOf(finished)).toMatchObject({ event: 4 });
        cause = finished;
      }
    } finally {
      await listener.stop();
    }
  });
});
