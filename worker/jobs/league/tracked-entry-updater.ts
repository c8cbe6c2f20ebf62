import { db, type Prisma } from '@/lib/db.ts';
import { trackedEntryUpdaterJob } from '@/lib/jobs/definitions/league/tracked-entry-updater.ts';
import { defineHandler } from '../../define-handler.ts';
import { tally, unlessGone, workThrough } from './entry-loop.ts';
import { markDeleted, storeNewHistory, writeEntrySummary, writeStandingsPage } from './entry-writes.ts';
import { invalidateChanged, withLeagueRun } from './league-run.ts';

/**
 * Handler of tracked-entry-updater (lib/jobs/definitions/league/tracked-entry-updater.ts). It
 * works entry by entry through workThrough (entry-loop.ts): one transaction per entry; a rate
 * limit fails the run, which is retried with exponential backoff (the definition's retry); an
 * upstream or other non-critical error skips the entry; a database error fails the run naming
 * the entry.
 */

/** Entries worth fetching: tracked, and not known to be gone upstream. */
const trackedWhere = { tracked: true, deleted: false } satisfies Prisma.EntryWhereInput;

/** Riot 003, Tracked Player Updater §3: a rate limit fails the job (and it is retried); an error that is not critical skips the player. */
const rules = { onRateLimit: 'fail-run', skipNonCritical: true } as const;

export const trackedEntryUpdaterHandler = defineHandler(
  trackedEntryUpdaterJob,
  (ctx) =>
    withLeagueRun(ctx, async (upstream, cache) => {
      const options = { signal: ctx.signal };
      const counts = tally(ctx, [
        'historyCreated',
        'historyUpdated',
        'historyUnknownEvents',
        'entriesCreated',
        'entriesUpdated',
        'entriesDeleted',
        'leaguesCreated',
        'leaguesUpdated',
        'standingsCreated',
        'standingsUpdated',
      ]);
      const tracked = (
        await db().entry.findMany({
          where: trackedWhere,
          orderBy: [{ lastFetchedAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
          take: ctx.config.maxEntries,
          select: { id: true },
        })
      ).map((entry) => entry.id);
      ctx.count('tracked', tracked.length);
      const leagueIds = new Set<number>();
      const changedKeys: string[] = [];

      const entries = await workThrough(ctx, { phase: 'entries', items: tracked, label: (id) => `entry ${id}`, skippedCounter: 'entriesSkipped', ...rules }, async (id) => {
        const history = await unlessGone(upstream.entryHistory(id, options));
        const entry = history && (await unlessGone(upstream.entry(id, options)));
        if (!history || !entry) {
          if (await markDeleted(db(), id)) counts.add('entriesDeleted');
          changedKeys.push(`entry:${id}`);
          return;
        }
        const fetchedAt = new Date();
        const written = await db().$transaction(async (tx) => ({
          history: await storeNewHistory(tx, id, history),
          summary: await writeEntrySummary(tx, entry, fetchedAt),
        }));
        counts.add('historyCreated', written.history.created);
        counts.add('historyUpdated', written.history.updated);
        counts.add('historyUnknownEvents', written.history.unknownEvents);
        if (written.summary !== 'unchanged') counts.add('entriesUpdated');
        if (written.summary !== 'unchanged' || written.history.created + written.history.updated > 0) changedKeys.push(`entry:${id}`);
        for (const league of entry.leagues.classic) leagueIds.add(league.id);
      });
      ctx.progress(60);

      const leagues = await workThrough(
        ctx,
        { phase: 'leagues', items: [...leagueIds].sort((a, b) => a - b), label: (id) => `league ${id}`, skippedCounter: 'leaguesSkipped', ...rules },
        async (leagueId) => {
          const page = await upstream.leagueStandings(leagueId, 1, options);
          const written = await db().$transaction((tx) => writeStandingsPage(tx, page));
          counts.add('entriesCreated', written.entriesCreated);
          if (written.league !== 'unchanged') counts.add(written.league === 'created' ? 'leaguesCreated' : 'leaguesUpdated');
          counts.add('standingsCreated', written.standings.created);
          counts.add('standingsUpdated', written.standings.updated);
          if (written.league !== 'unchanged' || written.standings.created + written.standings.updated > 0) {
            changedKeys.push(`league:${leagueId}:standings:1`, 'league:list');
          }
        },
      );
      ctx.progress(90);
      const invalidated = await invalidateChanged(ctx, cache, changedKeys);
      const t = counts.totals;
      return {
        processed: tracked.length,
        tracked: tracked.length,
        created: t.historyCreated + t.entriesCreated + t.leaguesCreated + t.standingsCreated,
        updated: t.historyUpdated + t.entriesUpdated + t.leaguesUpdated + t.standingsUpdated,
        ...t,
        entriesSkipped: entries.skipped,
        leagues: leagueIds.size,
        leaguesSkipped: leagues.skipped,
        phasesCutShort: Number(entries.cutShort) + Number(leagues.cutShort),
        invalidated,
      };
    }),
  { condition: async () => (await db().entry.count({ where: trackedWhere })) > 0 || 'no tracked entries' },
);
