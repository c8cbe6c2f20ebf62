import { db } from '@/lib/db.ts';
import { liveScoresUpdateJob } from '@/lib/jobs/definitions/league/live-scores-update.ts';
import { defineHandler } from '../../define-handler.ts';
import { withLeagueRun } from './league-run.ts';
import { leagueServices, leagueTime } from './league-services.ts';
import { assertConsistent, liveEventId, reportTables, writeTables } from './sync-tables.ts';

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
 * event-live-update's hours. Handler of live-scores-update
 * (lib/jobs/definitions/league/live-scores-update.ts).
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
      const outcomes = await ctx.phase('write', () => writeTables({ bootstrap, fixtures }, ['events', 'fixtures'], liveScoresUpdateJob.name));
      return { eventId, ...(await reportTables(ctx, cache, outcomes, { writeThrough: true })) };
    }),
  {
    clock: leagueTime,
    condition: async ({ now }) => {
      // The kick-off check in league time: a fixture kicked off (stored flag, or its kick-off passed) and not finished.
      const kickedOff = await db().fixture.count({ where: { finished: false, OR: [{ started: true }, { kickoffTime: { lte: now } }] } });
      if (kickedOff > 0) return true;
      // Between a deadline and the first kick-off the database shows nothing in play yet: ask the upstream.
      const upstream = (await leagueServices()).upstream();
      const eventId = liveEventId(await upstream.bootstrapStatic());
      const inPlay = eventId !== undefined && (await upstream.fixtures(eventId)).some((fixture) => fixture.started && !fixture.finished);
      return inPlay || 'no fixtures in play';
    },
  },
);
