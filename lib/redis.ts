import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { env } from './env.ts';

/** A connection to one Redis, or to a Redis Cluster when REDIS_CLUSTER_NODES is set. */
export type RedisConnection = Redis | Cluster;

/**
 * A new Redis connection. BullMQ workers need `maxRetriesPerRequest: null` (their blocking
 * commands must wait out a reconnect); everything else gives up after one reconnect attempt
 * so an HTTP request never hangs on a Redis that is down.
 */
export function createRedis(purpose: 'worker' | 'client', url = env().REDIS_URL, options: RedisOptions = {}): Redis {
  const clusterNodes = env().REDIS_CLUSTER_NODES;
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: purpose === 'worker' ? null : 1,
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
    ...options,
  };
  if (clusterNodes.length > 0) {
    // BullMQ and Kickoff's own keys all carry the `{…}` hash tag of QUEUE_PREFIX, so every
    // multi-key command of a queue lands on one slot. Typed as Redis: callers use the
    // commands both share.
    const { retryStrategy: _nodeRetry, ...nodeOptions } = redisOptions;
    return new Cluster(clusterNodes, {
      redisOptions: nodeOptions,
      clusterRetryStrategy: (times) => Math.min(times * 200, 2_000),
      enableOfflineQueue: true,
    }) as unknown as Redis;
  }
  return new Redis(url, redisOptions);
}

const globalForRedis = globalThis as unknown as { kickoffRedis?: Redis };

/** The process's shared fail-fast connection, for queues and locks used from requests. */
export function redis(): Redis {
  globalForRedis.kickoffRedis ??= createRedis('client');
  return globalForRedis.kickoffRedis;
}
