import { Prisma } from '@/lib/db.ts';
import {
  toLeagueRow,
  toLeagueStandingRow,
  type EntryEventHistoryRow,
  type EntryRow,
  type LeagueRow,
  type LeagueStandingRow,
} from '@/lib/league/league-data.ts';
import type { UpstreamStandingRow } from '@/lib/league/upstream-schemas.ts';
import { upsertChanged, type UpsertOutcome, type UpsertSpec } from './upsert-changed.ts';
import type { ItemRequests } from './upstream-requests.ts';

/**
 * The one writer of the league's entry tables (Entry, EntryEventHistory, League,
 * LeagueStanding) for every job that fetches them: entry-updates and tournament-event-data
 * (standings-sync.ts), tracked-entry-updater and entry-analyzer (through entry-writes.ts, one entry
 * at a time) and picks-processing. Each write takes the caller's transaction
 * (or the client) and a list of rows, one entry being a list of one; it writes a row only
 * when a value differs (upsert-changed.ts, `IS DISTINCT FROM`), so `updatedAt` moves only on
 * a change, and tells what it created, updated and left unchanged.
 */

/** What the statements need: a transaction or the client. */
export type Sql = Pick<Prisma.TransactionClient, '$executeRaw' | '$queryRaw'>;

export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** What a write did to its one row. */
export type WriteOutcome = 'created' | 'updated' | 'unchanged';

export const countsOf = (outcome: UpsertOutcome<unknown>): WriteCounts => ({
  created: outcome.created.length,
  updated: outcome.updated.length,
  unchanged: outcome.unchanged,
});

/** The outcome of a write of one row. */
export const outcomeOf = (counts: WriteCounts): WriteOutcome => (counts.created > 0 ? 'created' : counts.updated > 0 ? 'updated' : 'unchanged');

const json = (value: unknown) => JSON.stringify(value);
const utcNow = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

/**
 * Entry.startedEvent of an entry we have only seen in a league's standings (the page does not
 * tell it): unknown until entry/N or its history is fetched. Readers take it so: the analyzer
 * scores from the first stored event instead, and no event is before it, so the tournament
 * jobs want every event's history of such an entrant (which then tells the real one).
 */
const unknownStartedEvent = 0;

// ---------------------------------------------------------------- Entry

/** An entry as written: what entry/N tells, and `tracked` when the write marks it followed. */
type EntryWrite = EntryRow & { tracked?: boolean };

/** A fetch time or being followed is no change of the entry (see upsertEntries). */
const entrySpec: UpsertSpec<EntryWrite> = { table: 'Entry', key: ['id'], ignoreForChange: ['lastFetchedAt', 'tracked'] };

export interface EntryWriteOptions {
  /**
   * Record the fetch (`lastFetchedAt`) also of entries otherwise unchanged, for jobs that take
   * the least recently fetched first. Without it an unchanged entry is not rewritten at all.
   */
  recordFetch?: boolean;
  /** Mark the entries tracked (followed in detail from now on); no change by itself either. */
  track?: boolean;
}

/**
 * Writes entries as fetched from /entry/N/ (no longer deleted). Created and updated are the
 * rows where something beside `lastFetchedAt` and `tracked` differed.
 */
export async function upsertEntries(sql: Sql, rows: readonly EntryRow[], options: EntryWriteOptions = {}): Promise<UpsertOutcome<EntryRow>> {
  const written: EntryWrite[] = options.track ? rows.map((row) => ({ ...row, tracked: true })) : [...rows];
  const outcome = await upsertChanged(sql, entrySpec, written);
  const changed = new Set([...outcome.created, ...outcome.updated].map((row) => row.id));
  const unchanged = written.filter((row) => !changed.has(row.id));
  if (unchanged.length > 0 && (options.recordFetch || options.track)) {
    const values = unchanged.map((row) => ({ id: row.id, lastFetchedAt: options.recordFetch ? row.lastFetchedAt : null, tracked: options.track ?? false }));
    await sql.$executeRaw`
      UPDATE "Entry" e SET "lastFetchedAt" = COALESCE(v."lastFetchedAt", e."lastFetchedAt"), tracked = e.tracked OR v.tracked, "updatedAt" = ${utcNow}
      FROM jsonb_to_recordset(${json(values)}::jsonb) AS v(id int, "lastFetchedAt" timestamp(3), tracked boolean)
      WHERE e.id = v.id`;
  }
  return outcome;
}

/**
 * Marks entries the upstream answers 404 for as deleted, with `fetchedAt` as their
 * `lastFetchedAt` when given; returns the ids that were not marked yet.
 */
export async function markEntriesDeleted(sql: Sql, ids: readonly number[], fetchedAt?: Date): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await sql.$queryRaw<{ id: number }[]>`
    UPDATE "Entry" SET deleted = true, "updatedAt" = ${utcNow}
      ${fetchedAt ? Prisma.sql`, "lastFetchedAt" = ${fetchedAt.toISOString()}::timestamp` : Prisma.empty}
    WHERE id IN (SELECT value::int FROM jsonb_array_elements_text(${json(ids)}::jsonb)) AND NOT deleted
    RETURNING id`;
  return rows.map((row) => row.id);
}

/**
 * Sets entries' startedEvent as learnt from their history: the first event it has, or, for
 * an empty history, at least `notBefore` (the entry has not played any event so far; an
 * unknown startedEvent, 0, becomes `notBefore`).
 */
export async function updateStartedEvents(sql: Sql, started: { id: number; startedEvent: number | null }[], notBefore: number): Promise<number> {
  if (started.length === 0) return 0;
  return sql.$executeRaw`
    UPDATE "Entry" e SET "startedEvent" = COALESCE(v."startedEvent", GREATEST(e."startedEvent", ${notBefore}::int)), "updatedAt" = ${utcNow}
    FROM jsonb_to_recordset(${json(started)}::jsonb) AS v(id int, "startedEvent" int)
    WHERE e.id = v.id AND e."startedEvent" IS DISTINCT FROM COALESCE(v."startedEvent", GREATEST(e."startedEvent", ${notBefore}::int))`;
}

// ---------------------------------------------------------------- EntryEventHistory

const historySpec: UpsertSpec<EntryEventHistoryRow> = { table: 'EntryEventHistory', key: ['entryId', 'eventId'] };
const finalHistorySpec: UpsertSpec<EntryEventHistoryRow> = {
  ...historySpec,
  rewriteWhen: Prisma.sql`"EntryEventHistory"."updatedAt" < (SELECT ev."updatedAt" FROM "Event" ev WHERE ev.id = EXCLUDED."eventId" AND ev.finished)`,
};

export interface HistoryWriteOptions {
  /**
   * Also rewrite a row that is the same but was written before its event finished or was
   * checked (the event's row changed since): its `updatedAt` then says it holds the final
   * numbers, which tournament-data.ts tells a provisional row from a final one by.
   */
  markFinal?: boolean;
}

export interface HistoryWrite extends UpsertOutcome<EntryEventHistoryRow> {
  /** Rows left out: their event is not in the Event table yet (bootstrap-meta stores it). */
  unknownEvents: number;
}

/** Writes event history rows of the events the Event table holds (history rows reference them); the others are left out and counted. */
export async function upsertEntryHistories(sql: Sql, rows: readonly EntryEventHistoryRow[], options: HistoryWriteOptions = {}): Promise<HistoryWrite> {
  if (rows.length === 0) return { created: [], updated: [], unchanged: 0, unknownEvents: 0 };
  const eventIds = [...new Set(rows.map((row) => row.eventId))];
  const stored = await sql.$queryRaw<{ id: number }[]>`SELECT id FROM "Event" WHERE id IN (SELECT value::int FROM jsonb_array_elements_text(${json(eventIds)}::jsonb))`;
  const known = new Set(stored.map((event) => event.id));
  const written = rows.filter((row) => known.has(row.eventId));
  return { ...(await upsertChanged(sql, options.markFinal ? finalHistorySpec : historySpec, written)), unknownEvents: rows.length - written.length };
}

// ---------------------------------------------------------------- League, LeagueStanding

const leagueSpec: UpsertSpec<LeagueRow> = { table: 'League', key: ['id'] };
const standingSpec: UpsertSpec<LeagueStandingRow> = { table: 'LeagueStanding', key: ['leagueId', 'entryId'] };

/** A league's standings as read: every row of the pages read, and whether they were all of it. */
export interface FetchedStandings {
  league: LeagueRow;
  rows: LeagueStandingRow[];
  /** Names of the entries in the rows, for entries not stored yet. */
  entries: { id: number; name: string; playerName: string; total: number; eventTotal: number }[];
  /** False when the league may have rows beyond these: rows missing from these are then kept. */
  complete: boolean;
}

/** The standings of `league` from the rows of its pages read. */
export function standingsOf(league: LeagueRow, results: readonly UpstreamStandingRow[], complete: boolean): FetchedStandings {
  return {
    league,
    rows: results.map((row) => toLeagueStandingRow(league.id, row)),
    entries: results.map((row) => ({ id: row.entry, name: row.entry_name, playerName: row.player_name, total: row.total, eventTotal: row.event_total })),
    complete,
  };
}

/** Reads up to `maxPages` standings pages of a league (one request each, through the item's requests). */
export async function fetchLeagueStandings(requests: ItemRequests, leagueId: number, maxPages: number): Promise<FetchedStandings> {
  const rows = new Map<number, UpstreamStandingRow>();
  let league: LeagueRow | undefined;
  let complete = false;
  for (let page = 1; page <= maxPages; page++) {
    const answer = await requests((client, options) => client.leagueStandings(leagueId, page, options));
    league ??= toLeagueRow(answer.league);
    // standings can move between two page reads: an entry seen on an earlier page stays there
    for (const row of answer.standings.results) if (!rows.has(row.entry)) rows.set(row.entry, row);
    if (!answer.standings.has_next) {
      complete = true;
      break;
    }
  }
  return standingsOf(league!, [...rows.values()], complete);
}

export interface StandingsWrite {
  league: WriteOutcome;
  /** Members first seen here, stored untracked with an unknown startedEvent (0) until fetched. */
  entriesCreated: number;
  standings: WriteCounts;
  /** Rows of entries no longer in the league (only when the standings were complete). */
  standingsRemoved: number;
}

/**
 * Writes a league, its standings rows, and a minimal Entry for each member not stored yet
 * (the foreign key needs it; one stored is left as it is). When the standings are complete,
 * rows of entries no longer in the league go.
 */
export async function writeLeagueStandings(sql: Sql, fetched: FetchedStandings): Promise<StandingsWrite> {
  const league = await upsertChanged(sql, leagueSpec, [fetched.league]);
  const entriesCreated =
    fetched.entries.length === 0
      ? 0
      : await sql.$executeRaw`
        INSERT INTO "Entry" (id, name, "playerName", "startedEvent", "summaryOverallPoints", "summaryEventPoints", "createdAt", "updatedAt")
        SELECT v.id, v.name, v."playerName", ${unknownStartedEvent}::int, v.total, v."eventTotal", ${utcNow}, ${utcNow}
        FROM jsonb_to_recordset(${json(fetched.entries)}::jsonb) AS v(id int, name text, "playerName" text, total int, "eventTotal" int)
        ON CONFLICT (id) DO NOTHING`;
  const standings = await upsertChanged(sql, standingSpec, fetched.rows);
  const standingsRemoved = fetched.complete
    ? await sql.$executeRaw`
        DELETE FROM "LeagueStanding" s WHERE s."leagueId" = ${fetched.league.id}
          AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(${json(fetched.rows.map((row) => row.entryId))}::jsonb) AS k(id) WHERE k.id::int = s."entryId")`
    : 0;
  return { league: outcomeOf(countsOf(league)), entriesCreated, standings: countsOf(standings), standingsRemoved };
}

/**
 * Sets the total and event points of entries' standings rows in every league (from their
 * fetched summaries); returns the leagues changed. Ranks stay as the upstream last gave them:
 * tournament-event-data reads them afresh with the standings.
 */
export async function updateStandingTotals(sql: Sql, totals: { entryId: number; total: number; eventTotal: number }[]): Promise<number[]> {
  if (totals.length === 0) return [];
  const rows = await sql.$queryRaw<{ leagueId: number }[]>`
    UPDATE "LeagueStanding" s SET total = v.total, "eventTotal" = v."eventTotal", "updatedAt" = ${utcNow}
    FROM jsonb_to_recordset(${json(totals)}::jsonb) AS v("entryId" int, total int, "eventTotal" int)
    WHERE s."entryId" = v."entryId" AND (s.total, s."eventTotal") IS DISTINCT FROM (v.total, v."eventTotal")
    RETURNING s."leagueId"`;
  return [...new Set(rows.map((row) => row.leagueId))];
}
