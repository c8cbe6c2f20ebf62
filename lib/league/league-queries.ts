import type { TwoLevelCache } from '../cache/two-level-cache.ts';
import { db } from '../db.ts';
import type { Event, Fixture, Phase, Team } from '@/generated/prisma/client.ts';
import type { StandingRow } from './tournament-rules.ts';

/**
 * What the League pages show, read through the two-level cache under the keys the jobs write
 * (write-through) or invalidate when they change the data. Values are plain JSON (dates as ISO
 * strings), the same from the local copy, Redis or the database; the jobs build theirs with the
 * same functions (`matchValue`, `gameweekValue`, `currentGameweekId`), so a value written
 * through is the one a page would have loaded.
 *
 * Keys (family first, see lib/cache/cache-families.ts):
 * - `event:current` → the id of the gameweek to show; `event:{id}:status` → that gameweek
 * - `live:event:{id}` → the gameweek's fixture ids in kick-off order; `live:match:{id}` → one match
 * - `meta:teams` → club names by id; `meta:phases` → the months of the season
 * - `player:top` → the ids of the ten best players; `player:{id}` → one player
 * - `league:list`, `league:{id}:standings:{page}`
 * - `tournament:league:{id}`, `tournament:{id}:standings` (view tournament_standings),
 *   `tournament:{id}:entries`, `tournament:{id}:results`
 * - `analytics:event:{id}:stats` (view league_event_stats)
 * - `history:season:league:{id}` (materialized view "EntrySeasonStats", refreshed hourly)
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

/** One match as `live:match:{id}` holds it: team ids, not names (those are `meta:teams`). */
export interface MatchDto {
  id: number;
  eventId: number;
  kickoffTime: string | null;
  teamHId: number;
  teamAId: number;
  homeScore: number | null;
  awayScore: number | null;
  minutes: number;
  started: boolean;
  finished: boolean;
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

export interface PlayerDto {
  id: number;
  name: string;
  team: string;
  points: number;
  cost: number;
}

export interface PhaseDto {
  id: number;
  name: string;
  startEvent: number;
  stopEvent: number;
}

/** A row of the real-time view league_event_stats. */
export interface EventStatsDto {
  eventId: number;
  fixtures: number;
  fixturesStarted: number;
  fixturesFinished: number;
  goals: number;
  playersPlayed: number;
  topPlayerPoints: number | null;
}

/** An entry's season so far, from the hourly materialized view "EntrySeasonStats". */
export interface SeasonStatsDto {
  entryId: number;
  entryName: string;
  events: number;
  points: number;
  bestEvent: number;
  averagePoints: number;
  bestOverallRank: number | null;
}

export interface TournamentEntrantsDto {
  entries: number;
  /** Not eliminated (all of them in a points or battle race). */
  stillIn: number;
}

export interface TournamentResultDto {
  eventId: number;
  round: number;
  home: string;
  away: string | null;
  homePoints: number | null;
  awayPoints: number | null;
  winner: string | null;
}

export const standingsPageSize = 50;

type EventValues = Omit<Event, 'updatedAt'>;
type FixtureValues = Omit<Fixture, 'updatedAt'>;

/** `event:{id}:status`, from a stored row or a row a job just wrote. */
export const gameweekValue = (event: EventValues): GameweekDto => ({
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

/** `live:match:{id}`, from a stored row or a row a job just wrote. */
export const matchValue = (fixture: FixtureValues): MatchDto => ({
  id: fixture.id,
  eventId: fixture.eventId,
  kickoffTime: fixture.kickoffTime?.toISOString() ?? null,
  teamHId: fixture.teamHId,
  teamAId: fixture.teamAId,
  homeScore: fixture.teamHScore,
  awayScore: fixture.teamAScore,
  minutes: fixture.minutes,
  started: fixture.started,
  finished: fixture.finished || fixture.finishedProvisional,
});

/** `live:event:{id}`: the fixture ids in the order the Scores panel lists them. */
export const fixtureOrder = (fixtures: readonly FixtureValues[]): number[] =>
  [...fixtures].sort((a, b) => (a.kickoffTime?.getTime() ?? Infinity) - (b.kickoffTime?.getTime() ?? Infinity) || a.id - b.id).map((fixture) => fixture.id);

/** `event:current`: the live gameweek, else the current, else the next, else the first; null before any data. */
export function currentGameweekId(events: readonly Pick<EventValues, 'id' | 'isLive' | 'isCurrent' | 'isNext'>[]): number | null {
  const byId = [...events].sort((a, b) => a.id - b.id);
  return (byId.filter((event) => event.isLive).at(-1) ?? byId.find((event) => event.isCurrent) ?? byId.find((event) => event.isNext) ?? byId[0])?.id ?? null;
}

/** The gameweek to show: the live one, else the current, else the next; null before any data. */
export async function currentGameweek(cache: TwoLevelCache): Promise<GameweekDto | null> {
  const id = await cache.getOrLoad('event:current', async () => currentGameweekId(await db().event.findMany({ select: { id: true, isLive: true, isCurrent: true, isNext: true } })));
  return id === null ? null : gameweekStatus(cache, id);
}

/** One gameweek's status (deadline, live, finished, scores); null when there is no such gameweek. */
export function gameweekStatus(cache: TwoLevelCache, eventId: number): Promise<GameweekDto | null> {
  return cache.getOrLoad(`event:${eventId}:status`, async () => {
    const event = await db().event.findUnique({ where: { id: eventId } });
    return event ? gameweekValue(event) : null;
  });
}

/** The phase (month) a gameweek belongs to, besides the whole season (phase 1); null when none. */
export async function gameweekPhase(cache: TwoLevelCache, eventId: number): Promise<PhaseDto | null> {
  const phases = await cache.getOrLoad('meta:phases', async () =>
    (await db().phase.findMany({ orderBy: { id: 'asc' } })).map((phase: Omit<Phase, 'updatedAt'>) => ({ id: phase.id, name: phase.name, startEvent: phase.startEvent, stopEvent: phase.stopEvent })),
  );
  return phases.filter((phase) => phase.startEvent <= eventId && eventId <= phase.stopEvent).sort((a, b) => b.startEvent - a.startEvent || b.id - a.id)[0] ?? null;
}

/** Club names by id. */
export function teamNames(cache: TwoLevelCache): Promise<Record<string, { name: string; shortName: string }>> {
  return cache.getOrLoad('meta:teams', async () =>
    Object.fromEntries((await db().team.findMany({ orderBy: { id: 'asc' } })).map((team: Omit<Team, 'updatedAt'>) => [String(team.id), { name: team.name, shortName: team.shortName }])),
  );
}

/** The matches of `fixtureIds`, each from `live:match:{id}` (the ones not cached in one query). */
export async function matches(cache: TwoLevelCache, fixtureIds: readonly number[]): Promise<MatchDto[]> {
  const values = await cache.getOrLoadMany<MatchDto>(
    fixtureIds.map((id) => `live:match:${id}`),
    async (missing) => {
      const ids = missing.map((key) => Number(key.slice('live:match:'.length)));
      return new Map((await db().fixture.findMany({ where: { id: { in: ids } } })).map((fixture) => [`live:match:${fixture.id}`, matchValue(fixture)]));
    },
  );
  return values.filter((value): value is MatchDto => value !== undefined);
}

/** A gameweek's fixtures with team names and scores (live while matches are in play). */
export async function gameweekFixtures(cache: TwoLevelCache, eventId: number): Promise<FixtureDto[]> {
  const ids = await cache.getOrLoad(`live:event:${eventId}`, async () => fixtureOrder(await db().fixture.findMany({ where: { eventId } })));
  const [games, teams] = await Promise.all([matches(cache, ids), teamNames(cache)]);
  const name = (id: number) => teams[String(id)]?.name ?? `team ${id}`;
  return games.map((game) => ({
    id: game.id,
    kickoffTime: game.kickoffTime,
    home: name(game.teamHId),
    away: name(game.teamAId),
    homeScore: game.homeScore,
    awayScore: game.awayScore,
    minutes: game.minutes,
    started: game.started,
    finished: game.finished,
  }));
}

/** The gameweek's numbers from the real-time view league_event_stats. */
export function gameweekStats(cache: TwoLevelCache, eventId: number): Promise<EventStatsDto | null> {
  return cache.getOrLoad(`analytics:event:${eventId}:stats`, async () => {
    const [row] = await db().$queryRaw<EventStatsDto[]>`
      SELECT "eventId", fixtures, "fixturesStarted", "fixturesFinished", goals, "playersPlayed", "topPlayerPoints"
      FROM league_event_stats WHERE "eventId" = ${eventId}`;
    return row ?? null;
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

/**
 * The league's best seasons so far, from the materialized view "EntrySeasonStats" (as of its
 * last hourly refresh by historical-stats-refresh, which drops these keys).
 */
export function leagueSeasonStats(cache: TwoLevelCache, leagueId: number, limit = 10): Promise<SeasonStatsDto[]> {
  return cache.getOrLoad(`history:season:league:${leagueId}:top:${limit}`, () =>
    db().$queryRaw<SeasonStatsDto[]>`
      SELECT s."entryId", e.name AS "entryName", s.events::int AS events, s.points::int AS points, s."bestEvent",
             s."averagePoints"::float8 AS "averagePoints", s."bestOverallRank"
      FROM "EntrySeasonStats" s
      JOIN "LeagueStanding" l ON l."entryId" = s."entryId" AND l."leagueId" = ${leagueId}
      JOIN "Entry" e ON e.id = s."entryId"
      ORDER BY s.points DESC, s."entryId" ASC
      LIMIT ${limit}`,
  );
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
  /** Ties won of ties played, in percent; null before any. */
  winPercent: number | null;
}

/** A tournament's summary and standings (from the real-time view tournament_standings); null tournament when there is none. */
export function tournamentStandings(cache: TwoLevelCache, tournamentId: string): Promise<{ tournament: TournamentSummaryDto | null; rows: TournamentStandingDto[] }> {
  return cache.getOrLoad(`tournament:${tournamentId}:standings`, async () => {
    const tournament = await db().tournament.findUnique({ where: { id: tournamentId } });
    if (!tournament) return { tournament: null, rows: [] };
    const rows = await db().$queryRaw<TournamentStandingDto[]>`
      SELECT "entryId", "entryName", rank, points, played, won, drawn, lost, eliminated, "winPercent"
      FROM tournament_standings WHERE "tournamentId" = ${tournamentId}
      ORDER BY rank ASC, "entryId" ASC LIMIT 200`;
    return {
      tournament: { id: tournament.id, name: tournament.name, kind: tournament.kind, leagueId: tournament.leagueId, startEvent: tournament.startEvent, endEvent: tournament.endEvent, status: tournament.status },
      rows,
    };
  });
}

/** How many entries a tournament has, and how many are still in. */
export function tournamentEntrants(cache: TwoLevelCache, tournamentId: string): Promise<TournamentEntrantsDto> {
  return cache.getOrLoad(`tournament:${tournamentId}:entries`, async () => {
    const [row] = await db().$queryRaw<TournamentEntrantsDto[]>`
      SELECT count(*)::int AS entries, (count(*) FILTER (WHERE NOT eliminated))::int AS "stillIn"
      FROM "TournamentStanding" WHERE "tournamentId" = ${tournamentId}`;
    return row ?? { entries: 0, stillIn: 0 };
  });
}

/** A tournament's latest results. */
export function tournamentResults(cache: TwoLevelCache, tournamentId: string, limit = 40): Promise<TournamentResultDto[]> {
  return cache.getOrLoad(`tournament:${tournamentId}:results`, async () =>
    (
      await db().tournamentResult.findMany({
        where: { tournamentId },
        orderBy: [{ eventId: 'desc' }, { round: 'desc' }, { homeEntryId: 'asc' }],
        take: limit,
        include: { homeEntry: { select: { name: true } }, awayEntry: { select: { name: true } }, winnerEntry: { select: { name: true } } },
      })
    ).map((result) => ({
      eventId: result.eventId,
      round: result.round,
      home: result.homeEntry.name,
      away: result.awayEntry?.name ?? null,
      homePoints: result.homePoints,
      awayPoints: result.awayPoints,
      winner: result.winnerEntry?.name ?? null,
    })),
  );
}

/** The players with the most points: the ranking in `player:top`, each player from `player:{id}`. */
export async function topPlayers(cache: TwoLevelCache): Promise<PlayerDto[]> {
  const ids = await cache.getOrLoad('player:top', async () =>
    (await db().player.findMany({ orderBy: [{ totalPoints: 'desc' }, { id: 'asc' }], take: 10, select: { id: true } })).map((player) => player.id),
  );
  const players = await cache.getOrLoadMany<PlayerDto>(
    ids.map((id) => `player:${id}`),
    async (missing) => {
      const wanted = missing.map((key) => Number(key.slice('player:'.length)));
      const rows = await db().player.findMany({ where: { id: { in: wanted } }, include: { team: { select: { shortName: true } } } });
      return new Map(rows.map((player) => [`player:${player.id}`, { id: player.id, name: player.webName, team: player.team.shortName, points: player.totalPoints, cost: player.nowCost / 10 }]));
    },
  );
  return players.filter((player): player is PlayerDto => player !== undefined);
}

/**
 * Loads the keys the League page reads first, so its first visitor is served from the cache:
 * at a worker's start, and when a gameweek goes live (its deadline passed, before the first
 * kick-off: `warmGameweek`). Returns how many reads it made.
 */
export async function warmLeagueCache(cache: TwoLevelCache): Promise<number> {
  const gameweek = await currentGameweek(cache);
  const loads = await Promise.allSettled([leagueList(cache), topPlayers(cache), ...(gameweek ? [warmGameweek(cache, gameweek.id)] : [])]);
  return 1 + loads.filter((load) => load.status === 'fulfilled').length;
}

/**
 * Writes a gameweek's status, fixture order, every match, the club names and its stats into the
 * cache from the database (write-through, not read-through: a value already cached is replaced),
 * so the first reads after kick-off are hits. Returns how many keys it wrote.
 */
export async function warmGameweek(cache: TwoLevelCache, eventId: number): Promise<number> {
  const [event, fixtures] = await Promise.all([db().event.findUnique({ where: { id: eventId } }), db().fixture.findMany({ where: { eventId } })]);
  if (!event) return 0;
  const entries: { key: string; load: () => Promise<unknown> }[] = [
    { key: `event:${eventId}:status`, load: async () => gameweekValue(event) },
    { key: `live:event:${eventId}`, load: async () => fixtureOrder(fixtures) },
    ...fixtures.map((fixture) => ({ key: `live:match:${fixture.id}`, load: async () => matchValue(fixture) })),
  ];
  const written = await cache.warm(entries);
  await Promise.all([teamNames(cache), gameweekStats(cache, eventId), gameweekPhase(cache, eventId)]);
  return written;
}

/** For the bench: one read of the League page's gameweek through the cache. */
export async function readGameweekForBench(cache: TwoLevelCache): Promise<number> {
  const gameweek = await currentGameweek(cache);
  return gameweek ? (await gameweekFixtures(cache, gameweek.id)).length : 0;
}


