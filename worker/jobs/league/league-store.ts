import type { Prisma } from '@/generated/prisma/client.ts';
import {
  toLeagueRow,
  toLeagueStandingRow,
  type EntryEventHistoryRow,
  type EntryRow,
  type LeagueRow,
  type LeagueStandingRow,
} from '@/lib/league/league-data.ts';
import type { UpstreamStandingRow } from '@/lib/league/upstream-schemas.ts';
import { upsertChanged, type UpsertSpec } from './upsert-changed.ts';
import type { ItemRequests } from './upstream-requests.ts';

/**
 * Bulk writes of the league data the hybrid jobs fetch (standings, entries, event
 * histories): single SQL statements (upsert-changed.ts, or over a JSON record set where a
 * write has rules of its own), a row written only when a value differs (`IS DISTINCT
 * FROM`), so `updatedAt` moves only on a change and the counts returned say what changed.
 * Callers run them inside their transaction.
 */

const leagueSpec: UpsertSpec<LeagueRow> = { table: 'League', key: ['id'] };
const standingSpec: UpsertSpec<LeagueStandingRow> = { table: 'LeagueStanding', key: ['leagueId', 'entryId'] };

/** What the statements need: a transaction or the client. */
export type Sql = Pick<Prisma.TransactionClient, '$executeRaw' | '$queryRaw'>;

const json = (value: unknown) => JSON.stringify(value);

/** A league's standings as fetched: every row of the pages read, and whether they were all of it. */
export interface FetchedStandings {
  league: LeagueRow;
  rows: LeagueStandingRow[];
  /** Names of the entries in the rows, for entries not stored yet. */
  entries: { id: number; name: string; playerName: string; total: number; eventTotal: number }[];
  /** False when the league has more pages than were read: rows missing from these may still be in it. */
  complete: boolean;
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
  const all = [...rows.values()];
  return {
    league: league!,
    rows: all.map((row) => toLeagueStandingRow(leagueId, row)),
    entries: all.map((row) => ({ id: row.entry, name: row.entry_name, playerName: row.player_name, total: row.total, eventTotal: row.event_total })),
    complete,
  };
}

export interface StandingsWrite {
  /** The league row was created or renamed. */
  leagueChanged: boolean;
  /** Entries first seen here (stored with startedEvent 1 until fetched). */
  entriesCreated: number;
  standingsWritten: number;
  standingsRemoved: number;
}

/**
 * Writes a league, its standings rows, and a minimal Entry for each member not stored yet
 * (the foreign key needs it; its startedEvent is unknown, so 1, until the entry or its
 * history is fetched). When the pages were complete, rows of entries no longer in the league go.
 */
export async function writeLeagueStandings(sql: Sql, fetched: FetchedStandings): Promise<StandingsWrite> {
  const league = await upsertChanged(sql, leagueSpec, [fetched.league]);
  const entriesCreated = await sql.$executeRaw`
    INSERT INTO "Entry" (id, name, "playerName", "startedEvent", "summaryOverallPoints", "summaryEventPoints", "updatedAt")
    SELECT v.id, v.name, v."playerName", 1, v.total, v."eventTotal", (now() AT TIME ZONE 'UTC')
    FROM jsonb_to_recordset(${json(fetched.entries)}::jsonb) AS v(id int, name text, "playerName" text, total int, "eventTotal" int)
    ON CONFLICT (id) DO NOTHING`;
  const standings = await upsertChanged(sql, standingSpec, fetched.rows);
  const standingsRemoved = fetched.complete
    ? await sql.$executeRaw`
        DELETE FROM "LeagueStanding" s WHERE s."leagueId" = ${fetched.league.id}
          AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(${json(fetched.rows.map((row) => row.entryId))}::jsonb) AS k(id) WHERE k.id::int = s."entryId")`
    : 0;
  return { leagueChanged: league.unchanged === 0, entriesCreated, standingsWritten: standings.created.length + standings.updated.length, standingsRemoved };
}

export interface EntriesWrite {
  created: number[];
  /** Entries whose summary changed (not only `lastFetchedAt`). */
  updated: number[];
  unchanged: number[];
}

/**
 * Writes entries as fetched from /entry/N/: tracked, not deleted, `lastFetchedAt` moved on
 * every row (it orders the next runs); the ids are split by whether anything else changed.
 */
export async function upsertEntries(sql: Sql, rows: EntryRow[]): Promise<EntriesWrite> {
  const write: EntriesWrite = { created: [], updated: [], unchanged: [] };
  if (rows.length === 0) return write;
  // `old` reads the rows as they were before this statement (a CTE sees the statement's snapshot).
  const outcome = await sql.$queryRaw<{ id: number; created: boolean; changed: boolean }[]>`
    WITH v AS (
      SELECT * FROM jsonb_to_recordset(${json(rows)}::jsonb) AS v(id int, name text, "playerName" text, "startedEvent" int,
        "summaryOverallPoints" int, "summaryOverallRank" int, "summaryEventPoints" int, "lastFetchedAt" timestamp(3))
    ), old AS (
      SELECT e.id, e.name, e."playerName", e."startedEvent", e."summaryOverallPoints", e."summaryOverallRank", e."summaryEventPoints", e.deleted
      FROM "Entry" e JOIN v ON v.id = e.id
    )
    INSERT INTO "Entry" AS e (id, name, "playerName", "startedEvent", "summaryOverallPoints", "summaryOverallRank", "summaryEventPoints",
      tracked, deleted, "lastFetchedAt", "updatedAt")
    SELECT v.id, v.name, v."playerName", v."startedEvent", v."summaryOverallPoints", v."summaryOverallRank", v."summaryEventPoints",
      true, false, v."lastFetchedAt", (now() AT TIME ZONE 'UTC')
    FROM v
    ON CONFLICT (id) DO UPDATE SET
      name = EXCLUDED.name, "playerName" = EXCLUDED."playerName", "startedEvent" = EXCLUDED."startedEvent",
      "summaryOverallPoints" = EXCLUDED."summaryOverallPoints", "summaryOverallRank" = EXCLUDED."summaryOverallRank",
      "summaryEventPoints" = EXCLUDED."summaryEventPoints", tracked = true, deleted = false,
      "lastFetchedAt" = EXCLUDED."lastFetchedAt", "updatedAt" = (now() AT TIME ZONE 'UTC')
    RETURNING e.id,
      NOT EXISTS (SELECT 1 FROM old o WHERE o.id = e.id) AS created,
      EXISTS (SELECT 1 FROM old o WHERE o.id = e.id AND
        (o.name, o."playerName", o."startedEvent", o."summaryOverallPoints", o."summaryOverallRank", o."summaryEventPoints", o.deleted)
        IS DISTINCT FROM (e.name, e."playerName", e."startedEvent", e."summaryOverallPoints", e."summaryOverallRank", e."summaryEventPoints", e.deleted)
      ) AS changed`;
  for (const row of outcome) (row.created ? write.created : row.changed ? write.updated : write.unchanged).push(row.id);
  return write;
}

/** Marks entries the upstream answers 404 for as deleted; returns the ids that were not yet. */
export async function markEntriesDeleted(sql: Sql, ids: number[], at: Date): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await sql.$queryRaw<{ id: number }[]>`
    UPDATE "Entry" SET deleted = true, "lastFetchedAt" = ${at.toISOString()}::timestamp, "updatedAt" = (now() AT TIME ZONE 'UTC')
    WHERE id IN (SELECT value::int FROM jsonb_array_elements_text(${json(ids)}::jsonb)) AND NOT deleted
    RETURNING id`;
  return rows.map((row) => row.id);
}

/**
 * Sets entries' startedEvent as learnt from their history: the first event it has, or, for
 * an empty history, at least `notBefore` (the entry has not played any event so far).
 */
export async function updateStartedEvents(sql: Sql, started: { id: number; startedEvent: number | null }[], notBefore: number): Promise<number> {
  if (started.length === 0) return 0;
  return sql.$executeRaw`
    UPDATE "Entry" e SET "startedEvent" = COALESCE(v."startedEvent", GREATEST(e."startedEvent", ${notBefore}::int)), "updatedAt" = (now() AT TIME ZONE 'UTC')
    FROM jsonb_to_recordset(${json(started)}::jsonb) AS v(id int, "startedEvent" int)
    WHERE e.id = v.id AND e."startedEvent" IS DISTINCT FROM COALESCE(v."startedEvent", GREATEST(e."startedEvent", ${notBefore}::int))`;
}

/**
 * Writes event history rows of known events (others are left out: the meta job has not
 * stored the event yet). A row is rewritten when a value differs, or when its event changed
 * after the row was written (the event finished or was checked since): its `updatedAt` then
 * says it holds the final numbers (see tournament-data.ts, which fetches again rows older
 * than their event). Returns how many rows were written and whose.
 */
export async function upsertEntryHistories(sql: Sql, rows: EntryEventHistoryRow[]): Promise<{ written: number; entryIds: number[] }> {
  if (rows.length === 0) return { written: 0, entryIds: [] };
  const written = await sql.$queryRaw<{ entryId: number }[]>`
    INSERT INTO "EntryEventHistory" AS h ("entryId", "eventId", points, "totalPoints", rank, "overallRank", "eventTransfers",
      "eventTransfersCost", value, bank, "pointsOnBench", "updatedAt")
    SELECT v."entryId", v."eventId", v.points, v."totalPoints", v.rank, v."overallRank", v."eventTransfers", v."eventTransfersCost",
      v.value, v.bank, v."pointsOnBench", (now() AT TIME ZONE 'UTC')
    FROM jsonb_to_recordset(${json(rows)}::jsonb) AS v("entryId" int, "eventId" int, points int, "totalPoints" int, rank int,
      "overallRank" int, "eventTransfers" int, "eventTransfersCost" int, value int, bank int, "pointsOnBench" int)
    WHERE EXISTS (SELECT 1 FROM "Event" ev WHERE ev.id = v."eventId")
    ON CONFLICT ("entryId", "eventId") DO UPDATE SET
      points = EXCLUDED.points, "totalPoints" = EXCLUDED."totalPoints", rank = EXCLUDED.rank, "overallRank" = EXCLUDED."overallRank",
      "eventTransfers" = EXCLUDED."eventTransfers", "eventTransfersCost" = EXCLUDED."eventTransfersCost", value = EXCLUDED.value,
      bank = EXCLUDED.bank, "pointsOnBench" = EXCLUDED."pointsOnBench", "updatedAt" = (now() AT TIME ZONE 'UTC')
    WHERE (h.points, h."totalPoints", h.rank, h."overallRank", h."eventTransfers", h."eventTransfersCost", h.value, h.bank, h."pointsOnBench")
        IS DISTINCT FROM (EXCLUDED.points, EXCLUDED."totalPoints", EXCLUDED.rank, EXCLUDED."overallRank", EXCLUDED."eventTransfers",
          EXCLUDED."eventTransfersCost", EXCLUDED.value, EXCLUDED.bank, EXCLUDED."pointsOnBench")
      OR h."updatedAt" < (SELECT ev."updatedAt" FROM "Event" ev WHERE ev.id = EXCLUDED."eventId" AND ev.finished)
    RETURNING h."entryId"`;
  return { written: written.length, entryIds: [...new Set(written.map((row) => row.entryId))] };
}

/**
 * Sets the total and event points of entries' standings rows in every league (from their
 * fetched summaries); returns the leagues changed. Ranks stay as the upstream last gave them:
 * tournament-event-data reads them afresh with the standings.
 */
export async function updateStandingTotals(sql: Sql, totals: { entryId: number; total: number; eventTotal: number }[]): Promise<number[]> {
  if (totals.length === 0) return [];
  const rows = await sql.$queryRaw<{ leagueId: number }[]>`
    UPDATE "LeagueStanding" s SET total = v.total, "eventTotal" = v."eventTotal", "updatedAt" = (now() AT TIME ZONE 'UTC')
    FROM jsonb_to_recordset(${json(totals)}::jsonb) AS v("entryId" int, total int, "eventTotal" int)
    WHERE s."entryId" = v."entryId" AND (s.total, s."eventTotal") IS DISTINCT FROM (v.total, v."eventTotal")
    RETURNING s."leagueId"`;
  return [...new Set(rows.map((row) => row.leagueId))];
}
