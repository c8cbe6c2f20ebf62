/**
 * One gameweek of the league pack's story on a worker in this process, against a simulator of
 * its own whose clock the test moves (deadline, live, finished): every window and condition is
 * judged in league time (the simulator's), so the scheduled fires do their work although the
 * wall clock is nowhere near match time; players' points and standings follow the live data;
 * the gameweek finishing starts the tournament chain, the post-match stats, the prize pool and
 * the leaderboard validation by NOTIFY and dependency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRun } from '@/generated/prisma/client.ts';
import { db } from '@/lib/db.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { LeagueJobsTestbed } from '@/scripts/test/league-jobs-testbed.ts';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { LeagueListener } from '../../league/league-listener.ts';
import { handlers } from '../index.ts';

const prefix = useOwnQueuePrefix('league-story');
await useOwnDatabase('league_story');

let bed: LeagueJobsTestbed;
let listener: LeagueListener;

beforeAll(async () => {
  bed = await LeagueJobsTestbed.start(prefix, handlers, { entries: 300 });
  listener = new LeagueListener({ databaseUrl: process.env.DATABASE_URL! });
  await listener.start();
}, 60_000);

afterAll(async () => {
  await listener?.stop();
  await bed?.stop();
});

async function ran(jobName: string, payload: Record<string, unknown> = {}): Promise<JobRun> {
  const { run } = await askForRun(jobName, { payload });
  const done = await bed.untilStatus(run.id, ['completed', 'failed', 'skipped'], 30_000);
  expect(done).toMatchObject({ status: 'completed', error: null });
  return done;
}

async function fired(jobName: string): Promise<JobRun> {
  const done = await bed.fire(jobName);
  expect(done, `${jobName}: ${done.error}`).toMatchObject({ status: 'completed', trigger: 'schedule' });
  return done;
}

const playersPoints = async () => (await db().player.aggregate({ _sum: { totalPoints: true } }))._sum.totalPoints ?? 0;
const standingsPoints = async () => (await db().leagueStanding.aggregate({ _sum: { total: true } }))._sum.total ?? 0;

/** The run of `jobName` caused by `cause` (its dependency), once it ended. */
async function causedBy(jobName: string, cause: JobRun): Promise<JobRun> {
  const next = await waitFor(() => db().jobRun.findFirst({ where: { jobName, causedBy: cause.id } }), 20_000, `${jobName} caused by ${cause.id}`);
  const done = await bed.untilStatus(next.id, ['completed', 'failed', 'skipped'], 30_000);
  expect(done, `${jobName}: ${done.error}`).toMatchObject({ status: 'completed' });
  return done;
}

describe('a gameweek in league time', () => {
  it('runs picks before the deadline, live updates while live, and the chain, stats, prize pool and validation once it finishes', async () => {
    // Saturday 10:00 UTC of the simulated season, an hour before gameweek 1's deadline.
    await ran('bootstrap-meta');
    await ran('standings-refresh');
    // Every configured league has its members before a ball is kicked.
    const members = await db().league.findMany({ select: { id: true, _count: { select: { standings: true } } } });
    expect(members.length).toBe(5);
    for (const league of members) expect(league._count.standings, `league ${league.id}`).toBeGreaterThan(0);

    const picks = await fired('picks-processing'); // the selection period, in league time

    // Half an hour after the first kick-off: the gameweek goes live.
    await bed.admin('/admin/clock', { toEvent: 1, phase: 'live' });
    await fired('live-scores-update');
    const live1 = await fired('event-live-update');
    expect((await db().event.findUniqueOrThrow({ where: { id: 1 } })).isLive).toBe(true);
    const points1 = await playersPoints();
    expect(points1).toBeGreaterThan(0);

    // Sunday afternoon: more matches played; the points and the standings moved with them.
    await bed.admin('/admin/clock', { advanceMinutes: 26 * 60 });
    const live2 = await fired('event-live-update');
    const points2 = await playersPoints();
    expect(points2).toBeGreaterThan(points1);
    expect(await standingsPoints()).toBeGreaterThan(0);

    // After the last match: the scheduled live update sees it finish, and the NOTIFY starts the rest.
    await bed.admin('/admin/clock', { toEvent: 1, phase: 'finished' });
    const finishedAt = new Date();
    await fired('event-live-update');
    expect((await db().event.findUniqueOrThrow({ where: { id: 1 } })).finished).toBe(true);

    const head = await waitFor(() => db().jobRun.findFirst({ where: { jobName: 'points-race-update', trigger: 'event', queuedAt: { gte: finishedAt } } }), 10_000, 'points race by NOTIFY');
    const pointsRace = await bed.untilStatus(head.id, ['completed', 'failed', 'skipped'], 30_000);
    expect(pointsRace.status).toBe('completed');
    const battle = await causedBy('battle-race-update', pointsRace);
    const knockout = await causedBy('knockout-update', battle);
    const cup = await causedBy('cup-update', knockout);
    const prizePool = await causedBy('prize-pool-finalization', cup);
    const validation = await causedBy('leaderboard-validation', cup);
    const stats = await waitFor(() => db().jobRun.findFirst({ where: { jobName: 'stats-update', trigger: 'event', source: 'post-match', queuedAt: { gte: finishedAt } } }), 10_000, 'post-match stats');
    expect((await bed.untilStatus(stats.id, ['completed', 'failed', 'skipped'], 30_000)).status).toBe('completed');

    // In order: picks, live, live again, then the chain and what follows it.
    const order = [picks, live1, live2, pointsRace, battle, knockout, cup, prizePool, validation].map((run) => run.finishedAt!.getTime());
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // No run of the story was skipped for a window.
    const skipped = await db().jobRun.findMany({ where: { status: 'skipped', error: { startsWith: 'Outside' } }, select: { jobName: true, error: true } });
    expect(skipped).toEqual([]);
  }, 120_000);
});
