import { db } from '@/lib/db.ts';
import type { ConfigOf } from '@/lib/jobs/define-job.ts';
import { pointsRaceUpdateJob } from '@/lib/jobs/definitions/league/points-race-update.ts';
import type { RunCondition } from '../../define-handler.ts';
import { eventsToScore, loadFinishedEvents, loadTournaments, missingHistories } from './tournament-data.ts';
import { tournamentHandler, type TournamentJob } from './update-tournaments.ts';

/**
 * Scheduled points-race updates run only when a gameweek finished that some points race has
 * not scored yet (its last scored event is its results' latest), and only once the entrants'
 * final histories for it are stored (tournament-event-data fetches them).
 */
export const pointsRaceCondition: RunCondition<ConfigOf<TournamentJob>> = async () => {
  const noNewEvent = 'no finished gameweek since the last update';
  const finished = await loadFinishedEvents(db());
  const latest = finished.at(-1)?.id;
  if (latest === undefined) return noNewEvent;
  const tournaments = await loadTournaments(db(), ['points_race']);
  if (tournaments.length === 0) return 'no points race yet: tournament-event-data creates them';
  const processed = await db().tournamentResult.groupBy({ by: ['tournamentId'], where: { tournamentId: { in: tournaments.map((t) => t.id) } }, _max: { eventId: true } });
  const lastScored = new Map(processed.map((row) => [row.tournamentId, row._max.eventId ?? 0]));
  const needs = tournaments
    .map((t) => ({ entrants: t.entrants, events: eventsToScore(t, finished, latest).filter((event) => event > (lastScored.get(t.id) ?? 0)) }))
    .filter((need) => need.events.length > 0);
  if (needs.length === 0) return noNewEvent;
  const missing = await missingHistories(db(), needs, finished);
  if (missing.size > 0) {
    const events = [...new Set([...missing.values()].flat())].sort((a, b) => a - b);
    return `live results not stored yet: ${missing.size} entries lack event ${events.join(', ')}`;
  }
  return true;
};

/** Points races: event points summed; the chain's head, scheduled after each finished gameweek. */
export const pointsRaceUpdateHandler = tournamentHandler(pointsRaceUpdateJob, 'points_race', pointsRaceCondition);
