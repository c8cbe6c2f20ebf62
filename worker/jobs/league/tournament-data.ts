import type { Db } from '@/lib/db.ts';
import { seedingEvents, type EventScore, type ScoreLookup, type TournamentKind } from '@/lib/league/tournament-rules.ts';

/**
 * What the tournament jobs and tournament-event-data read from the database: the
 * tournaments with their entrants, the finished events, the stored scores, and which
 * entrants' histories are not stored (final) yet.
 *
 * A stored history row is final when it was written after its event last changed: a row
 * fetched while the event was live holds provisional points, and the event's row changes when
 * it finishes (and again when its data is checked), so such a row counts as missing until
 * fetched again.
 */

export interface Entrant {
  entryId: number;
  startedEvent: number;
  deleted: boolean;
}

export interface TournamentWithEntrants {
  id: string;
  name: string;
  leagueId: number;
  kind: TournamentKind;
  startEvent: number;
  endEvent: number;
  status: string;
  entrants: Entrant[];
}

export interface FinishedEvent {
  id: number;
  updatedAt: Date;
}

/** Which tournaments to load beside their kind: one league's, or one tournament. Default: all. */
export interface TournamentFilter {
  leagueId?: number;
  tournamentId?: string;
}

/** Tournaments (of `kinds`, default all; of `filter`, default any) with their entrants, in a stable order. */
export async function loadTournaments(db: Db, kinds?: TournamentKind[], filter: TournamentFilter = {}): Promise<TournamentWithEntrants[]> {
  const rows = await db.tournament.findMany({
    where: {
      ...(kinds ? { kind: { in: kinds } } : {}),
      ...(filter.leagueId !== undefined ? { leagueId: filter.leagueId } : {}),
      ...(filter.tournamentId !== undefined ? { id: filter.tournamentId } : {}),
    },
    orderBy: [{ leagueId: 'asc' }, { kind: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
    include: { standings: { select: { entryId: true, entry: { select: { startedEvent: true, deleted: true } } }, orderBy: { entryId: 'asc' } } },
  });
  return rows.map(({ standings, ...tournament }) => ({
    ...tournament,
    entrants: standings.map((s) => ({ entryId: s.entryId, startedEvent: s.entry.startedEvent, deleted: s.entry.deleted })),
  }));
}

/** Finished events, earliest first. */
export function loadFinishedEvents(db: Db): Promise<FinishedEvent[]> {
  return db.event.findMany({ where: { finished: true }, select: { id: true, updatedAt: true }, orderBy: { id: 'asc' } });
}

/** The finished events a tournament scores when scored up to `upTo`. */
export function eventsToScore(tournament: Pick<TournamentWithEntrants, 'startEvent' | 'endEvent'>, finished: readonly FinishedEvent[], upTo: number): number[] {
  return finished.map((event) => event.id).filter((id) => id >= tournament.startEvent && id <= Math.min(tournament.endEvent, upTo));
}

/** The finished events whose scores a tournament reads when scored up to `upTo`: its seeding events and the events it scores. */
export function eventsRead(tournament: Pick<TournamentWithEntrants, 'kind' | 'startEvent' | 'endEvent'>, finished: readonly FinishedEvent[], upTo: number): number[] {
  const done = new Set(finished.map((event) => event.id));
  const seeding = seedingEvents(tournament.kind, tournament.startEvent).filter((id) => done.has(id) && id <= upTo);
  return [...seeding, ...eventsToScore(tournament, finished, upTo)];
}

/** The stored scores of `entryIds` up to event `upTo`, as the rules read them. */
export async function loadScores(db: Db, entryIds: readonly number[], upTo: number): Promise<ScoreLookup> {
  const rows = await db.entryEventHistory.findMany({
    where: { entryId: { in: [...new Set(entryIds)] }, eventId: { lte: upTo } },
    select: { entryId: true, eventId: true, points: true, totalPoints: true, overallRank: true },
  });
  const scores = new Map<string, EventScore>(rows.map((row) => [`${row.entryId}:${row.eventId}`, { points: row.points, totalPoints: row.totalPoints, overallRank: row.overallRank }]));
  return (entryId, eventId) => scores.get(`${entryId}:${eventId}`);
}

/** Entrants whose score in some of `events` should exist (they had started, they are not deleted). */
export interface HistoryNeed {
  entrants: readonly Entrant[];
  events: readonly number[];
}

/**
 * Which entries lack a final history row for an event they played among `needs`: entry id →
 * the events, earliest first. Events must be among `finished`.
 */
export async function missingHistories(db: Db, needs: readonly HistoryNeed[], finished: readonly FinishedEvent[]): Promise<Map<number, number[]>> {
  const wanted = new Map<number, Set<number>>();
  for (const need of needs) {
    for (const entrant of need.entrants) {
      if (entrant.deleted) continue;
      for (const event of need.events) {
        if (event < entrant.startedEvent) continue;
        let events = wanted.get(entrant.entryId);
        if (!events) wanted.set(entrant.entryId, (events = new Set()));
        events.add(event);
      }
    }
  }
  if (wanted.size === 0) return new Map();
  const allEvents = [...new Set([...wanted.values()].flatMap((events) => [...events]))];
  const stored = await db.entryEventHistory.findMany({
    where: { entryId: { in: [...wanted.keys()] }, eventId: { in: allEvents } },
    select: { entryId: true, eventId: true, updatedAt: true },
  });
  const changedAt = new Map(finished.map((event) => [event.id, event.updatedAt.getTime()]));
  const final = new Set(stored.filter((row) => row.updatedAt.getTime() >= (changedAt.get(row.eventId) ?? 0)).map((row) => `${row.entryId}:${row.eventId}`));
  const missing = new Map<number, number[]>();
  for (const [entryId, events] of [...wanted].sort(([a], [b]) => a - b)) {
    const lacking = [...events].filter((event) => !final.has(`${entryId}:${event}`)).sort((a, b) => a - b);
    if (lacking.length > 0) missing.set(entryId, lacking);
  }
  return missing;
}
