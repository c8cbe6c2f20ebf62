import { UnrecoverableError } from 'bullmq';
import { db } from '@/lib/db.ts';
import { pointsRecalculationJob } from '@/lib/jobs/definitions/league/points-recalculation.ts';
import type { TournamentKind } from '@/lib/league/tournament-rules.ts';
import { defineHandler } from '../../define-handler.ts';
import { scoreTournaments } from './update-tournaments.ts';

/** The tournament chain's order (points race → battle race → knockout → cup). */
const chainOrder: readonly TournamentKind[] = ['points_race', 'battle_race', 'knockout', 'cup'];

/**
 * Handler of points-recalculation (lib/jobs/definitions/league/points-recalculation.ts): the
 * tournament jobs' scoring (update-tournaments.ts) over every kind of the chosen tournaments.
 * A league or tournament that does not exist fails the run at once, naming it.
 */
export const pointsRecalculationHandler = defineHandler(pointsRecalculationJob, async (ctx) => {
  const { leagueId, tournamentId, eventId } = ctx.payload;
  if (tournamentId !== undefined && (await db().tournament.count({ where: { id: tournamentId, ...(leagueId !== undefined ? { leagueId } : {}) } })) === 0) {
    throw new UnrecoverableError(`No tournament ${tournamentId}${leagueId !== undefined ? ` in league ${leagueId}` : ''}`);
  }
  if (leagueId !== undefined && (await db().league.count({ where: { id: leagueId } })) === 0) throw new UnrecoverableError(`No league ${leagueId} is stored`);
  const result = await scoreTournaments(ctx, { kinds: chainOrder, leagueId, tournamentId, eventId });
  if (result.tournaments === 0) ctx.log('No tournament to score: tournament-event-data creates them');
  return result;
});
