import { afterAll, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { deleteRedisKeys } from '@/scripts/test/test-resources.ts';
import { createRedis } from '../redis.ts';
import { measureCacheReads } from './cache-read-bench.ts';

const prefix = useOwnQueuePrefix('cache-bench');
const connections = [0, 1, 2, 3].map(() => createRedis('client'));
afterAll(async () => {
  for (const connection of connections) connection.disconnect();
  await deleteRedisKeys(prefix);
});

it('measures local hits, Redis hits and misses (each read what it says), for npm run bench', async () => {
  const [redis, subscriber, secondRedis, secondSubscriber] = connections as [never, never, never, never];
  const figures = await measureCacheReads({ redis, subscriber, secondRedis, secondSubscriber, prefix, reads: 50 });
  expect(figures.reads).toBe(50);
  for (const kind of ['localHit', 'redisHit', 'miss'] as const) {
    expect(figures[kind].p50Ms).toBeGreaterThan(0);
    expect(figures[kind].p95Ms).toBeGreaterThanOrEqual(figures[kind].p50Ms);
  }
});
