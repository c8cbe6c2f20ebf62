import { eventDataRefreshJob } from '@/lib/jobs/definitions/league/event-data-refresh.ts';
import type { BootstrapStatic } from '@/lib/league/upstream-schemas.ts';
import { defineHandler } from '../../define-handler.ts';
import { withLeagueRun } from './league-run.ts';
import { assertConsistent, reportTables, writeTables } from './sync-tables.ts';

/**
 * Handler of event-data-refresh (lib/jobs/definitions/league/event-data-refresh.ts): the
 * tables `events` and `fixtures` of sync-tables.ts, the fixtures being one gameweek's, in one
 * transaction.
 */

/** The gameweek to refresh when the payload names none: the upstream's current one, else its next, else the first. */
function defaultEventId(bootstrap: BootstrapStatic): number {
  return (bootstrap.events.find((event) => event.is_current) ?? bootstrap.events.find((event) => event.is_next) ?? bootstrap.events[0])?.id ?? 1;
}

export const eventDataRefreshHandler = defineHandler(eventDataRefreshJob, (ctx) =>
  withLeagueRun(ctx, async (upstream, cache) => {
    const options = { signal: ctx.signal };
    const bootstrap = await ctx.phase('fetch', () => upstream.bootstrapStatic(options));
    const eventId = ctx.payload.eventId ?? defaultEventId(bootstrap);
    const fixtures = await ctx.phase('fetch-fixtures', () => upstream.fixtures(eventId, options));
    ctx.progress(40);
    await ctx.phase('validate', async () => assertConsistent(bootstrap, fixtures));
    const outcomes = await ctx.phase('write', () => writeTables({ bootstrap, fixtures }, ['events', 'fixtures']));
    ctx.progress(90);
    const summary = await reportTables(ctx, cache, outcomes);
    ctx.progress(100);
    return { eventId, fixtures: fixtures.length, ...summary };
  }),
);
