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

/** An entry's summary as fetched at `fetchedAt` (no longer deleted); `lastFetchedAt` is set even when nothing else changed. */
export async function writeEntrySummary(tx: Sql, entry: UpstreamEntry, fetchedAt: Date): Promise<WriteOutcome> {
  return outcomeOf(countsOf(await upsertEntries(tx, [toEntryRow(entry, fetchedAt)], { recordFetch: true })));
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
