import { db, type Prisma } from '@/lib/db.ts';
import {
  toEntryEventHistoryRow,
  toEntryRow,
  toLeagueRow,
  toLeagueStandingRow,
  type EntryEventHistoryRow,
  type EntryRow,
  type LeagueRow,
  type LeagueStandingRow,
} from '@/lib/league/league-data.ts';
import type { EntryHistory, LeagueStandings, UpstreamEntry } from '@/lib/league/upstream-schemas.ts';
import { upsertChanged, type UpsertSpec } from './upsert-changed.ts';

/**
 * The writes of the entry jobs (tracked-entry-updater, entry-analyzer): an entry's summary,
 * its history, and a standings page with the entries it names. Each takes the transaction of
 * the item being written and writes only what changed (see upsert-changed.ts).
 */

type Tx = Prisma.TransactionClient;
export type WriteOutcome = 'created' | 'updated' | 'unchanged';

export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** A fetch time alone is no change; it is written apart (writeEntrySummary). */
const entrySpec: UpsertSpec<EntryRow> = { table: 'Entry', key: ['id'], ignoreForChange: ['lastFetchedAt'] };
const historySpec: UpsertSpec<EntryEventHistoryRow> = { table: 'EntryEventHistory', key: ['entryId', 'eventId'] };
const leagueSpec: UpsertSpec<LeagueRow> = { table: 'League', key: ['id'] };
const standingSpec: UpsertSpec<LeagueStandingRow> = { table: 'LeagueStanding', key: ['leagueId', 'entryId'] };

const countsOf = <Row>(outcome: { created: Row[]; updated: Row[]; unchanged: number }): WriteCounts => ({
  created: outcome.created.length,
  updated: outcome.updated.length,
  unchanged: outcome.unchanged,
});

/** The ids of the gameweeks the Event table holds: history rows reference them. */
export async function knownEventIds(): Promise<ReadonlySet<number>> {
  return new Set((await db().event.findMany({ select: { id: true } })).map((event) => event.id));
}

/** An entry's summary as fetched at `fetchedAt` (no longer deleted); `lastFetchedAt` is set even when nothing else changed. */
export async function writeEntrySummary(tx: Tx, entry: UpstreamEntry, fetchedAt: Date): Promise<WriteOutcome> {
  const outcome = await upsertChanged(tx, entrySpec, [toEntryRow(entry, fetchedAt)]);
  if (outcome.unchanged > 0) await tx.entry.update({ where: { id: entry.id }, data: { lastFetchedAt: fetchedAt } });
  return outcome.created.length > 0 ? 'created' : outcome.updated.length > 0 ? 'updated' : 'unchanged';
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
export async function storeNewHistory(tx: Tx, entryId: number, history: EntryHistory, knownEvents: ReadonlySet<number>): Promise<HistoryCounts> {
  const last = (await tx.entryEventHistory.aggregate({ where: { entryId }, _max: { eventId: true } }))._max.eventId ?? 0;
  const fresh = history.current.filter((row) => row.event >= last);
  const rows = fresh.filter((row) => knownEvents.has(row.event)).map((row) => toEntryEventHistoryRow(entryId, row));
  return { ...countsOf(await upsertChanged(tx, historySpec, rows)), unknownEvents: fresh.length - rows.length };
}

export interface StandingsPageCounts {
  league: WriteOutcome;
  /** Members we had no Entry row for, added untracked. */
  entriesCreated: number;
  standings: WriteCounts;
}

/**
 * A page of a classic league's standings: the league, its members as Entry rows (a member
 * we do not know yet is added untracked, with what the page tells of it; one we know is left
 * as it is) and their standings.
 */
export async function writeStandingsPage(tx: Tx, page: LeagueStandings): Promise<StandingsPageCounts> {
  const league = await upsertChanged(tx, leagueSpec, [toLeagueRow(page.league)]);
  const results = page.standings.results;
  const entries = await tx.entry.createMany({
    data: results.map((row) => ({
      id: row.entry,
      name: row.entry_name,
      playerName: row.player_name,
      // The page does not tell when the entry started: 0 until entry/N is fetched.
      startedEvent: 0,
      summaryOverallPoints: row.total,
      summaryEventPoints: row.event_total,
      tracked: false,
    })),
    skipDuplicates: true,
  });
  const standings = await upsertChanged(
    tx,
    standingSpec,
    results.map((row) => toLeagueStandingRow(page.league.id, row)),
  );
  return {
    league: league.created.length > 0 ? 'created' : league.updated.length > 0 ? 'updated' : 'unchanged',
    entriesCreated: entries.count,
    standings: countsOf(standings),
  };
}

/** Marks an entry the upstream answers 404 for as deleted; true when it was not marked yet. */
export async function markDeleted(tx: Pick<Tx, 'entry'>, entryId: number): Promise<boolean> {
  return (await tx.entry.updateMany({ where: { id: entryId, deleted: false }, data: { deleted: true } })).count > 0;
}
