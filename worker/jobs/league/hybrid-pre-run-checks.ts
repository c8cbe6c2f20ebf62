import type { PreRunCheck } from '../../define-handler.ts';
import { cacheReachable, rateLimitBudget, workerHealth } from '../../pre-run-checks.ts';
import { leagueServices } from './league-services.ts';
import { upstreamRateLimitName, upstreamRatePerMs, type UpstreamBatchConfig } from './upstream-requests.ts';

/**
 * What the league's hybrid jobs (entry-updates, tournament-event-data) check before a run
 * starts (Letletme, Concurrency Strategy §4: `RATE_LIMIT_STATUS`, `WORKER_HEALTH`,
 * `CACHE_STATUS`): the shared upstream limit has a call left and no Retry-After pause holds
 * it, this worker keeps up, and the cache the run writes through answers. A run that fails
 * one is skipped with the reason (worker/pre-run-checks.ts).
 */
export const hybridPreRunChecks: readonly PreRunCheck<UpstreamBatchConfig>[] = [
  rateLimitBudget<UpstreamBatchConfig>({ name: upstreamRateLimitName, limit: (config) => ({ max: config.requestsPerMinute, perMs: upstreamRatePerMs }) }),
  workerHealth(),
  cacheReachable(async () => (await leagueServices()).cache.ping()),
];
