import type { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import type { UpstreamClient } from '@/lib/league/upstream-client.ts';
import type { RunContext } from '../../run-context.ts';
import { leagueServices } from './league-services.ts';

/**
 * The frame of a league run: one UpstreamClient for the whole run, whose request count lands
 * on the run (`apiRequests` counter, also when the run fails) and in its result, and the
 * process's cache for invalidating what the run changed.
 */
export async function withLeagueRun<T extends object>(
  ctx: RunContext<unknown, unknown>,
  work: (upstream: UpstreamClient, cache: TwoLevelCache) => Promise<T>,
): Promise<T & { apiRequests: number }> {
  const services = await leagueServices();
  const upstream = services.upstream();
  try {
    const result = await work(upstream, services.cache);
    return { ...result, apiRequests: upstream.requests };
  } finally {
    ctx.count('apiRequests', upstream.requests);
  }
}

/**
 * Invalidates `keys` (after the writes that made them stale have committed) and counts the ones
 * the cache really held: a key nothing had cached is not counted as dropped.
 */
export async function invalidateChanged(ctx: RunContext<unknown, unknown>, cache: TwoLevelCache, keys: readonly string[]): Promise<number> {
  const unique = [...new Set(keys)];
  if (unique.length === 0) return 0;
  const dropped = await ctx.phase('invalidate', () => cache.invalidate(unique));
  ctx.count('cacheKeysInvalidated', dropped);
  return dropped;
}
