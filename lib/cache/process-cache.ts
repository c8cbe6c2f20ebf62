import { logger } from '../logger.ts';
import { createRedis } from '../redis.ts';
import { TwoLevelCache } from './two-level-cache.ts';

const globalForCache = globalThis as unknown as { kickoffCache?: Promise<TwoLevelCache> };

/**
 * The process's two-level cache, subscribed to invalidations on first use (the web app's; the
 * worker's is in its league services). Resolves even with Redis down: the cache then reads
 * through to PostgreSQL until Redis is back.
 */
export function processCache(): Promise<TwoLevelCache> {
  globalForCache.kickoffCache ??= (async () => {
    const connection = createRedis('client');
    connection.on('error', (error: unknown) => logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'cache connection error'));
    const cache = new TwoLevelCache({ redis: connection });
    await cache.start();
    return cache;
  })().catch((error: unknown) => {
    globalForCache.kickoffCache = undefined;
    throw error;
  });
  return globalForCache.kickoffCache;
}
