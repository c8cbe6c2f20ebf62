import type {
  Entry,
  EntryEventHistory,
  Event,
  Fixture,
  League,
  LeagueStanding,
  Phase,
  Player,
  PlayerEventStats,
  Team,
} from '@/generated/prisma/client.ts';
import type {
  BootstrapStatic,
  Fixtures,
  UpstreamElement,
  UpstreamEntry,
  UpstreamEvent,
  UpstreamFixture,
  UpstreamHistoryRow,
  UpstreamLiveElement,
  UpstreamPhase,
  UpstreamStandingRow,
  UpstreamTeam,
} from './upstream-schemas.ts';

/**
 * From validated upstream payloads (lib/league/upstream-schemas.ts) to rows of the league
 * models, and the consistency check a bootstrap must pass before any of it is written.
 * Pure: no I/O, no clock (the caller passes `now`). Each row holds the model's scalar fields
 * (foreign keys as ids, never `updatedAt`), so it serves as both `create` and `update` of an
 * upsert: `db.fixture.upsert({ where: { id: row.id }, create: row, update: row })`.
 */

/** A season has 38 gameweeks, numbered 1..38, and 20 clubs. */
export const SEASON_EVENT_COUNT = 38;
export const SEASON_TEAM_COUNT = 20;

export type PhaseRow = Omit<Phase, 'updatedAt'>;
export type TeamRow = Omit<Team, 'updatedAt'>;
export type EventRow = Omit<Event, 'updatedAt'>;
export type FixtureRow = Omit<Fixture, 'updatedAt'>;
export type PlayerRow = Omit<Player, 'updatedAt'>;
export type PlayerEventStatsRow = Omit<PlayerEventStats, 'updatedAt'>;
/** What /entry/N/ tells; `tracked` and `createdAt` stay the database's. */
export type EntryRow = Omit<Entry, 'tracked' | 'createdAt' | 'updatedAt'>;
export type EntryEventHistoryRow = Omit<EntryEventHistory, 'updatedAt'>;
export type LeagueRow = Omit<League, 'updatedAt'>;
export type LeagueStandingRow = Omit<LeagueStanding, 'updatedAt'>;

const toDate = (iso: string): Date => new Date(iso);

export function toPhaseRow(phase: UpstreamPhase): PhaseRow {
  return { id: phase.id, name: phase.name, startEvent: phase.start_event, stopEvent: phase.stop_event };
}

export function toTeamRow(team: UpstreamTeam): TeamRow {
  return { id: team.id, name: team.name, shortName: team.short_name, strength: team.strength };
}

/** Live: the deadline has passed (at or before `now`) and the event is not finished. */
export function isEventLive(event: Pick<UpstreamEvent, 'deadline_time' | 'finished'>, now: Date): boolean {
  return !event.finished && toDate(event.deadline_time).getTime() <= now.getTime();
}

/** `isLive` is ours, derived at `now` (see isEventLive); the rest is the upstream's. */
export function toEventRow(event: UpstreamEvent, now: Date): EventRow {
  return {
    id: event.id,
    name: event.name,
    deadlineTime: toDate(event.deadline_time),
    isPrevious: event.is_previous,
    isCurrent: event.is_current,
    isNext: event.is_next,
    finished: event.finished,
    dataChecked: event.data_checked,
    isLive: isEventLive(event, now),
    averageEntryScore: event.average_entry_score,
    highestScore: event.highest_score,
  };
}

export function toFixtureRow(fixture: UpstreamFixture): FixtureRow {
  return {
    id: fixture.id,
    eventId: fixture.event,
    teamHId: fixture.team_h,
    teamAId: fixture.team_a,
    kickoffTime: fixture.kickoff_time === null ? null : toDate(fixture.kickoff_time),
    started: fixture.started,
    finished: fixture.finished,
    finishedProvisional: fixture.finished_provisional,
    minutes: fixture.minutes,
    teamHScore: fixture.team_h_score,
    teamAScore: fixture.team_a_score,
  };
}

/** `form` and `selected_by_percent` come as decimal strings ("4.5"). */
export function toPlayerRow(element: UpstreamElement): PlayerRow {
  return {
    id: element.id,
    webName: element.web_name,
    firstName: element.first_name,
    secondName: element.second_name,
    teamId: element.team,
    elementType: element.element_type,
    nowCost: element.now_cost,
    totalPoints: element.total_points,
    form: Number(element.form),
    selectedByPercent: Number(element.selected_by_percent),
    status: element.status,
  };
}

/** One element of /event/N/live/ as the player's stats in event `eventId`. */
export function toPlayerEventStatsRow(eventId: number, element: UpstreamLiveElement): PlayerEventStatsRow {
  const { stats } = element;
  return {
    playerId: element.id,
    eventId,
    minutes: stats.minutes,
    goalsScored: stats.goals_scored,
    assists: stats.assists,
    cleanSheets: stats.clean_sheets,
    bonus: stats.bonus,
    totalPoints: stats.total_points,
  };
}

/** An entry as fetched at `fetchedAt`: it exists (not deleted), and `lastFetchedAt` is then. */
export function toEntryRow(entry: UpstreamEntry, fetchedAt: Date): EntryRow {
  return {
    id: entry.id,
    name: entry.name,
    playerName: `${entry.player_first_name} ${entry.player_last_name}`.trim(),
    startedEvent: entry.started_event,
    summaryOverallPoints: entry.summary_overall_points,
    summaryOverallRank: entry.summary_overall_rank,
    summaryEventPoints: entry.summary_event_points,
    deleted: false,
    lastFetchedAt: fetchedAt,
  };
}

/** One row of /entry/N/history/ `current`. */
export function toEntryEventHistoryRow(entryId: number, row: UpstreamHistoryRow): EntryEventHistoryRow {
  return {
    entryId,
    eventId: row.event,
    points: row.points,
    totalPoints: row.total_points,
    rank: row.rank,
    overallRank: row.overall_rank,
    eventTransfers: row.event_transfers,
    eventTransfersCost: row.event_transfers_cost,
    value: row.value,
    bank: row.bank,
    pointsOnBench: row.points_on_bench,
  };
}

/** The `league` of a standings page; `createdAt` is when it was created upstream. */
export function toLeagueRow(league: { id: number; name: string; created: string | null }): LeagueRow {
  return { id: league.id, name: league.name, createdAt: league.created === null ? null : toDate(league.created) };
}

/**
 * One row of a standings page. The row's entry must exist as an Entry first (foreign key);
 * the row carries its `entry_name` and `player_name` but not its `started_event`.
 */
export function toLeagueStandingRow(leagueId: number, row: UpstreamStandingRow): LeagueStandingRow {
  return { leagueId, entryId: row.entry, rank: row.rank, lastRank: row.last_rank, total: row.total, eventTotal: row.event_total };
}

export type BootstrapCheck = { ok: true } | { ok: false; problems: string[] };

/** At most this many problems of one kind are listed; the rest are counted. */
const listedPerKind = 5;

/**
 * Whether a bootstrap (and, when given, the season's fixtures) is whole and consistent enough
 * to write: exactly 38 events numbered 1..38, 20 teams, no duplicate ids, every player's team,
 * every phase's start and stop events, every fixture's event and teams present. The
 * bootstrap-meta job refuses to write anything when this fails; `problems` says why.
 */
export function validateBootstrap(payload: BootstrapStatic, fixtures?: Fixtures): BootstrapCheck {
  const problems: string[] = [];
  const report = (kind: string[], total: number) => {
    problems.push(...kind.slice(0, listedPerKind));
    if (total > listedPerKind) problems.push(`…and ${total - listedPerKind} more like the above`);
  };
  const check = <T>(items: readonly T[], problemOf: (item: T) => string | null) => {
    const found = items.map(problemOf).filter((p): p is string => p !== null);
    report(found, found.length);
  };
  const duplicates = (what: string, ids: number[]) => {
    const seen = new Set<number>();
    const repeated = new Set<number>();
    for (const id of ids) (seen.has(id) ? repeated : seen).add(id);
    check([...repeated], (id) => `${what} id ${id} appears more than once`);
    return seen;
  };

  const eventIds = duplicates('event', payload.events.map((e) => e.id));
  if (payload.events.length !== SEASON_EVENT_COUNT) problems.push(`expected ${SEASON_EVENT_COUNT} events, got ${payload.events.length}`);
  const missingEvents = Array.from({ length: SEASON_EVENT_COUNT }, (_, i) => i + 1).filter((id) => !eventIds.has(id));
  if (missingEvents.length > 0) problems.push(`events missing: ${missingEvents.join(', ')}`);
  const strayEvents = [...eventIds].filter((id) => id < 1 || id > SEASON_EVENT_COUNT);
  if (strayEvents.length > 0) problems.push(`events outside 1..${SEASON_EVENT_COUNT}: ${strayEvents.join(', ')}`);

  const teamIds = duplicates('team', payload.teams.map((t) => t.id));
  if (payload.teams.length !== SEASON_TEAM_COUNT) problems.push(`expected ${SEASON_TEAM_COUNT} teams, got ${payload.teams.length}`);

  duplicates('player', payload.elements.map((e) => e.id));
  check(payload.elements, (e) => (teamIds.has(e.team) ? null : `player ${e.id} (${e.web_name}) has team ${e.team}, which is not among the teams`));

  duplicates('phase', payload.phases.map((p) => p.id));
  check(payload.phases, (p) => {
    const missing = [p.start_event, p.stop_event].filter((id) => !eventIds.has(id));
    if (missing.length > 0) return `phase ${p.id} (${p.name}) runs from event ${p.start_event} to ${p.stop_event}, but event ${missing.join(' and ')} does not exist`;
    return p.start_event > p.stop_event ? `phase ${p.id} (${p.name}) starts at event ${p.start_event}, after its stop event ${p.stop_event}` : null;
  });

  if (fixtures) {
    duplicates('fixture', fixtures.map((f) => f.id));
    check(fixtures, (f) => {
      const missingTeams = [f.team_h, f.team_a].filter((id) => !teamIds.has(id));
      if (missingTeams.length > 0) return `fixture ${f.id} has team ${missingTeams.join(' and ')}, which is not among the teams`;
      if (f.team_h === f.team_a) return `fixture ${f.id} has team ${f.team_h} on both sides`;
      return eventIds.has(f.event) ? null : `fixture ${f.id} is in event ${f.event}, which does not exist`;
    });
  }

  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
