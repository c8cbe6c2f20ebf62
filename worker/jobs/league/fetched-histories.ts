import { toEntryEventHistoryRow } from '@/lib/league/league-data.ts';
import type { UpstreamHistoryRow } from '@/lib/league/upstream-schemas.ts';
import type { HistoryWrite } from './league-store.ts';

/** Event histories the hybrid jobs (entry-updates, tournament-event-data) fetched, on their way to the store and the cache. */

/** The history rows of fetched entries, to write with markFinal: a row fetched while its event was live is rewritten once the event is final. */
export const historyRows = (fetched: readonly { id: number; history: readonly UpstreamHistoryRow[] }[]) =>
  fetched.flatMap((answer) => answer.history.map((row) => toEntryEventHistoryRow(answer.id, row)));

/** The entries whose history rows the write created or updated. */
export const historyChanged = (write: HistoryWrite) => [...write.created, ...write.updated].map((row) => row.entryId);
