import type { TwoLevelCache } from '../cache/two-level-cache.ts';
import { db } from '../db.ts';
import type { StandingRow } from './tournament-rules.ts';

/**
 * What the League pages show, read through the two-level cache under the keys the jobs
 * invalidate when they change the data (`event:current`, `live:event:{id}`, …). Values are
 * plain JSON (dates as ISO strings), the same from the local copy, Redis or the database.
 */
export interface GameweekDto {
  id: number;
  name: string;
  deadlineTime: string;
  isCurrent: boolean;
  isNext: boolean;
  isLive: boolean;
  finished: boolean;
  averageEntryScore: number | null;
  highestScore: number | null;
}

export interface FixtureDto {
  id: number;
  kickoffTime: string | null;
  home: string;
  away: string;
  homeScore: number | null;
  awayScore: number | null;
  minutes: number;
  started: boolean;
  finished: boolean;
}

export interface StandingDto {
  rank: number;
  lastRank: number;
  entryId: number;
  entryName: string;
  playerName: string;
  total: number;
  eventTotal: number;
}

export interface TournamentSummaryDto {
  id: string;
  name: string;
  kind: string;
  leagueId: number;
  startEvent: number;
  endEvent: number;
  status: string;
}

export const standingsPageSize = 50;

const gameweekDto = (event: { id: number; name: string; deadlineTime: Date; isCurrent: boolean; isNext: boolean; isLive: boolean; finished: boolean; averageEntryScore: number | null; highestScore: number | null }): GameweekDto => ({
  id: event.id,
  name: event.name,
  deadlineTime: event.deadlineTime.toISOString(),
  isCurrent: event.isCurrent,
  isNext: event.isNext,
  isLive: event.isLive,
  finished: event.finished,
  averageEntryScore: event.averageEntryScore,
  highestScore: event.highestScore,
});

/** The gameweek to show: the live one, else the current, else the next; null before any data. */
export function currentGameweek(cache: TwoLevelCache): Promise<GameweekDto | null> {
  return cache.getOrLoad('event:current', async () => {
    const event =
      (await db().event.findFirst({ where: { isLive: true }, orderBy: { id: 'desc' } })) ??
      (await db().event.findFirst({ where: { isCurrent: true } })) ??
      (await db().event.findFirst({ where: { isNext: true } })) ??
      (await db().event.findFirst({ orderBy: { id: 'asc' } }));
    return event ? gameweekDto(event) : null;
  });
}

/** A gameweek's fixtures with team names and scores (live while matches are in play). */
export function gameweekFixtures(cache: TwoLevelCache, eventId: number): Promise<FixtureDto[]> {
  return cache.getOrLoad(`live:event:${eventId}`, async () => {
    const fixtures = await db().fixture.findMany({ where: { eventId }, orderBy: [{ kickoffTime: 'asc' }, { id: 'asc' }], include: { teamH: true, teamA: true } });
    return fixtures.map((fixture) => ({
      id: fixture.id,
      kickoffTime: fixture.kickoffTime?.toISOString() ?? null,
      home: fixture.teamH.name,
      away: fixture.teamA.name,
      homeScore: fixture.teamHScore,
      awayScore: fixture.teamAScore,
      minutes: fixture.minutes,
      started: fixture.started,
      finished: fixture.finished || fixture.finishedProvisional,
    }));
  });
}

/** Leagues with their member counts. */
export function leagueList(cache: TwoLevelCache): Promise<{ id: number; name: string; members: number }[]> {
  return cache.getOrLoad('league:list', async () => {
    const leagues = await db().league.findMany({ orderBy: { id: 'asc' }, include: { _count: { select: { standings: true } } } });
    return leagues.map((league) => ({ id: league.id, name: league.name, members: league._count.standings }));
  });
}

/** One page of a league's standings. */
export function leagueStandings(cache: TwoLevelCache, leagueId: number, page: number): Promise<{ league: { id: number; name: string } | null; rows: StandingDto[]; hasNext: boolean }> {
  return cache.getOrLoad(`league:${leagueId}:standings:${page}`, async () => {
    const league = await db().league.findUnique({ where: { id: leagueId }, select: { id: true, name: true } });
    const rows = await db().leagueStanding.findMany({
      where: { leagueId },
      orderBy: [{ rank: 'asc' }, { entryId: 'asc' }],
      skip: (page - 1) * standingsPageSize,
      take: standingsPageSize + 1,
      include: { entry: { select: { name: true, playerName: true } } },
    });
    return {
      league,
      hasNext: rows.length > standingsPageSize,
      rows: rows.slice(0, standingsPageSize).map((row) => ({ rank: row.rank, lastRank: row.lastRank, entryId: row.entryId, entryName: row.entry.name, playerName: row.entry.playerName, total: row.total, eventTotal: row.eventTotal })),
    };
  });
}

/** The tournaments played in a league. */
export function leagueTournaments(cache: TwoLevelCache, leagueId: number): Promise<TournamentSummaryDto[]> {
  return cache.getOrLoad(`tournament:league:${leagueId}`, async () =>
    (await db().tournament.findMany({ where: { leagueId }, orderBy: { kind: 'asc' } })).map((tournament) => ({
      id: tournament.id,
      name: tournament.name,
      kind: tournament.kind,
      leagueId: tournament.leagueId,
      startEvent: tournament.startEvent,
      endEvent: tournament.endEvent,
      status: tournament.status,
    })),
  );
}

/** A tournament standing as the jobs write it (see tournament-rules), with the entry's name. */
export interface TournamentStandingDto extends StandingRow {
  entryName: string;
}

/** A tournament's standings and its latest results. */
export function tournamentStandings(cache: TwoLevelCache, tournamentId: string): Promise<{ tournament: TournamentSummaryDto | null; rows: TournamentStandingDto[]; results: { eventId: number; round: number; home: string; away: string | null; homePoints: number | null; awayPoints: number | null; winner: string | null }[] }> {
  return cache.getOrLoad(`tournament:${tournamentId}:standings`, async () => {
    const tournament = await db().tournament.findUnique({ where: { id: tournamentId } });
    if (!tournament) return { tournament: null, rows: [], results: [] };
    const [rows, results] = await Promise.all([
      db().tournamentStanding.findMany({ where: { tournamentId }, orderBy: [{ rank: 'asc' }, { entryId: 'asc' }], take: 200, include: { entry: { select: { name: true } } } }),
      db().tournamentResult.findMany({ where: { tournamentId }, orderBy: [{ eventId: 'desc' }, { round: 'desc' }], take: 40, include: { homeEntry: { select: { name: true } }, awayEntry: { select: { name: true } }, winnerEntry: { select: { name: true } } } }),
    ]);
    return {
      tournament: { id: tournament.id, name: tournament.name, kind: tournament.kind, leagueId: tournament.leagueId, startEvent: tournament.startEvent, endEvent: tournament.endEvent, status: tournament.status },
      rows: rows.map((row) => ({ rank: row.rank, entryId: row.entryId, entryName: row.entry.name, points: row.points, played: row.played, won: row.won, drawn: row.drawn, lost: row.lost, eliminated: row.eliminated })),
      results: results.map((result) => ({
        eventId: result.eventId,
        round: result.round,
        home: result.homeEntry.name,
        away: result.awayEntry?.name ?? null,
        homePoints: result.homePoints,
        awayPoints: result.awayPoints,
        winner: result.winnerEntry?.name ?? null,
      })),
    };
  });
}

/** The players with the most points. */
export function topPlayers(cache: TwoLevelCache): Promise<{ id: number; name: string; team: string; points: number; cost: number }[]> {
  return cache.getOrLoad('player:top', async () =>
    (await db().player.findMany({ orderBy: [{ totalPoints: 'desc' }, { id: 'asc' }], take: 10, include: { team: { select: { shortName: true } } } })).map((player) => ({
      id: player.id,
      name: player.webName,
      team: player.team.shortName,
      points: player.totalPoints,
      cost: player.nowCost / 10,
    })),
  );
}

/** Loads the keys every League page reads first, so the first visitor after a start is served from the cache. */
export async function warmLeagueCache(cache: TwoLevelCache): Promise<number> {
  const gameweek = await currentGameweek(cache);
  const loads = await Promise.allSettled([leagueList(cache), topPlayers(cache), ...(gameweek ? [gameweekFixtures(cache, gameweek.id)] : [])]);
  return 1 + loads.filter((load) => load.status === 'fulfilled').length;
}
