import { db } from '@/lib/db.ts';
import { picksProcessingJob } from '@/lib/jobs/definitions/league/picks-processing.ts';
import { toEntryRow } from '@/lib/league/league-data.ts';
import { isNotFound } from '@/lib/league/upstream-client.ts';
import type { UpstreamEntry } from '@/lib/league/upstream-schemas.ts';
import { BatchFailedError, type BatchResult } from '../../batch/run-batch.ts';
import { defineHandler } from '../../define-handler.ts';
import { invalidateChanged, withLeagueRun } from './league-run.ts';
import { leagueTime } from './league-services.ts';
import { markEntriesDeleted, upsertEntries } from './league-store.ts';

/**
 * Handler of picks-processing (lib/jobs/definitions/league/picks-processing.ts). Its condition
 * reads only the database, so a fire with nothing to do costs one query and no upstream call.
 */

/** What entry/N answered: the entry, or null for a 404 (deleted upstream). */
interface EntryFetch {
  id: number;
  entry: UpstreamEntry | null;
}

/**
 * Entries to refresh: every Entry not known to be deleted. League members are Entry rows
 * (each LeagueStanding references one), so this covers every league's members, also those
 * beyond the first standings page, plus the entries followed on their own.
 */
async function knownEntryIds(): Promise<number[]> {
  return (await db().entry.findMany({ where: { deleted: false }, select: { id: true }, orderBy: { id: 'asc' } })).map((entry) => entry.id);
}

export const picksProcessingHandler = defineHandler(
  picksProcessingJob,
  (ctx) =>
    withLeagueRun(ctx, async (upstream, cache) => {
      const { batchSize, concurrency } = ctx.config;
      const ids = await ctx.phase('entries', knownEntryIds);
      const fetchedAt = new Date();
      let batch: BatchResult<EntryFetch>;
      let failure: BatchFailedError | undefined;
      try {
        batch = await ctx.phase('fetch', () =>
          ctx.batch(ids, { size: batchSize, concurrency }, async (id): Promise<EntryFetch> => {
            try {
              return { id, entry: await upstream.entry(id, { signal: ctx.signal }) };
            } catch (error) {
              if (isNotFound(error)) return { id, entry: null };
              throw error;
            }
          }),
        );
      } catch (error) {
        if (!(error instanceof BatchFailedError)) throw error;
        // The answers that came are good: write them, then fail the run.
        batch = error.result as BatchResult<EntryFetch>;
        failure = error;
      }
      const fetched = batch.results.filter((result): result is EntryFetch => result !== undefined);
      const rows = fetched.flatMap(({ entry }) => (entry ? [toEntryRow(entry, fetchedAt)] : []));
      const gone = fetched.flatMap(({ id, entry }) => (entry ? [] : [id]));
      const { outcome, deleted } = await ctx.phase('write', () =>
        // An entry whose summary is the same is not rewritten: its fetch time alone is no change.
        db().$transaction(async (tx) => ({ outcome: await upsertEntries(tx, rows), deleted: await markEntriesDeleted(tx, gone) })),
      );
      const changed = [...outcome.created, ...outcome.updated].map((entry) => entry.id);
      ctx.count('processed', ids.length);
      ctx.count('entriesCreated', outcome.created.length);
      ctx.count('entriesUpdated', outcome.updated.length);
      ctx.count('entriesUnchanged', outcome.unchanged);
      ctx.count('entriesDeleted', deleted.length);
      ctx.count('entriesFailed', batch.failed + batch.skipped);
      const invalidated = await invalidateChanged(ctx, cache, [...changed, ...deleted].map((id) => `entry:${id}`));
      if (failure) throw failure;
      return {
        processed: ids.length,
        created: outcome.created.length,
        updated: outcome.updated.length,
        unchanged: outcome.unchanged,
        deleted: deleted.length,
        failed: batch.failed,
        skipped: batch.skipped,
        invalidated,
      };
    }),
  {
    clock: leagueTime,
    condition: async ({ config, now }) => {
      const hours = config.withinHoursOfDeadline;
      // The next deadline by league time (the stored isNext flag lags until the events are refreshed).
      const next = await db().event.findFirst({ where: { deadlineTime: { gt: now } }, orderBy: { deadlineTime: 'asc' }, select: { deadlineTime: true } });
      const aheadMs = next ? next.deadlineTime.getTime() - now.getTime() : -1;
      return (aheadMs > 0 && aheadMs <= hours * 3_600_000) || `no deadline within ${hours} hours`;
    },
  },
);
