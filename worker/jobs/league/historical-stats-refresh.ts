import { db } from '@/lib/db.ts';
import { historicalStatsRefreshJob } from '@/lib/jobs/definitions/league/historical-stats-refresh.ts';
import { countEntrySeasonStats } from '@/lib/league/entry-season-stats.ts';
import { defineHandler } from '../../define-handler.ts';
import { leagueServices } from './league-services.ts';

/**
 * Handler of historical-stats-refresh (lib/jobs/definitions/league/historical-stats-refresh.ts): rebuilds
 * "EntrySeasonStats" from EntryEventHistory without blocking its readers, then drops every
 * cached `history:season:` key (the league pages' "Best seasons", lib/league/league-queries.ts),
 * which were computed from the view's old contents. stats-update's `history:stats:` keys do not
 * read the view and are left alone.
 */
export const historicalStatsRefreshHandler = defineHandler(historicalStatsRefreshJob, async (ctx) => {
  const { cache } = await leagueServices();
  const started = Date.now();
  // CONCURRENTLY needs the view's unique index on "entryId" (see the migration).
  await ctx.phase('refresh', () => db().$executeRaw`REFRESH MATERIALIZED VIEW CONCURRENTLY "EntrySeasonStats"`);
  const refreshMs = Date.now() - started;
  const rows = await countEntrySeasonStats(db());
  ctx.count('processed', rows);
  ctx.progress(80);
  const invalidated = await ctx.phase('invalidate', () => cache.invalidatePattern('history:season:'));
  ctx.count('cacheKeysInvalidated', invalidated);
  ctx.progress(100);
  return { processed: rows, rows, refreshMs, invalidated, apiRequests: 0 };
});
