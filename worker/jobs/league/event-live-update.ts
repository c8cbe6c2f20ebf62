import { db } from '@/lib/db.ts';
import { eventLiveUpdateJob } from '@/lib/jobs/definitions/league/event-live-update.ts';
import type { BootstrapStatic, EventLive } from '@/lib/league/upstream-schemas.ts';
import { defineHandler } from '../../define-handler.ts';
import { withLeagueRun } from './league-run.ts';
import { leagueTime } from './league-services.ts';
import { syncFirstStandingsPages } from './standings-sync.ts';
import { assertConsistent, liveEventId, reportTables, writeTables } from './sync-tables.ts';

/**
 * Players' season totals as the gameweek is played: the upstream's totals count finished
 * gameweeks only (they move when one finishes, and bootstrap-meta stores them at midnight),
 * so the live gameweek's points so far are added while it is not finished.
 */
export function withLivePoints(bootstrap: BootstrapStatic, eventId: number, live: EventLive['elements']): BootstrapStatic {
  if (bootstrap.events.find((event) => event.id === eventId)?.finished !== false) return bootstrap;
  const points = new Map(live.map((element) => [element.id, element.stats.total_points]));
  return { ...bootstrap, elements: bootstrap.elements.map((player) => ({ ...player, total_points: player.total_points + (points.get(player.id) ?? 0) })) };
}

/**
 * The live gameweek: every player's stats so far, the gameweek's fixtures, and the gameweek
 * rows (a live gameweek finishes, the next one opens). Players the Player table does not
 * know yet (a signing since the last bootstrap-meta) are left out and counted. Handler of
 * event-live-update (lib/jobs/definitions/league/event-live-update.ts); its condition reads
 * only the database, so a fire with nothing to do costs one query and no upstream call.
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
        const outcomes = await ctx.phase('write', () => writeTables({ bootstrap }, ['events'], eventLiveUpdateJob.name));
        return { eventId: null, note: 'no gameweek is live', unknownPlayers: 0, ...(await reportTables(ctx, cache, outcomes, { writeThrough: true })) };
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
      const outcomes = await ctx.phase('write', () =>
        writeTables({ bootstrap: withLivePoints(bootstrap, eventId, elements), fixtures, live: { eventId, elements } }, ['events', 'fixtures', 'playerEventStats', 'players'], eventLiveUpdateJob.name),
      );
      ctx.progress(70);
      // The known leagues' standings (first page: the table the League pages show) follow the live points too.
      const leagueIds = (await db().league.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((league) => league.id);
      const standings =
        leagueIds.length === 0
          ? null
          : await ctx.phase('standings', () => syncFirstStandingsPages(ctx, upstream, leagueIds, cache));
      ctx.progress(90);
      return { eventId, unknownPlayers, standingsWritten: standings?.standingsWritten ?? 0, ...(await reportTables(ctx, cache, outcomes, { writeThrough: true })) };
    }),
  { clock: leagueTime, condition: async () => (await db().event.count({ where: { isLive: true } })) > 0 || 'no gameweek is live' },
);
