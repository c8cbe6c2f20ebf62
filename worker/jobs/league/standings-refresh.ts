import { db } from '@/lib/db.ts';
import { integrationRetry } from '@/lib/jobs/definitions/league/retry-kinds.ts';
import { standingsRefreshJob } from '@/lib/jobs/definitions/league/standings-refresh.ts';
import { defineHandler } from '../../define-handler.ts';
import { leagueServices } from './league-services.ts';
import { fetchStandings, standingsProgress, storeStandings, type StandingsSummary } from './standings-sync.ts';
import { UpstreamRequests } from './upstream-requests.ts';

/**
 * Handler of standings-refresh (lib/jobs/definitions/league/standings-refresh.ts), in the
 * phases of the hybrid jobs: which leagues (meta), their pages from the upstream in one
 * rate-limited batch, a league an item (external), each league stored in its own transaction
 * (integration, tried again by itself). Leagues that could not be read are kept as they were;
 * below the batch's success ratio the run fails after storing the ones that arrived.
 */

export interface StandingsRefreshResult extends Omit<StandingsSummary, 'leagues'> {
  /** The leagues asked for. */
  leagues: number;
  /** Those stored. */
  refreshed: number[];
  apiRequests: number;
}

export const standingsRefreshHandler = defineHandler(standingsRefreshJob, async (ctx) => {
  const { config } = ctx;
  const { cache, upstream: newClient } = await leagueServices();
  const upstream = new UpstreamRequests(newClient(), ctx, config.requestsPerMinute);
  const leagueIds = await ctx.phase('meta', async () => {
    if (ctx.payload.leagueIds) return ctx.payload.leagueIds;
    const known = await db().league.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
    return known.length > 0 ? known.map((league) => league.id) : config.leagueIds;
  });
  // every request counts itself on the run (apiRequests), failed runs included
  const fetched = await ctx.phase('external', () => fetchStandings(ctx, upstream, leagueIds, config.maxStandingsPages, config));
  const progress = standingsProgress(fetched.result);
  const stored = await ctx.phase('integration', () => storeStandings(fetched.result, cache, ctx.log, progress), { retry: integrationRetry });
  ctx.count('standingsWritten', stored.standingsWritten);
  if (fetched.failure) throw fetched.failure;
  const { leagues: refreshed, ...counts } = stored;
  const result: StandingsRefreshResult = { ...counts, leagues: leagueIds.length, refreshed, apiRequests: upstream.client.requests };
  return result;
});
