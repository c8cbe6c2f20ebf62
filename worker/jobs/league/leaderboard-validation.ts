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

/** A period's leaderboard across the leagues: x402's daily / weekly / all-time become the league's gameweek, month and season. */
export interface PeriodLeaderboard {
  period: 'gameweek' | 'month' | 'season';
  /** The gameweeks it sums, e.g. `gameweek 23`, `August (gameweeks 1–4)`. */
  label: string;
  /** Leagues with at least one member who scored in the period. */
  leagues: number;
  /** Members ranked, over all leagues (an entry in two leagues counts twice). */
  entries: number;
}

/**
 * The periods to validate: the current gameweek (else the last finished one), the month
 * (Phase, other than the season-long phase 1) it falls in, and the season so far.
 */
async function periodsToValidate(): Promise<{ period: PeriodLeaderboard['period']; label: string; from: number; to: number }[]> {
  const current = (await db().event.findFirst({ where: { isCurrent: true }, select: { id: true } })) ?? (await db().event.findFirst({ where: { finished: true }, orderBy: { id: 'desc' }, select: { id: true } }));
  if (!current) return [];
  const month = await db().phase.findFirst({ where: { id: { gt: 1 }, startEvent: { lte: current.id }, stopEvent: { gte: current.id } }, orderBy: { id: 'asc' } });
  return [
    { period: 'gameweek', label: `gameweek ${current.id}`, from: current.id, to: current.id },
    ...(month ? [{ period: 'month' as const, label: `${month.name} (gameweeks ${month.startEvent}–${Math.min(month.stopEvent, current.id)})`, from: month.startEvent, to: Math.min(month.stopEvent, current.id) }] : []),
    { period: 'season', label: `season (gameweeks 1–${current.id})`, from: 1, to: current.id },
  ];
}

/** Each league's leaderboard over gameweeks `from`..`to` from the members' stored history, ranked by competition ranking. */
async function periodLeaderboards(from: number, to: number): Promise<Map<number, RankedRow[]>> {
  const rows = await db().$queryRaw<{ leagueId: number; entryId: number; total: number }[]>`
    SELECT s."leagueId", h."entryId", sum(h.points - h."eventTransfersCost")::int AS total
    FROM "LeagueStanding" s JOIN "EntryEventHistory" h ON h."entryId" = s."entryId"
    WHERE h."eventId" BETWEEN ${from} AND ${to}
    GROUP BY s."leagueId", h."entryId"`;
  const byLeague = new Map<number, RankedRow[]>();
  for (const row of rows) byLeague.set(row.leagueId, [...(byLeague.get(row.leagueId) ?? []), { entryId: row.entryId, rank: 0, total: row.total }]);
  for (const board of byLeague.values()) {
    board.sort((a, b) => b.total - a.total || a.entryId - b.entryId);
    board.forEach((row, index) => (row.rank = index > 0 && board[index - 1]!.total === row.total ? board[index - 1]!.rank : index + 1));
  }
  return byLeague;
}

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
  ctx.progress(40);

  // x402's per-period leaderboards: each built from the stored history and ranked (the query must work), its entries counted.
  const leaderboards = await ctx.phase('periods', async () => {
    const built: PeriodLeaderboard[] = [];
    for (const { period, label, from, to } of await periodsToValidate()) {
      const boards = await periodLeaderboards(from, to);
      const entries = [...boards.values()].reduce((sum, board) => sum + board.length, 0);
      ctx.log(`validated the ${label} leaderboard: ${boards.size} leagues, ${entries} entries`);
      ctx.count('leaderboardsValidated');
      built.push({ period, label, leagues: boards.size, entries });
    }
    return built;
  });
  ctx.progress(70);

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
    processed: members.size + leaderboards.length + pools.length,
    leagues: members.size,
    periods: pools.length,
    leaderboards,
    entriesCounted,
    problemCount: problems.length,
    problems: problems.slice(0, listedProblems),
    apiRequests: 0,
  };
});
