import type { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { countRollback } from '@/lib/metrics/league-metrics.ts';
import { db } from '@/lib/db.ts';
import type { BatchResult } from '../../batch/run-batch.ts';
import type { RunContext } from '../../run-context.ts';
import { fetchLeagueStandings, writeLeagueStandings, type FetchedStandings } from './league-store.ts';
import type { UpstreamClient } from '@/lib/league/upstream-client.ts';
import { batchKeepingSuccesses, upstreamBatchOptions, type ItemRequests, type UpstreamBatchConfig, type UpstreamRequest, type UpstreamRequests } from './upstream-requests.ts';

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

/**
 * What storing a batch of standings has done so far, so a phase that stores them can be tried
 * again (ctx.phase's retry) without writing a league twice or losing a cache drop.
 */
export interface StandingsProgress {
  summary: StandingsSummary;
  /** Leagues whose transaction committed. */
  stored: Set<number>;
  /** Leagues stored whose cached pages are still to be dropped. */
  stale: Set<number>;
}

export function standingsProgress(fetched: BatchResult<FetchedStandings>): StandingsProgress {
  return {
    summary: { leagues: [], leaguesFailed: fetched.failed + fetched.skipped, standingsWritten: 0, standingsRemoved: 0, entriesCreated: 0 },
    stored: new Set(),
    stale: new Set(),
  };
}

/**
 * Writes each league's fetched standings in its own transaction, then drops its cached pages
 * if they changed. Given the progress of an earlier call that threw, it carries on from there.
 */
export async function storeStandings(
  fetched: BatchResult<FetchedStandings>,
  cache: TwoLevelCache,
  log: RunContext['log'],
  progress: StandingsProgress = standingsProgress(fetched),
): Promise<StandingsSummary> {
  const { summary } = progress;
  await dropStaleStandings(cache, progress.stale);
  for (const standings of fetched.results) {
    if (!standings || progress.stored.has(standings.league.id)) continue;
    const write = await db()
      .$transaction((tx) => writeLeagueStandings(tx, standings))
      .catch(async (error: unknown) => {
        await countRollback('standings');
        throw error;
      });
    progress.stored.add(standings.league.id);
    summary.leagues.push(standings.league.id);
    const standingsWritten = write.standings.created + write.standings.updated;
    summary.standingsWritten += standingsWritten;
    summary.standingsRemoved += write.standingsRemoved;
    summary.entriesCreated += write.entriesCreated;
    if (write.league !== 'unchanged' || standingsWritten + write.standingsRemoved > 0) progress.stale.add(standings.league.id);
    await dropStaleStandings(cache, progress.stale);
    if (!standings.complete) log(`League ${standings.league.id} has more standings pages than were read; rows of entries not seen were kept`, { leagueId: standings.league.id });
  }
  return summary;
}

/** The pages of the leagues in `stale`, and the league list (names and member counts); each league leaves `stale` once dropped. */
/**
 * The first standings page of each league, read without the shared batch budget (as the live
 * jobs read the rest of the live data) and stored as storeStandings stores them: what
 * event-live-update keeps the League pages' tables live with. A league whose page does not
 * come keeps its rows until the next run; returns the leagues written and the rows changed.
 */
export async function syncFirstStandingsPages(
  ctx: Pick<RunContext, 'signal' | 'log'>,
  client: UpstreamClient,
  leagueIds: readonly number[],
  cache: TwoLevelCache,
): Promise<{ leagues: number; standingsWritten: number }> {
  const read = (request: UpstreamRequest<unknown>) => request(client, { signal: ctx.signal });
  const fetched = await Promise.allSettled(leagueIds.map((leagueId) => fetchLeagueStandings(read as ItemRequests, leagueId, 1)));
  let leagues = 0;
  let standingsWritten = 0;
  for (const [index, outcome] of fetched.entries()) {
    if (outcome.status === 'rejected') {
      ctx.log(`League ${leagueIds[index]}'s standings were not read: ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}`);
      continue;
    }
    const write = await db().$transaction((tx) => writeLeagueStandings(tx, outcome.value));
    const written = write.standings.created + write.standings.updated;
    leagues++;
    standingsWritten += written;
    if (write.league !== 'unchanged' || written + write.standingsRemoved > 0) await dropStaleStandings(cache, new Set([outcome.value.league.id]));
  }
  return { leagues, standingsWritten };
}

async function dropStaleStandings(cache: TwoLevelCache, stale: Set<number>): Promise<void> {
  for (const leagueId of [...stale]) {
    await cache.invalidatePattern(`league:${leagueId}:standings:`);
    await cache.invalidate(['league:list']);
    stale.delete(leagueId);
  }
}
