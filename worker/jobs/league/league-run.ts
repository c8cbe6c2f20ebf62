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

/**
 * Writes the fresh values of what the run changed into the cache (after the commit), so the
 * next read is a hit on the new value rather than a miss; counts them (`cacheKeysWritten`).
 * A Redis failure is logged by the cache and does not fail the run: the data is in PostgreSQL.
 */
export async function writeThrough(ctx: RunContext<unknown, unknown>, cache: TwoLevelCache, writes: readonly { key: string; value: unknown }[]): Promise<number> {
  const latest = new Map(writes.map((write) => [write.key, write.value]));
  if (latest.size === 0) return 0;
  await ctx.phase('cache', () => Promise.all([...latest].map(([key, value]) => cache.set(key, value))));
  ctx.count('cacheKeysWritten', latest.size);
  return latest.size;
}
