import { UnrecoverableError } from 'bullmq';
import type { z } from 'zod';
import { db } from '@/lib/db.ts';
import type { ConfigOf, JobDefinition, PayloadOf } from '@/lib/jobs/define-job.ts';
import type { tournamentPayload } from '@/lib/jobs/definitions/league/tournament-payload.ts';
import { scoreTournament, type ResultRow, type StandingRow, type TournamentKind } from '@/lib/league/tournament-rules.ts';
import { defineHandler, type JobHandler, type RunCondition } from '../../define-handler.ts';
import type { RunContext } from '../../run-context.ts';
import { leagueServices, leagueTime } from './league-services.ts';
import type { Sql } from './league-store.ts';
import { eventsRead, eventsToScore, loadFinishedEvents, loadScores, loadTournaments, type TournamentFilter, type TournamentWithEntrants } from './tournament-data.ts';

/**
 * What the four tournament jobs' handlers share (points-race-update.ts, battle-race-update.ts,
 * knockout-update.ts, cup-update.ts): each scores every tournament of its kind from the stored
 * event histories (lib/league/tournament-rules.ts), from the tournament's first event up to
 * the payload's event (default: the latest finished one), and reconciles the stored rows
 * with the outcome in one transaction per tournament: results upserted where they differ,
 * results no longer part of it (after the event, or a changed pairing) removed, standings
 * and status updated where they differ. So a rerun for the same event writes nothing, and
 * the result's counts say what changed. Changed tournaments' `tournament:{id}:standings`,
 * `:entries` and `:results` cache keys are invalidated after the commit.
 */

export interface TournamentUpdateResult {
  tournaments: number;
  /** The tournaments scored (all of the job's kind). */
  processed: number;
  /** The event scored up to; null when no event has finished yet. */
  event: number | null;
  /** Standings rows and tournament statuses changed. */
  standingsWritten: number;
  /** Result rows created or changed. */
  resultsWritten: number;
  resultsRemoved: number;
  /** Tournaments whose rows changed (their cache keys were invalidated). */
  changed: number;
  unchanged: number;
  /** Entrant-events scored without a stored history (counted as 0 points). */
  missingHistories: number;
  /** Always 0: the tournament jobs read the database only. */
  apiRequests: number;
}

/** The four jobs share one contract shape (payload `{ eventId? }`, no config); each keeps its own name. */
export type TournamentJob = JobDefinition<typeof tournamentPayload, z.ZodObject<{}>>;
type TournamentContext = RunContext<PayloadOf<TournamentJob>, ConfigOf<TournamentJob>>;

/** The handler of a tournament job: scores every tournament of `kind`. */
export function tournamentHandler<TJob extends TournamentJob>(job: TJob, kind: TournamentKind, condition?: RunCondition<ConfigOf<TournamentJob>>): JobHandler<TJob> {
  // "After a match day" is the league's: the condition and its reason are judged in league time.
  return defineHandler(job, (ctx: TournamentContext) => scoreTournaments(ctx, { kinds: [kind], eventId: ctx.payload.eventId }), condition ? { condition, clock: leagueTime } : {});
}

/** What to score: tournaments of these kinds (in this order), of a league or one tournament, up to an event (default: the latest finished). */
export interface ScoreSelection extends TournamentFilter {
  kinds: readonly TournamentKind[];
  eventId?: number;
}

/**
 * Scores the tournaments of `selection` and reconciles their stored rows (see the comment at
 * the top): the four tournament jobs (one kind each) and points-recalculation (every kind of a
 * league or a tournament) share it.
 */
export async function scoreTournaments(ctx: RunContext<unknown, unknown>, selection: ScoreSelection): Promise<TournamentUpdateResult> {
  const summary: TournamentUpdateResult = { tournaments: 0, processed: 0, apiRequests: 0, event: null, standingsWritten: 0, resultsWritten: 0, resultsRemoved: 0, changed: 0, unchanged: 0, missingHistories: 0 };
  const loaded = await ctx.phase('meta', async () => {
    const finished = await loadFinishedEvents(db());
    const requested = selection.eventId;
    if (requested !== undefined && !finished.some((event) => event.id === requested)) {
      throw new UnrecoverableError(`Event ${requested} has not finished: tournaments are scored on finished events only`);
    }
    const upTo = requested ?? finished.at(-1)?.id;
    if (upTo === undefined) return null;
    const filter = { leagueId: selection.leagueId, tournamentId: selection.tournamentId };
    const loaded = await loadTournaments(db(), [...selection.kinds], filter);
    const tournaments = selection.kinds.flatMap((kind) => loaded.filter((t) => t.kind === kind));
    const scores = await loadScores(db(), tournaments.flatMap((t) => t.entrants.map((e) => e.entryId)), upTo);
    return { finished, upTo, tournaments, scores };
  });
  if (!loaded) {
    ctx.log('No event has finished yet: nothing to score');
    return summary;
  }
  const { finished, upTo, tournaments, scores } = loaded;
  summary.event = upTo;
  summary.tournaments = summary.processed = tournaments.length;

  const { cache } = await leagueServices();
  await ctx.phase('integration', async () => {
    for (const [index, tournament] of tournaments.entries()) {
      ctx.signal.throwIfAborted();
      const events = eventsToScore(tournament, finished, upTo);
      const outcome = scoreTournament({
        kind: tournament.kind,
        entrants: tournament.entrants.map((e) => e.entryId),
        startEvent: tournament.startEvent,
        endEvent: tournament.endEvent,
        events,
        score: scores,
      });
      summary.missingHistories += countMissing(tournament, eventsRead(tournament, finished, upTo), scores);
      const status = outcome.finished ? 'finished' : 'active';
      const written = await db().$transaction((tx) => reconcile(tx, tournament, outcome.results, outcome.standings, status));
      summary.resultsWritten += written.results;
      summary.resultsRemoved += written.removed;
      summary.standingsWritten += written.standings;
      if (written.results + written.removed + written.standings > 0) {
        summary.changed += 1;
        await cache.invalidate([`tournament:${tournament.id}:standings`, `tournament:${tournament.id}:entries`, `tournament:${tournament.id}:results`]);
      } else summary.unchanged += 1;
      ctx.progress(((index + 1) / tournaments.length) * 100);
    }
  });
  if (summary.missingHistories > 0) ctx.log(`${summary.missingHistories} entrant scores were not stored and counted as 0 points`, { event: upTo });
  ctx.count('processed', summary.tournaments);
  ctx.count('resultsWritten', summary.resultsWritten + summary.resultsRemoved);
  ctx.count('standingsWritten', summary.standingsWritten);
  return summary;
}

function countMissing(tournament: TournamentWithEntrants, events: readonly number[], scores: (entryId: number, eventId: number) => unknown): number {
  let missing = 0;
  for (const entrant of tournament.entrants) {
    if (entrant.deleted) continue;
    for (const event of events) if (event >= entrant.startedEvent && scores(entrant.entryId, event) === undefined) missing += 1;
  }
  return missing;
}

/** Makes the stored results, standings and status of a tournament those given; returns what changed. */
async function reconcile(sql: Sql, tournament: TournamentWithEntrants, results: ResultRow[], standings: StandingRow[], status: string) {
  const resultsJson = JSON.stringify(results);
  const written = await sql.$executeRaw`
    INSERT INTO "TournamentResult" AS r (id, "tournamentId", "eventId", round, "homeEntryId", "awayEntryId", "homePoints", "awayPoints", "winnerEntryId")
    SELECT gen_random_uuid()::text, ${tournament.id}, v."eventId", v.round, v."homeEntryId", v."awayEntryId", v."homePoints", v."awayPoints", v."winnerEntryId"
    FROM jsonb_to_recordset(${resultsJson}::jsonb) AS v("eventId" int, round int, "homeEntryId" int, "awayEntryId" int, "homePoints" int, "awayPoints" int, "winnerEntryId" int)
    ON CONFLICT ("tournamentId", "eventId", "homeEntryId") DO UPDATE SET
      round = EXCLUDED.round, "awayEntryId" = EXCLUDED."awayEntryId", "homePoints" = EXCLUDED."homePoints",
      "awayPoints" = EXCLUDED."awayPoints", "winnerEntryId" = EXCLUDED."winnerEntryId"
    WHERE (r.round, r."awayEntryId", r."homePoints", r."awayPoints", r."winnerEntryId")
      IS DISTINCT FROM (EXCLUDED.round, EXCLUDED."awayEntryId", EXCLUDED."homePoints", EXCLUDED."awayPoints", EXCLUDED."winnerEntryId")`;
  const removed = await sql.$executeRaw`
    DELETE FROM "TournamentResult" r WHERE r."tournamentId" = ${tournament.id}
      AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset(${resultsJson}::jsonb) AS v("eventId" int, "homeEntryId" int)
        WHERE v."eventId" = r."eventId" AND v."homeEntryId" = r."homeEntryId")`;
  const standingsWritten = await sql.$executeRaw`
    UPDATE "TournamentStanding" s SET rank = v.rank, points = v.points, played = v.played, won = v.won, drawn = v.drawn, lost = v.lost,
      eliminated = v.eliminated, "updatedAt" = (now() AT TIME ZONE 'UTC')
    FROM jsonb_to_recordset(${JSON.stringify(standings)}::jsonb)
      AS v("entryId" int, rank int, points int, played int, won int, drawn int, lost int, eliminated boolean)
    WHERE s."tournamentId" = ${tournament.id} AND s."entryId" = v."entryId"
      AND (s.rank, s.points, s.played, s.won, s.drawn, s.lost, s.eliminated) IS DISTINCT FROM (v.rank, v.points, v.played, v.won, v.drawn, v.lost, v.eliminated)`;
  const statusWritten = await sql.$executeRaw`
    UPDATE "Tournament" SET status = ${status}, "updatedAt" = (now() AT TIME ZONE 'UTC') WHERE id = ${tournament.id} AND status IS DISTINCT FROM ${status}`;
  return { results: written, removed, standings: standingsWritten + statusWritten };
}
