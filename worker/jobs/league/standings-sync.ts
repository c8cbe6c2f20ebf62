import type { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { countRollback } from '@/lib/metrics/league-metrics.ts';
import { db } from '@/lib/db.ts';
import type { BatchResult } from '../../batch/run-batch.ts';
import type { RunContext } from '../../run-context.ts';
import { fetchLeagueStandings, writeLeagueStandings, type FetchedStandings } from './league-store.ts';
import { batchKeepingSuccesses, upstreamBatchOptions, type UpstreamBatchConfig, type UpstreamRequests } from './upstream-requests.ts';

/**
 * League standings as the hybrid jobs (entry-updates, tournament-event-data) sync them: fetched
 * from the upstream in one rate-limited batch (a league is an item), then written league by
 * league, each in its own transaction, dropping the league's cached pages once it commits.
 */

type BatchContext = Pick<RunContext, 'batch' | 'signal' | 'log' | 'count'>;

export interface StandingsSummary {
  leagues: number[];
  leaguesFailed: number;
  standingsWritten: number;
  standingsRemoved: number;
  entriesCreated: number;
}

/** Fetches up to `maxPages` standings pages of each league in one batch (a league is an item). */
export function fetchStandings(ctx: BatchContext, upstream: UpstreamRequests, leagueIds: readonly number[], maxPages: number, config: UpstreamBatchConfig) {
  return batchKeepingSuccesses(ctx, leagueIds, upstreamBatchOptions(config), (leagueId) => fetchLeagueStandings(upstream.forItem(), leagueId, maxPages));
}

/** Writes each league's fetched standings in its own transaction, then drops its cached pages if they changed. */
export async function storeStandings(fetched: BatchResult<FetchedStandings>, cache: TwoLevelCache, log: RunContext['log']): Promise<StandingsSummary> {
  const summary: StandingsSummary = { leagues: [], leaguesFailed: fetched.failed + fetched.skipped, standingsWritten: 0, standingsRemoved: 0, entriesCreated: 0 };
  for (const standings of fetched.results) {
    if (!standings) continue;
    const write = await db()
      .$transaction((tx) => writeLeagueStandings(tx, standings))
      .catch(async (error: unknown) => {
        await countRollback('standings');
        throw error;
      });
    summary.leagues.push(standings.league.id);
    const standingsWritten = write.standings.created + write.standings.updated;
    summary.standingsWritten += standingsWritten;
    summary.standingsRemoved += write.standingsRemoved;
    summary.entriesCreated += write.entriesCreated;
    if (write.league !== 'unchanged' || standingsWritten + write.standingsRemoved > 0) {
      // The pages, and the league list (names and member counts).
      await cache.invalidatePattern(`league:${standings.league.id}:standings:`);
      await cache.invalidate(['league:list']);
    }
    if (!standings.complete) log(`League ${standings.league.id} has more standings pages than were read; rows of entries not seen were kept`, { leagueId: standings.league.id });
  }
  return summary;
}
