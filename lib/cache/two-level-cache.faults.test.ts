/**
 * The cache on Redis Cluster (bentocache's Redis driver and bus on a three-node cluster, keys
 * under the `{…}` hash tag of the prefix) and with its Redis stopped (a Redis of the test's own).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, Redis } from 'ioredis';
import { freePort, startTestCluster, TestRedisServer } from '@/scripts/test/redis-server.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { cacheKeys } from '../redis-keys.ts';
import { readCacheStats, TwoLevelCache } from './two-level-cache.ts';

const prefix = '{cache-faults}';
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('on Redis Cluster', () => {
  it('sets, reads, invalidates, drops groups and purges across two instances; the keys live in one slot', { timeout: 90_000 }, async () => {
    const cluster = await startTestCluster();
    cleanups.push(() => cluster.destroy());
    const seeds = cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
    const connect = () => {
      const connection = new Cluster(seeds, { enableOfflineQueue: true, redisOptions: { maxRetriesPerRequest: 1 } }) as unknown as Redis;
      cleanups.push(() => connection.disconnect());
      return connection;
    };
    const instance = async () => {
      const cache = new TwoLevelCache({ redis: connect(), subscriber: connect(), prefix, statsFlushMs: 100 });
      cleanups.push(() => cache.close());
      await cache.start();
      return cache;
    };
    const [a, b] = [await instance(), await instance()];
    const admin = connect();

    await a.set('live:match:1', { score: '0-0' });
    expect(await b.get('live:match:1')).toEqual({ score: '0-0' });
    expect(await b.get('live:match:1')).toEqual({ score: '0-0' }); // b's local copy
    expect(b.stats().live).toMatchObject({ redisHits: 1, localHits: 1 });
    await a.set('live:match:1', { score: '1-0' });
    await waitFor(async () => ((await b.get<{ score: string }>('live:match:1'))?.score === '1-0'), 2_000, 'b to hear of the write on the cluster bus');

    for (const key of ['league:3:standings:1', 'league:3:standings:2', 'league:4:standings:1', 'player:9']) await a.set(key, key);
    for (const key of ['league:3:standings:1', 'player:9']) expect(await b.get(key)).toBe(key);
    expect(await a.invalidate(['player:9', 'player:10'])).toBe(1); // EXISTS over keys of one slot
    expect(await a.invalidatePattern('league:3:')).toBe(2); // SCAN on every master
    await waitFor(async () => (await b.get('league:3:standings:1')) === undefined && (await b.get('player:9')) === undefined, 2_000, 'b to drop what a invalidated');
    expect(await b.get('league:4:standings:1')).toBe('league:4:standings:1');
    expect(await b.purge()).toMatchObject({ league: 1, live: 1 });
    await waitFor(async () => (await a.get('league:4:standings:1')) === undefined, 2_000, 'a to drop the purged family');

    // Every key is on the one master that serves the prefix's slot.
    await a.set('meta:teams', ['a']);
    const held = await Promise.all((admin as unknown as Cluster).nodes('master').map(async (node) => (await node.keys(`${cacheKeys.entry(prefix, '')}*`)).length));
    expect(held.filter((count) => count > 0)).toHaveLength(1);

    await a.flushStats();
    await b.flushStats();
    const totals = await readCacheStats(admin, prefix);
    expect(totals.live.hits).toBeGreaterThanOrEqual(2);
    expect(totals.league.invalidations).toBeGreaterThanOrEqual(3);
  });
});

describe('with its Redis stopped', () => {
  it('never throws: reads fall back to the load, writes and invalidations are logged, the local level stays off until Redis is back', { timeout: 60_000 }, async () => {
    const server = new TestRedisServer(await freePort());
    await server.start();
    cleanups.push(() => server.destroy());
    const connection = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: (times) => Math.min(times * 100, 500) });
    connection.on('error', () => {});
    const subscriber = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: (times) => Math.min(times * 100, 500) });
    subscriber.on('error', () => {});
    cleanups.push(() => connection.disconnect(), () => subscriber.disconnect());
    const cache = new TwoLevelCache({ redis: connection, subscriber, prefix, statsFlushMs: 100 });
    cleanups.push(() => cache.close());
    await cache.start();
    await cache.set('event:current', { id: 1 });
    expect(await cache.get('event:current')).toEqual({ id: 1 });
    expect(cache.stats().event.localHits).toBe(1);

    await server.stop();
    let loads = 0;
    const load = async () => ({ id: ++loads });
    expect(await cache.getOrLoad('event:current', load)).toEqual({ id: 1 }); // the local copy went with the connection
    expect(await cache.getOrLoad('event:current', load)).toEqual({ id: 2 }); // and no new one is kept while deaf
    expect(cache.stats().event.localHits).toBe(1);
    await expect(cache.set('event:current', { id: 9 })).resolves.toBeUndefined();
    await expect(cache.invalidate(['event:current', 'live:match:1'])).resolves.toBe(0);
    await expect(cache.invalidatePattern('league:1:')).resolves.toBe(0);
    await expect(cache.purge(['live'])).resolves.toEqual({ live: 0 });
    expect(await cache.get('player:1')).toBeUndefined();

    await server.start();
    await waitFor(async () => {
      await cache.set('player:2', 'back');
      return (await cache.get('player:2')) === 'back' && cache.stats().player.localHits > 0;
    }, 15_000, 'the local level to come back with Redis');
  });
});
