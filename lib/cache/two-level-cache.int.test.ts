import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { deleteRedisKeys } from '@/scripts/test/test-resources.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { createRedis } from '../redis.ts';
import { cacheFamilies, familyOf, groupsOf, ttlMsOf } from './cache-families.ts';
import { cacheKeys } from '../redis-keys.ts';
import { readCacheStats, TwoLevelCache, type TwoLevelCacheOptions } from './two-level-cache.ts';

const prefix = useOwnQueuePrefix('cache');
const redis = createRedis('client');
const connections: Redis[] = [redis];
const caches: TwoLevelCache[] = [];
const children: ChildProcess[] = [];

/** A cache with connections of its own, as another process would have. */
async function newCache(options: Partial<TwoLevelCacheOptions> = {}, start = true): Promise<TwoLevelCache> {
  const commands = createRedis('client');
  connections.push(commands);
  const cache = new TwoLevelCache({ redis: commands, ...options });
  caches.push(cache);
  if (start) await cache.start();
  return cache;
}

/** Writes a cached value straight into Redis as bentocache stores it, but with no broadcast. */
const putRaw = (key: string, value: unknown) =>
  redis.set(cacheKeys.entry(prefix, key), JSON.stringify({ value, createdAt: Date.now(), logicalExpiration: Date.now() + ttlMsOf(key), tags: groupsOf(key) }), 'PX', 2 * ttlMsOf(key));
/** The value bentocache keeps in Redis under `key`. */
const rawValue = async (key: string) => (JSON.parse((await redis.get(cacheKeys.entry(prefix, key)))!) as { value: unknown }).value;

let a: TwoLevelCache;
let b: TwoLevelCache;
beforeAll(async () => {
  const subscriber = createRedis('client');
  connections.push(subscriber);
  a = await newCache({ subscriber }); // a subscriber given…
  b = await newCache(); // …and one the cache makes itself
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.allSettled(caches.map((cache) => cache.close()));
  for (const connection of connections) connection.disconnect();
  await deleteRedisKeys(prefix);
});

describe('cache families', () => {
  it('gives each family its TTL and names an unknown family', () => {
    expect(ttlMsOf('live:match:1')).toBe(60_000);
    expect(ttlMsOf('player:7')).toBe(300_000);
    expect(ttlMsOf('event:current')).toBe(120_000);
    expect(ttlMsOf('league:3:standings:2')).toBe(900_000);
    expect(ttlMsOf('tournament:3:standings')).toBe(1_800_000);
    expect(ttlMsOf('entry:9')).toBe(600_000);
    expect(ttlMsOf('history:2024')).toBe(3_600_000);
    expect(ttlMsOf('meta:team:4')).toBe(3_600_000);
    expect(ttlMsOf('analytics:event:3:stats')).toBe(7_200_000);
    expect(() => familyOf('nope:1')).toThrow(/unknown family "nope".*live, player/);
    expect(() => familyOf('constructor:1')).toThrow(/unknown family/);
  });

  it('tags each key with its groups: every prefix that ends in a colon', () => {
    expect(groupsOf('league:12:standings:3')).toEqual(['league:', 'league:12:', 'league:12:standings:']);
    expect(groupsOf('event:current')).toEqual(['event:']);
    expect(groupsOf('history:stats:season:')).toEqual(['history:', 'history:stats:']);
  });
});

describe('TwoLevelCache', () => {
  it('stores each key in Redis fresh for its family TTL, kept as long again as a grace period', async () => {
    for (const key of ['live:match:1', 'history:2024', 'tournament:5:standings', 'event:5:status']) {
      const before = Date.now();
      await a.set(key, { key });
      const ttl = cacheFamilies[familyOf(key)].ttlMs;
      const pttl = await redis.pttl(cacheKeys.entry(prefix, key));
      expect(pttl).toBeGreaterThan(2 * ttl - 5_000);
      expect(pttl).toBeLessThanOrEqual(2 * ttl);
      const stored = JSON.parse((await redis.get(cacheKeys.entry(prefix, key)))!) as { value: unknown; logicalExpiration: number; tags: string[] };
      expect(stored.value).toEqual({ key });
      expect(stored.logicalExpiration - before).toBeGreaterThanOrEqual(ttl);
      expect(stored.logicalExpiration - Date.now()).toBeLessThanOrEqual(ttl);
      expect(stored.tags).toEqual(groupsOf(key));
    }
  });

  it('counts a miss, then a Redis hit that fills the local copy, then a local hit', async () => {
    const before = b.stats().player;
    expect(await b.get('player:1')).toBeUndefined();
    await putRaw('player:1', { value: 9.5 }); // no broadcast that could arrive late and drop b's copy
    expect(await b.get('player:1')).toEqual({ value: 9.5 });
    expect(await b.get('player:1')).toEqual({ value: 9.5 });
    const after = b.stats().player;
    expect(after.misses - before.misses).toBe(1);
    expect(after.redisHits - before.redisHits).toBe(1);
    expect(after.localHits - before.localHits).toBe(1);
  });

  it('keeps a local copy no longer than localTtlMs', async () => {
    const capped = await newCache({ localTtlMs: 300 });
    await capped.set('meta:team:2', 'x');
    await capped.get('meta:team:2');
    expect(capped.stats().meta).toMatchObject({ localHits: 1, redisHits: 0 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await capped.get('meta:team:2');
    expect(capped.stats().meta).toMatchObject({ localHits: 1, redisHits: 1 });
    const off = await newCache({ localTtlMs: 0 });
    await off.set('meta:team:3', 'y');
    await off.get('meta:team:3');
    expect(off.stats().meta).toMatchObject({ localHits: 0, redisHits: 1 });
  });

  it('bypasses the local level until started', async () => {
    const unstarted = await newCache({}, false);
    await unstarted.set('entry:1', 1);
    await unstarted.get('entry:1');
    expect(unstarted.stats().entry).toMatchObject({ localHits: 0, redisHits: 1 });
  });

  it('shares one load among concurrent callers of one key, and caches no failed load', async () => {
    let loads = 0;
    const load = async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { standings: [1, 2, 3] };
    };
    const values = await Promise.all(Array.from({ length: 5 }, () => a.getOrLoad('league:5:standings:1', load)));
    expect(loads).toBe(1);
    for (const value of values) expect(value).toEqual({ standings: [1, 2, 3] });
    expect(await a.getOrLoad('league:5:standings:1', load)).toEqual({ standings: [1, 2, 3] });
    expect(await b.getOrLoad('league:5:standings:1', load)).toEqual({ standings: [1, 2, 3] }); // from Redis
    expect(loads).toBe(1);

    let failures = 0;
    const failing = async () => {
      failures += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error('upstream down');
    };
    await expect(a.getOrLoad('league:6:standings:1', failing)).rejects.toThrow('upstream down');
    expect(failures).toBe(1);
    expect(await a.getOrLoad('league:6:standings:1', async () => 'ok')).toBe('ok');
    expect(await b.get('league:6:standings:1')).toBe('ok');
  });

  it('stores neither undefined nor a load that gave undefined', async () => {
    await expect(a.set('entry:2', undefined)).rejects.toThrow(TypeError);
    expect(await a.getOrLoad('entry:2', async () => undefined)).toBeUndefined();
    expect(await redis.exists(cacheKeys.entry(prefix, 'entry:2'))).toBe(0);
    await expect(a.set('entry:4', () => 1)).rejects.toThrow(TypeError);
    await a.set('entry:3', null);
    expect(await b.getOrLoad('entry:3', async () => 'loaded')).toBeNull();
  });

  it('falls back to the load when Redis fails, without throwing', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    down.on('error', () => {});
    connections.push(down);
    const cache = new TwoLevelCache({ redis: down, prefix });
    caches.push(cache);
    expect(await cache.getOrLoad('event:current', async () => ({ id: 3 }))).toEqual({ id: 3 });
    expect(await cache.get('event:current')).toBeUndefined();
    await expect(cache.getOrLoad('event:current', async () => Promise.reject(new Error('load failed')))).rejects.toThrow('load failed');
    await cache.set('event:current', { id: 4 });
    expect(await cache.invalidate(['event:current', 'live:match:1'])).toBe(0);
    expect(await cache.invalidatePattern('league:1:')).toBe(0);
    expect(await cache.purge()).toMatchObject({ live: 0, league: 0 });
    await cache.close(); // its stats cannot be flushed: logged, not thrown
  });

  it('does not cache a load that overlapped a change of its key, and returns it all the same', async () => {
    let release!: () => void;
    const slow = a.getOrLoad('player:40', () => new Promise<string>((resolve) => (release = () => resolve('old'))));
    await waitFor(async () => release !== undefined, 1_000, 'the load to start');
    await b.set('player:40', 'new'); // another process writes through while a's load runs
    await new Promise((resolve) => setTimeout(resolve, 300)); // a hears of it on the bus (a read of a would wait for the load's lock)
    release();
    expect(await slow).toBe('old');
    expect(await rawValue('player:40')).toBe('new');
    expect(await a.get('player:40')).toBe('new');
  });

  it('makes another instance drop its stale local copy on set, within a second; the writer keeps its own', async () => {
    await a.set('live:match:3', { score: '0-0' });
    expect(await b.get('live:match:3')).toEqual({ score: '0-0' });
    expect(await b.get('live:match:3')).toEqual({ score: '0-0' }); // b's local copy
    const localBefore = a.stats().live.localHits;
    await a.set('live:match:3', { score: '1-0' });
    await waitFor(async () => (await b.get<{ score: string }>('live:match:3'))?.score === '1-0', 1_000, 'b to read the new score');
    expect(await a.get('live:match:3')).toEqual({ score: '1-0' });
    expect(a.stats().live.localHits).toBe(localBefore + 1);
  });

  it('invalidates keys and key prefixes in Redis and in every instance', async () => {
    for (const key of ['league:12:standings:1', 'league:12:standings:2', 'league:13:standings:1', 'player:2']) {
      await a.set(key, key);
      expect(await b.get(key)).toBe(key);
      expect(await b.get(key)).toBe(key); // local in b
    }
    expect(await a.invalidatePattern('league:12:')).toBe(2);
    await expect(a.invalidatePattern('league:12')).rejects.toThrow(/must end in ':'/);
    expect(await redis.exists(cacheKeys.entry(prefix, 'league:12:standings:1'), cacheKeys.entry(prefix, 'league:12:standings:2'))).toBe(0);
    expect(await redis.exists(cacheKeys.entry(prefix, 'league:13:standings:1'))).toBe(1);
    await waitFor(async () => (await b.get('league:12:standings:2')) === undefined, 1_000, 'b to drop league 12');
    expect(await b.get('league:12:standings:1')).toBeUndefined();
    expect(await b.get('league:13:standings:1')).toBe('league:13:standings:1');
    expect(await a.get('league:12:standings:1')).toBeUndefined();

    await b.invalidate(['player:2']);
    expect(await redis.exists(cacheKeys.entry(prefix, 'player:2'))).toBe(0);
    await waitFor(async () => (await a.get('player:2')) === undefined, 1_000, 'a to drop player 2');
    expect(b.stats().player.invalidations).toBe(1);
    expect(a.stats().league.invalidations).toBe(2);
  });

  it('purges one family or all of them, in Redis and in every instance', async () => {
    for (const key of ['analytics:event:70:stats', 'analytics:tournament:70:standings', 'tournament:70:entries', 'meta:teams']) {
      await a.set(key, key);
      expect(await b.get(key)).toBe(key);
    }
    expect(await b.purge(['analytics'])).toEqual({ analytics: 2 });
    await waitFor(async () => (await a.get('analytics:event:70:stats')) === undefined && (await a.get('analytics:tournament:70:standings')) === undefined, 1_000, 'a to drop the analytics family');
    expect(await a.get('tournament:70:entries')).toBe('tournament:70:entries');
    const all = await a.purge();
    expect(Object.keys(all).sort()).toEqual(Object.keys(cacheFamilies).sort());
    expect(all.tournament).toBeGreaterThanOrEqual(1);
    expect(all.meta).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await b.get('meta:teams')) === undefined, 1_000, 'b to drop everything');
    expect(await redis.exists(cacheKeys.entry(prefix, 'tournament:70:entries'), cacheKeys.entry(prefix, 'meta:teams'))).toBe(0);
    // A value written after the purge is served: the tag hides only what was there before.
    await a.set('meta:teams', 'after');
    await waitFor(async () => (await b.get('meta:teams')) === 'after', 1_000, 'b to read the value written after the purge');
  });

  it('keeps going when one warm-up load fails', async () => {
    const warmed = await a.warm([
      { key: 'meta:team:10', load: async () => ({ name: 'Ajax' }) },
      { key: 'meta:team:11', load: async () => Promise.reject(new Error('no such team')) },
      { key: 'meta:phase:1', load: async () => ({ name: 'Group' }) },
      { key: 'bogus:1', load: async () => 1 },
    ]);
    expect(warmed).toBe(2);
    expect(await b.get('meta:team:10')).toEqual({ name: 'Ajax' });
    expect(await b.get('meta:phase:1')).toEqual({ name: 'Group' });
    expect(await b.get('meta:team:11')).toBeUndefined();
  });

  it('adds its counts to Redis about every second and on close, for readCacheStats', async () => {
    const statsPrefix = prefix.replace(/\}$/, '-stats}'); // totals of this test alone
    const cache = await newCache({ prefix: statsPrefix });
    await cache.get('history:1999');
    await cache.set('history:1999', 'x');
    await cache.get('history:1999'); // local hit
    await cache.get('tournament:1:standings');
    const totals = await waitFor(async () => {
      const read = await readCacheStats(redis, statsPrefix);
      return read.history.hits === 1 && read;
    }, 3_000, 'the timed flush');
    expect(totals.history).toEqual({ hits: 1, misses: 1, sets: 1, invalidations: 0 });
    expect(totals.tournament).toEqual({ hits: 0, misses: 1, sets: 0, invalidations: 0 });
    expect(await redis.hget(cacheKeys.stats(statsPrefix), 'history:hits')).toBe('1');

    await cache.get('history:1999');
    await cache.get('history:2000');
    await cache.close();
    expect((await readCacheStats(redis, statsPrefix)).history).toEqual({ hits: 2, misses: 2, sets: 1, invalidations: 0 });
    expect((await readCacheStats(redis, statsPrefix)).live).toEqual({ hits: 0, misses: 0, sets: 0, invalidations: 0 });
  });
});

interface FixtureReply {
  key: string;
  found: boolean;
  value: unknown;
  localHits: number;
  redisHits: number;
}

/** The fixture in a child process; `ask` sends one command and waits for its answer line. */
async function startFixture(): Promise<{ ask: (command: string) => Promise<FixtureReply>; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./cache-fixture-process.ts', import.meta.url).pathname], {
    env: { ...process.env, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const waiting: ((line: string) => void)[] = [];
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  const next = (timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const buffered = lines.shift();
      if (buffered !== undefined) return resolve(buffered);
      const timer = setTimeout(() => reject(new Error(`no answer from the fixture process in ${timeoutMs} ms`)), timeoutMs);
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  expect(await next(20_000)).toBe('ready');
  return {
    child,
    ask: async (command) => {
      child.stdin!.write(`${command}\n`);
      return JSON.parse(await next(5_000)) as FixtureReply;
    },
  };
}

describe('TwoLevelCache across processes', () => {
  it('a child process sees a set and an invalidate from this one', { timeout: 40_000 }, async () => {
    const { ask, child } = await startFixture();
    await putRaw('event:current', { id: 1 });
    expect(await ask('get event:current')).toMatchObject({ found: true, value: { id: 1 }, redisHits: 1, localHits: 0 });
    expect(await ask('get event:current')).toMatchObject({ found: true, value: { id: 1 }, localHits: 1 }); // its local copy

    await a.set('event:current', { id: 2 });
    await waitFor(async () => ((await ask('get event:current')).value as { id: number }).id === 2, 1_000, 'the child to read the new value');

    await a.invalidate(['event:current']);
    await waitFor(async () => !(await ask('get event:current')).found, 1_000, 'the child to drop the key');

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin!.write('exit\n');
    expect(await exited).toBe(0);
  });
});
