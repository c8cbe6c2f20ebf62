import { db } from '@/lib/db.ts';
import { eventLiveUpdateJob, liveScoresUpdateJob, picksProcessingJob } from '@/lib/jobs/definitions/league/event-live-update.ts';
import { toEntryRow } from '@/lib/league/league-data.ts';
import { isNotFound } from '@/lib/league/upstream-client.ts';
import type { UpstreamEntry } from '@/lib/league/upstream-schemas.ts';
import { BatchFailedError, type BatchResult } from '../../batch/run-batch.ts';
import { leagueServices } from './league-services.ts';
import { defineHandler, type JobHandler } from '../../define-handler.ts';
import { invalidateChanged, withLeagueRun } from './league-run.ts';
import { markEntriesDeleted, upsertEntries } from './league-store.ts';
import { assertConsistent, liveEventId, reportTables, writeTables } from './sync-tables.ts';

/**
 * Handlers of the time-based league jobs (lib/jobs/definitions/league/event-live-update.ts). Each
 * condition reads only the database, so a fire with nothing to do costs one query and no
 * upstream call.
 */

/**
 * The live gameweek: every player's stats so far, the gameweek's fixtures, and the gameweek
 * rows (a live gameweek finishes, the next one opens). Players the Player table does not
 * know yet (a signing since the last bootstrap-meta) are left out and counted.
 */
export const eventLiveUpdateHandler = defineHandler(
  eventLiveUpdateJob,
  (ctx) =>
    withLeagueRun(ctx, async (upstream, cache) => {
      const options = { signal: ctx.signal };
      const bootstrap = await ctx.phase('bootstrap', () => upstream.bootstrapStatic(options));
      const eventId = ctx.payload.eventId ?? liveEventId(bootstrap);
      if (eventId === undefined) {
        // Nothing is live any more: the gameweek rows still say so, then there is nothing to fetch.
        assertConsistent(bootstrap);
        const outcomes = await ctx.phase('write', () => writeTables({ bootstrap }, ['events']));
        return { eventId: null, note: 'no gameweek is live', unknownPlayers: 0, ...(await reportTables(ctx, cache, outcomes)) };
      }
      const [fixtures, live] = await ctx.phase('fetch', () => Promise.all([upstream.fixtures(eventId, options), upstream.eventLive(eventId, options)]));
      assertConsistent(bootstrap, fixtures);
      ctx.progress(50);
      const known = new Set(
        (await db().player.findMany({ where: { id: { in: live.elements.map((element) => element.id) } }, select: { id: true } })).map((player) => player.id),
      );
      const elements = live.elements.filter((element) => known.has(element.id));
      const unknownPlayers = live.elements.length - elements.length;
      if (unknownPlayers > 0) ctx.log(`${unknownPlayers} players of the live data are not in the Player table yet; left out until bootstrap-meta runs`);
      ctx.count('unknownPlayers', unknownPlayers);
      const outcomes = await ctx.phase('write', () => writeTables({ bootstrap, fixtures, live: { eventId, elements } }, ['events', 'fixtures', 'playerEventStats']));
      ctx.progress(90);
      return { eventId, unknownPlayers, ...(await reportTables(ctx, cache, outcomes)) };
    }),
  { condition: async () => (await db().event.count({ where: { isLive: true } })) > 0 || 'no gameweek is live' },
);

/** The current gameweek (the one of a match in play when no gameweek is flagged current). */
async function currentEventId(): Promise<number | undefined> {
  const current = await db().event.findFirst({ where: { isCurrent: true }, select: { id: true } });
  if (current) return current.id;
  const inPlay = await db().fixture.findFirst({ where: { started: true, finished: false }, orderBy: { eventId: 'desc' }, select: { eventId: true } });
  return inPlay?.eventId;
}

/**
 * The live gameweek's fixtures (scores, minutes, flags) and the gameweek rows, so a gameweek
 * going live or finishing is seen here first (and announced by NOTIFY) even outside
 * event-live-update's hours.
 */
export const liveScoresUpdateHandler = defineHandler(
  liveScoresUpdateJob,
  (ctx) =>
    withLeagueRun(ctx, async (upstream, cache) => {
      const bootstrap = await ctx.phase('bootstrap', () => upstream.bootstrapStatic({ signal: ctx.signal }));
      const eventId = ctx.payload.eventId ?? liveEventId(bootstrap) ?? (await currentEventId());
      if (eventId === undefined) return { eventId: null, note: 'no current gameweek', ...(await reportTables(ctx, cache, {})) };
      const fixtures = await ctx.phase('fetch', () => upstream.fixtures(eventId, { signal: ctx.signal }));
      assertConsistent(bootstrap, fixtures);
      const outcomes = await ctx.phase('write', () => writeTables({ bootstrap, fixtures }, ['events', 'fixtures']));
      return { eventId, ...(await reportTables(ctx, cache, outcomes)) };
    }),
  {
    condition: async () => {
      if ((await db().fixture.count({ where: { started: true, finished: false } })) > 0) return true;
      // Between a deadline and the first kick-off the database shows nothing in play yet: ask the upstream.
      const upstream = (await leagueServices()).upstream();
      const eventId = liveEventId(await upstream.bootstrapStatic());
      const inPlay = eventId !== undefined && (await upstream.fixtures(eventId)).some((fixture) => fixture.started && !fixture.finished);
      return inPlay || 'no fixtures in play';
    },
  },
);

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
    condition: async ({ config, now }) => {
      const hours = config.withinHoursOfDeadline;
      const next = await db().event.findFirst({ where: { isNext: true }, orderBy: { id: 'asc' }, select: { deadlineTime: true } });
      const aheadMs = next ? next.deadlineTime.getTime() - now.getTime() : -1;
      return (aheadMs > 0 && aheadMs <= hours * 3_600_000) || `no deadline within ${hours} hours`;
    },
  },
);

export const timeBasedHandlers = [eventLiveUpdateHandler, liveScoresUpdateHandler, picksProcessingHandler] as unknown as JobHandler[];
