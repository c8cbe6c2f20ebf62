import { createRedis } from '../redis.ts';
import { TwoLevelCache } from './two-level-cache.ts';

const globalForCache = globalThis as unknown as { kickoffCache?: Promise<TwoLevelCache> };

/** The process's two-level cache, subscribed to invalidations on first use (the web app's; the worker's is in its league services). */
export function processCache(): Promise<TwoLevelCache> {
  globalForCache.kickoffCache ??= (async () => {
    const cache = new TwoLevelCache({ redis: createRedis('client') });
    await cache.start();
    return cache;
  })().catch((error: unknown) => {
    globalForCache.kickoffCache = undefined;
    throw error;
  });
  return globalForCache.kickoffCache;
}
