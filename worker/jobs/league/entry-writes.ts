import type { Prisma } from '@/lib/db.ts';
import { toEntryEventHistoryRow, toEntryRow, toLeagueRow } from '@/lib/league/league-data.ts';
import type { EntryHistory, LeagueStandings, UpstreamEntry } from '@/lib/league/upstream-schemas.ts';
import {
  countsOf,
  markEntriesDeleted,
  outcomeOf,
  standingsOf,
  upsertEntries,
  upsertEntryHistories,
  writeLeagueStandings,
  type Sql,
  type StandingsWrite,
  type WriteCounts,
  type WriteOutcome,
} from './league-store.ts';

/**
 * The writes of the entry jobs (tracked-entry-updater, entry-analyzer), one entry or one
 * standings page at a time in the transaction of the item being written, through the store
 * (league-store.ts): an entry's summary, its new history, a standings page with the entries
 * it names.
 */

/**
 * An entry's summary as fetched at `fetchedAt` (no longer deleted); `lastFetchedAt` is set even
 * when nothing else changed. A rank or points different from the entry's last EntryRank row
 * (or its first fetch) is kept as a new row: the rank's history, not only its latest value.
 */
export async function writeEntrySummary(tx: Sql, entry: UpstreamEntry, fetchedAt: Date): Promise<WriteOutcome> {
  const outcome = outcomeOf(countsOf(await upsertEntries(tx, [toEntryRow(entry, fetchedAt)], { recordFetch: true })));
  await recordRank(tx, entry, fetchedAt);
  return outcome;
}

/** Adds an EntryRank row when the overall rank or points moved since the entry's last one; true when it did. */
export async function recordRank(tx: Sql, entry: Pick<UpstreamEntry, 'id' | 'summary_overall_rank' | 'summary_overall_points' | 'summary_event_points'>, at: Date): Promise<boolean> {
  const added = await tx.$executeRaw`
    INSERT INTO "EntryRank" ("entryId", "overallRank", "overallPoints", "eventPoints", "recordedAt")
    SELECT ${entry.id}, ${entry.summary_overall_rank}::int, ${entry.summary_overall_points}::int, ${entry.summary_event_points}::int, ${at}
    WHERE NOT EXISTS (
      SELECT 1 FROM (
        SELECT "overallRank", "overallPoints" FROM "EntryRank" WHERE "entryId" = ${entry.id} ORDER BY "recordedAt" DESC, id DESC LIMIT 1
      ) last
      WHERE last."overallRank" IS NOT DISTINCT FROM ${entry.summary_overall_rank}::int AND last."overallPoints" = ${entry.summary_overall_points}::int
    )`;
  return added > 0;
}

export interface HistoryCounts extends WriteCounts {
  /** Rows for gameweeks the Event table does not hold yet (left for after bootstrap-meta). */
  unknownEvents: number;
}

/**
 * Stores the events of an entry's history from its last stored one on: the last one again,
 * as it may have been stored while live, and every later one. Earlier events are final and
 * not rewritten.
 */
export async function storeNewHistory(tx: Prisma.TransactionClient, entryId: number, history: EntryHistory): Promise<HistoryCounts> {
  const last = (await tx.entryEventHistory.aggregate({ where: { entryId }, _max: { eventId: true } }))._max.eventId ?? 0;
  const fresh = history.current.filter((row) => row.event >= last).map((row) => toEntryEventHistoryRow(entryId, row));
  const written = await upsertEntryHistories(tx, fresh);
  return { ...countsOf(written), unknownEvents: written.unknownEvents };
}

/**
 * A page of a classic league's standings: the league, its members as Entry rows (a member
 * we do not know yet is added untracked, with what the page tells of it; one we know is left
 * as it is) and their standings. No row is removed: this is one page, and the jobs that read
 * every page (standings-sync.ts) remove the entries that left a league.
 */
export function writeStandingsPage(tx: Sql, page: LeagueStandings): Promise<StandingsWrite> {
  return writeLeagueStandings(tx, standingsOf(toLeagueRow(page.league), page.standings.results, false));
}

/** Marks an entry the upstream answers 404 for as deleted; true when it was not marked yet. */
export async function markDeleted(sql: Sql, entryId: number): Promise<boolean> {
  return (await markEntriesDeleted(sql, [entryId])).length > 0;
}
