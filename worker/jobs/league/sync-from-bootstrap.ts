import type { RunContext } from '../../run-context.ts';
import { withLeagueRun } from './league-run.ts';
import { assertConsistent, reportTables, writeTables, type LeagueSource, type LeagueTable } from './sync-tables.ts';

/**
 * The one flow of the meta jobs (bootstrap-meta, teams-update, phases-update), each over a
 * different set of tables: fetch bootstrap-static (and the fixtures when they are wanted),
 * refuse it whole when it is inconsistent, write the tables in one transaction (changed rows
 * only), then invalidate the cache keys of what changed.
 */
export async function syncFromBootstrap(ctx: RunContext<unknown, unknown>, tables: readonly LeagueTable[]) {
  return withLeagueRun(ctx, async (upstream, cache) => {
    const options = { signal: ctx.signal };
    const source: LeagueSource = await ctx.phase('fetch', async () => {
      const [bootstrap, fixtures] = await Promise.all([
        upstream.bootstrapStatic(options),
        tables.includes('fixtures') ? upstream.fixtures(undefined, options) : undefined,
      ]);
      return { bootstrap, fixtures };
    });
    ctx.progress(40);
    await ctx.phase('validate', async () => assertConsistent(source.bootstrap!, source.fixtures));
    const outcomes = await ctx.phase('write', () => writeTables(source, tables));
    ctx.progress(90);
    const summary = await reportTables(ctx, cache, outcomes);
    ctx.progress(100);
    return summary;
  });
}
