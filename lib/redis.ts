import { Redis, type RedisOptions } from 'ioredis';
import { env } from './env.ts';

/**
 * A new Redis connection. BullMQ workers need `maxRetriesPerRequest: null` (their blocking
 * commands must wait out a reconnect); everything else gives up after one reconnect attempt
 * so an HTTP request never hangs on a Redis that is down.
 */
export function createRedis(purpose: 'worker' | 'client', url = env().REDIS_URL, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: purpose === 'worker' ? null : 1,
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
    ...options,
  });
}

const globalForRedis = globalThis as unknown as { kickoffRedis?: Redis };

/** The process's shared fail-fast connection, for queues and locks used from requests. */
export function redis(): Redis {
  globalForRedis.kickoffRedis ??= createRedis('client');
  return globalForRedis.kickoffRedis;
}
