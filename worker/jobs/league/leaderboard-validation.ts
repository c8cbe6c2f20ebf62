import { UnrecoverableError } from 'bullmq';
import { db } from '@/lib/db.ts';
import { leaderboardValidationJob } from '@/lib/jobs/definitions/league/leaderboard-validation.ts';
import { describeStandingsProblem, standingsProblems, type RankedRow } from '@/lib/league/standings-check.ts';
import { defineHandler } from '../../define-handler.ts';
import { dayMs, isoDay, startOfUtcDay } from './utc-days.ts';

/**
 * Handler of leaderboard-validation (lib/jobs/definitions/league/leaderboard-validation.ts).
 * It reads only our own tables: no upstream calls.
 */

const listedProblems = 100;

type LeaderboardProblem =
  | { kind: 'duplicate_rank' | 'rank_gap'; leagueId: number; message: string }
  | { kind: 'winner_not_member' | 'more_entries_than_members'; leagueId: number; prizePoolId: string; message: string };

export const leaderboardValidationHandler = defineHandler(leaderboardValidationJob, async (ctx) => {
  const problems: LeaderboardProblem[] = [];

  const members = await ctx.phase('standings', async () => {
    const leagues = await db().league.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
    const rows = await db().leagueStanding.findMany({ select: { leagueId: true, entryId: true, rank: true, total: true } });
    const byLeague = new Map<number, RankedRow[]>(leagues.map((league) => [league.id, []]));
    for (const row of rows) byLeague.get(row.leagueId)?.push(row);
    for (const [leagueId, standings] of byLeague) {
      for (const problem of standingsProblems(standings)) problems.push({ kind: problem.kind, leagueId, message: describeStandingsProblem(leagueId, problem) });
    }
    ctx.count('leagues', byLeague.size);
    ctx.count('entriesCounted', rows.length);
    return new Map([...byLeague].map(([leagueId, standings]) => [leagueId, new Set(standings.map((row) => row.entryId))]));
  });
  ctx.progress(60);

  const pools = await ctx.phase('prize-pools', async () => {
    const since = new Date(startOfUtcDay(new Date()).getTime() - ctx.config.days * dayMs);
    const rows = await db().prizePool.findMany({ where: { periodStart: { gte: since } }, orderBy: [{ periodStart: 'asc' }, { leagueId: 'asc' }] });
    for (const pool of rows) {
      const leagueMembers = members.get(pool.leagueId) ?? new Set<number>();
      const what = `league ${pool.leagueId}: ${pool.period} prize of ${isoDay(pool.periodStart)}`;
      if (pool.status === 'finalised' && (pool.winnerEntryId === null || !leagueMembers.has(pool.winnerEntryId))) {
        problems.push({ kind: 'winner_not_member', leagueId: pool.leagueId, prizePoolId: pool.id, message: `${what} went to entry ${pool.winnerEntryId ?? 'none'}, not a member of the league` });
      }
      if (pool.entries > leagueMembers.size) {
        problems.push({ kind: 'more_entries_than_members', leagueId: pool.leagueId, prizePoolId: pool.id, message: `${what} counts ${pool.entries} entries, the league has ${leagueMembers.size} members` });
      }
    }
    ctx.count('periods', rows.length);
    ctx.count('poolEntriesCounted', rows.reduce((sum, pool) => sum + pool.entries, 0));
    return rows;
  });

  ctx.count('problems', problems.length);
  const entriesCounted = [...members.values()].reduce((sum, set) => sum + set.size, 0);
  if (problems.length > 0) ctx.log(`${problems.length} problems: ${problems.slice(0, 5).map((p) => p.message).join('; ')}`);
  if (ctx.config.failOnProblems && problems.length > 0) {
    // The data would be as wrong on a retry: fail without one.
    throw new UnrecoverableError(`${problems.length} leaderboard problems: ${problems.slice(0, 5).map((p) => p.message).join('; ')}`);
  }
  ctx.progress(100);
  return {
    processed: members.size + pools.length,
    leagues: members.size,
    periods: pools.length,
    entriesCounted,
    problemCount: problems.length,
    problems: problems.slice(0, listedProblems),
    apiRequests: 0,
  };
});
