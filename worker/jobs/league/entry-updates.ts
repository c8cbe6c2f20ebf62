import { db } from '@/lib/db.ts';
import type { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { entryUpdatesJob } from '@/lib/jobs/definitions/league/entry-updates.ts';
import { integrationRetry } from '@/lib/jobs/definitions/league/retry-kinds.ts';
import { toEntryRow } from '@/lib/league/league-data.ts';
import { isNotFound } from '@/lib/league/upstream-client.ts';
import type { UpstreamEntry, UpstreamHistoryRow } from '@/lib/league/upstream-schemas.ts';
import { defineHandler } from '../../define-handler.ts';
import { chunks } from './chunks.ts';
import { historyChanged, historyRows } from './fetched-histories.ts';
import { hybridPreRunChecks } from './hybrid-pre-run-checks.ts';
import { leagueServices } from './league-services.ts';
import { markEntriesDeleted, updateStandingTotals, upsertEntries, upsertEntryHistories } from './league-store.ts';
import { fetchStandings, storeStandings } from './standings-sync.ts';
import { batchKeepingSuccesses, upstreamBatchOptions, UpstreamRequests, type ItemRequests } from './upstream-requests.ts';

/**
 * Handler of entry-updates (lib/jobs/definitions/league/entry-updates.ts), a hybrid job: it
 * reads from the database which entries to fetch (meta), fetches them from the upstream in
 * rate-limited batches (external; see upstream-requests.ts), and writes them back in
 * transactions (integration), invalidating the cache keys of what changed once each
 * transaction has committed.
 */

type EntryFetch = { kind: 'fetched'; id: number; entry: UpstreamEntry; history: UpstreamHistoryRow[]; fetchedAt: Date } | { kind: 'deleted'; id: number };

export interface EntryUpdatesResult {
  entries: number;
  /** Entries answered (a 404 counts: the entry is marked deleted). */
  succeeded: number;
  failed: number;
  /** Not called: the circuit breaker was open, or the run stopped early. */
  skipped: number;
  deleted: number;
  apiRequests: number;
  historyRowsWritten: number;
  /** History rows of events not stored yet (the meta job has not run). */
  historyRowsSkipped: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  leaguesDiscovered: number;
}

async function fetchEntry(requests: ItemRequests, id: number): Promise<EntryFetch> {
  try {
    const entry = await requests((client, options) => client.entry(id, options));
    const history = await requests((client, options) => client.entryHistory(id, options));
    return { kind: 'fetched', id, entry, history: history.current, fetchedAt: new Date() };
  } catch (error) {
    if (isNotFound(error)) return { kind: 'deleted', id };
    throw error;
  }
}

/** Drops the cache keys of what committed writes changed, forgetting each once it is dropped. */
async function dropStale(cache: TwoLevelCache, stale: { entries: Set<number>; leagues: Set<number> }): Promise<void> {
  if (stale.entries.size > 0) {
    const ids = [...stale.entries];
    await cache.invalidate(ids.map((id) => `entry:${id}`));
    for (const id of ids) stale.entries.delete(id);
  }
  for (const leagueId of [...stale.leagues]) {
    await cache.invalidatePattern(`league:${leagueId}:standings:`);
    stale.leagues.delete(leagueId);
  }
}

export const entryUpdatesHandler = defineHandler(entryUpdatesJob, async (ctx) => {
  const { config } = ctx;
  const { cache, upstream: newClient } = await leagueServices();
  const upstream = new UpstreamRequests(newClient(), ctx, config.requestsPerMinute);
  const summary: EntryUpdatesResult = {
    entries: 0, succeeded: 0, failed: 0, skipped: 0, deleted: 0, apiRequests: 0, historyRowsWritten: 0, historyRowsSkipped: 0,
    processed: 0, created: 0, updated: 0, unchanged: 0, leaguesDiscovered: 0,
  };
  try {
    const entryIds = await ctx.phase('meta', async () => {
      const leagues = await db().league.count();
      if (leagues === 0) {
        ctx.log('No league known yet: discovering the configured ones', { leagueIds: config.leagueIds });
        const discovered = await fetchStandings(ctx, upstream, config.leagueIds, 1, config);
        const stored = await storeStandings(discovered.result, cache, ctx.log);
        summary.leaguesDiscovered = stored.leagues.length;
        if (discovered.failure) throw discovered.failure;
      }
      const rows = await db().$queryRaw<{ id: number }[]>`
        SELECT e.id FROM "Entry" e
        WHERE NOT e.deleted AND (e.tracked OR EXISTS (SELECT 1 FROM "LeagueStanding" s WHERE s."entryId" = e.id))
        ORDER BY e."lastFetchedAt" ASC NULLS FIRST, e.id ASC
        LIMIT ${config.maxEntries}`;
      return rows.map((row) => row.id);
    });
    summary.entries = entryIds.length;

    const { result, failure } = await ctx.phase('external', () =>
      batchKeepingSuccesses(ctx, entryIds, upstreamBatchOptions(config), (id) => fetchEntry(upstream.forItem(), id)),
    );
    summary.succeeded = result.succeeded;
    summary.failed = result.failed;
    summary.skipped = result.skipped;
    if (failure) ctx.log(`${failure.message}; storing the ${result.succeeded} answers before failing`);

    // Tried again by itself (integrationRetry): a try skips the chunks an earlier try committed,
    // and drops the cache keys an earlier try could not.
    const answers = result.results.filter((answer): answer is EntryFetch => answer !== undefined);
    const committed = new Set<number>();
    const stale = { entries: new Set<number>(), leagues: new Set<number>() };
    await ctx.phase('integration', async () => {
      for (const [index, batch] of chunks(answers, config.batchSize).entries()) {
        ctx.signal.throwIfAborted();
        if (committed.has(index)) continue;
        const fetched = batch.filter((answer) => answer.kind === 'fetched');
        const write = await db().$transaction(async (tx) => {
          // lastFetchedAt orders the next runs, so it moves on every entry fetched
          const entries = await upsertEntries(tx, fetched.map((answer) => toEntryRow(answer.entry, answer.fetchedAt)), { recordFetch: true, track: true });
          const deleted = await markEntriesDeleted(tx, batch.filter((answer) => answer.kind === 'deleted').map((answer) => answer.id), new Date());
          const history = await upsertEntryHistories(tx, historyRows(fetched), { markFinal: true });
          const leagues = await updateStandingTotals(
            tx,
            fetched.map((answer) => ({ entryId: answer.id, total: answer.entry.summary_overall_points, eventTotal: answer.entry.summary_event_points ?? 0 })),
          );
          return { entries, deleted, history, leagues };
        });
        committed.add(index);
        summary.created += write.entries.created.length;
        summary.updated += write.entries.updated.length;
        summary.unchanged += write.entries.unchanged;
        summary.deleted += write.deleted.length;
        summary.historyRowsWritten += write.history.created.length + write.history.updated.length;
        summary.historyRowsSkipped += write.history.unknownEvents;
        for (const id of [...[...write.entries.created, ...write.entries.updated].map((entry) => entry.id), ...write.deleted, ...historyChanged(write.history)]) stale.entries.add(id);
        for (const leagueId of write.leagues) stale.leagues.add(leagueId);
        await dropStale(cache, stale);
      }
      await dropStale(cache, stale);
    }, { retry: integrationRetry });
    summary.processed = summary.created + summary.updated + summary.unchanged + summary.deleted;
    if (summary.historyRowsSkipped > 0) ctx.log(`${summary.historyRowsSkipped} history rows left out: their events are not stored yet (bootstrap-meta stores them)`);
    ctx.count('historyRowsWritten', summary.historyRowsWritten);
    ctx.count('entriesDeleted', summary.deleted);
    if (failure) throw failure;
    return summary;
  } finally {
    summary.apiRequests = upstream.client.requests;
  }
}, { checks: hybridPreRunChecks });
