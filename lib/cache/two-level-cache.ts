import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Cluster, Redis } from 'ioredis';
import { env } from '../env.ts';
import { logger } from '../logger.ts';
import { createRedis } from '../redis.ts';
import { cacheFamilyNames, familyOf, ttlMsOf, type CacheFamily } from './cache-families.ts';
import { cacheKeys } from '../redis-keys.ts';
import { LruCache } from './lru.ts';

/**
 * A cache in two levels: a small in-process LRU in front of Redis. Redis holds each value
 * for its family's TTL and is shared by every process; the local copy saves the round trip
 * and lives at most `localTtlMs`. Writes and invalidations are broadcast on a pub/sub
 * channel so every other process drops its local copy. Values are JSON.
 */
export interface TwoLevelCacheOptions {
  /**
   * Connection for commands (GET, SET, SCAN, UNLINK, PUBLISH, HINCRBY); a Redis or a Cluster
   * as `createRedis` gives. Not closed by `close()`.
   */
  redis: Redis;
  /**
   * A second connection for the invalidation channel (one in subscriber mode runs no other
   * commands). If given, `close()` only unsubscribes it.
   * @defaultValue a new `createRedis('client')` made by `start()` and closed by `close()`
   */
  subscriber?: Redis;
  /**
   * Prefix of every key and channel, a hash tag such as `{kickoff}`.
   * @defaultValue env().QUEUE_PREFIX
   */
  prefix?: string;
  /**
   * Most values kept in this process; the least recently used go first.
   * @defaultValue 5000
   */
  maxLocalEntries?: number;
  /**
   * Longest life of a local copy, in milliseconds; never longer than the family's TTL nor
   * than what Redis has left of the value. `0` turns the local level off.
   * @defaultValue 30_000
   */
  localTtlMs?: number;
  /**
   * How often counts are added to the stats hash in Redis, in milliseconds.
   * @defaultValue 1000
   */
  statsFlushMs?: number;
  /**
   * Clock of the local level, in milliseconds (Redis expiry keeps Redis's own time).
   * @defaultValue Date.now
   */
  now?: () => number;
}

/** This process's counts for one family since the cache was made. */
export interface CacheFamilyStats {
  localHits: number;
  redisHits: number;
  misses: number;
  sets: number;
  /** Keys this process invalidated (not those it heard of from others). */
  invalidations: number;
}

export type CacheStats = Record<CacheFamily, CacheFamilyStats>;

/** Totals of every process for one family, as kept in Redis; `hits` counts both levels. */
export interface CacheTotals {
  hits: number;
  misses: number;
  sets: number;
  invalidations: number;
}

/** What goes on the invalidation channel: keys, or every key starting with `prefix`. */
interface InvalidationMessage {
  sender: string;
  /** A `set` keeps its writer's fresh copy, so the writer ignores its own. */
  reason: 'set' | 'invalidate';
  keys?: string[];
  prefix?: string;
}

/** An operation that will fill the local level with what it read, unless its key changed meanwhile. */
interface Watch {
  key: string;
  dirty: boolean;
}

const totalsFields = ['hits', 'misses', 'sets', 'invalidations'] as const satisfies readonly (keyof CacheTotals)[];

export class TwoLevelCache {
  readonly prefix: string;
  /** Unique to this instance: a process tells its own broadcasts from others' by it. */
  readonly senderId = `${hostname()}:${process.pid}:${randomUUID()}`;
  private readonly redis: Redis;
  private subscriber: Redis | undefined;
  private readonly ownsSubscriber: boolean;
  private readonly channel: string;
  private readonly local: LruCache<string>;
  private readonly localTtlMs: number;
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly watches = new Set<Watch>();
  private readonly counts = Object.fromEntries(
    cacheFamilyNames.map((family) => [family, { localHits: 0, redisHits: 0, misses: 0, sets: 0, invalidations: 0 }]),
  ) as CacheStats;
  private unflushed = new Map<string, number>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly flushTimer: NodeJS.Timeout;
  private state: 'new' | 'started' | 'closed' = 'new';
  /** Local copies are served only while this process hears invalidations. */
  private listening = false;
  private readonly log = logger.child({ component: 'two-level-cache' });

  constructor(options: TwoLevelCacheOptions) {
    this.redis = options.redis;
    this.subscriber = options.subscriber;
    this.ownsSubscriber = options.subscriber === undefined;
    if (this.subscriber === this.redis) throw new Error('TwoLevelCache needs a second connection as subscriber: one in subscriber mode runs no other commands');
    this.prefix = options.prefix ?? env().QUEUE_PREFIX;
    this.channel = cacheKeys.invalidations(this.prefix);
    this.localTtlMs = options.localTtlMs ?? 30_000;
    if (!(this.localTtlMs >= 0)) throw new RangeError(`localTtlMs must be 0 or more, got ${this.localTtlMs}`);
    this.local = new LruCache<string>({ maxEntries: options.maxLocalEntries ?? 5000, now: options.now });
    this.flushTimer = setInterval(() => void this.flushStats(), options.statsFlushMs ?? 1_000).unref();
  }

  /**
   * Subscribes to the invalidation channel; resolves once subscribed. Until then (and while
   * the subscriber reconnects) the local level is bypassed, so no copy outlives a change
   * this process could not hear of.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`TwoLevelCache.start() called on a ${this.state} cache`);
    this.state = 'started';
    if (!this.subscriber) {
      this.subscriber = createRedis('client');
      this.subscriber.on('error', (error: unknown) => this.log.warn({ err: error }, 'cache subscriber connection error'));
    }
    this.subscriber.on('message', this.onMessage);
    this.subscriber.on('close', this.onClose);
    await this.listen();
    this.subscriber.on('ready', this.onReady);
  }

  /** Stops listening, adds the last counts to Redis and closes the subscriber it made. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const subscriber = this.state === 'started' ? this.subscriber : undefined;
    this.state = 'closed';
    this.listening = false;
    this.local.clear();
    clearInterval(this.flushTimer);
    if (subscriber) {
      subscriber.off('message', this.onMessage).off('close', this.onClose).off('ready', this.onReady);
      if (this.ownsSubscriber) await subscriber.quit().catch(() => subscriber.disconnect());
      else await subscriber.unsubscribe(this.channel).catch((error: unknown) => this.log.warn({ err: error }, 'cache unsubscribe failed'));
    }
    await this.flushStats();
  }

  /** Resolves when the cache's Redis answers a PING (a job's pre-run check asks); rejects otherwise. */
  async ping(): Promise<void> {
    await this.redis.ping();
  }

  /** The value of `key`, or undefined. A Redis error counts as a miss (logged), never throws. */
  async get<T>(key: string): Promise<T | undefined> {
    const family = familyOf(key);
    const local = this.readLocal<T>(key, family);
    if (local) return local.value;
    const watch = this.watch(key);
    try {
      return await this.readRedis<T>(key, family, watch);
    } finally {
      this.watches.delete(watch);
    }
  }

  /**
   * The cached value of `key`, or what `load` gives (then cached, unless undefined). Callers
   * in this process asking for the same key at once share one load. Throws only what `load` throws.
   */
  async getOrLoad<T>(key: string, load: () => Promise<T>): Promise<T> {
    const family = familyOf(key);
    const local = this.readLocal<T>(key, family);
    if (local) return local.value;
    const pending = this.inflight.get(key);
    if (pending) return pending as Promise<T>;
    const flight = this.readThrough(key, family, load);
    const done = () => {
      if (this.inflight.get(key) === flight) this.inflight.delete(key);
    };
    flight.then(done, done);
    this.inflight.set(key, flight);
    return flight;
  }

  /** Stores `value` in Redis for its family's TTL and here; other processes drop their copy. */
  async set(key: string, value: unknown): Promise<void> {
    const family = familyOf(key);
    const json = toJson(key, value);
    const watch = this.watch(key);
    try {
      await this.write(key, family, json, watch);
    } finally {
      this.watches.delete(watch);
    }
  }

  /** Deletes `keys` from Redis and from every process's local level; returns how many Redis held (the ones really dropped). */
  async invalidate(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const families = keys.map(familyOf);
    this.forget(keys);
    const deleted = await this.unlink(keys.map((key) => cacheKeys.entry(this.prefix, key)));
    this.forget(keys); // a read that began during the delete must not keep what it found
    for (const family of families) this.count(family, 'invalidations');
    await this.publish({ reason: 'invalidate', keys });
    return deleted;
  }

  /**
   * Deletes every key starting with `keyPrefix` (such as `league:12:`) from Redis (SCAN on
   * each master) and from every process's local level; returns how many Redis held.
   */
  async invalidatePattern(keyPrefix: string): Promise<number> {
    const family = familyOf(keyPrefix);
    this.forget([], keyPrefix);
    const pattern = `${escapeGlob(cacheKeys.entry(this.prefix, keyPrefix))}*`;
    let deleted = 0;
    for (const node of this.masters()) {
      let cursor = '0';
      do {
        const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        if (found.length > 0) deleted += await this.unlink(found);
      } while (cursor !== '0');
    }
    this.forget([], keyPrefix);
    this.count(family, 'invalidations', deleted);
    await this.publish({ reason: 'invalidate', prefix: keyPrefix });
    return deleted;
  }

  /** Loads and stores each entry (for critical keys at start); returns how many were stored. */
  async warm(entries: ReadonlyArray<{ key: string; load: () => Promise<unknown> }>): Promise<number> {
    const results = await Promise.allSettled(
      entries.map(async ({ key, load }) => {
        const value = await load();
        if (value === undefined) return false;
        await this.set(key, value);
        return true;
      }),
    );
    let warmed = 0;
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') warmed += result.value ? 1 : 0;
      else this.log.warn({ err: result.reason, key: entries[index]!.key }, 'cache warm-up failed for a key');
    });
    return warmed;
  }

  /** This process's counts per family since the cache was made. */
  stats(): CacheStats {
    return Object.fromEntries(cacheFamilyNames.map((family) => [family, { ...this.counts[family] }])) as CacheStats;
  }

  /** Adds the counts not yet sent to the stats hash in Redis (every `statsFlushMs` and on close). */
  flushStats(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushOnce());
    return this.flushing;
  }

  private readonly onMessage = (channel: string, message: string) => {
    if (channel !== this.channel) return;
    let parsed: InvalidationMessage;
    try {
      parsed = JSON.parse(message) as InvalidationMessage;
    } catch {
      this.log.warn({ message }, 'unreadable cache invalidation ignored');
      return;
    }
    if (parsed.reason === 'set' && parsed.sender === this.senderId) return;
    this.forget(parsed.keys ?? [], parsed.prefix);
  };

  /** Invalidations sent while disconnected are lost: drop every local copy. */
  private readonly onClose = () => {
    this.listening = false;
    this.local.clear();
  };

  private readonly onReady = () => {
    if (this.state === 'started') void this.listen().catch((error: unknown) => this.log.warn({ err: error }, 'cache resubscribe failed'));
  };

  private async listen(): Promise<void> {
    await this.subscriber!.subscribe(this.channel);
    if (this.state === 'started') this.listening = true;
  }

  private readLocal<T>(key: string, family: CacheFamily): { value: T } | undefined {
    if (!this.listening) return undefined;
    const json = this.local.get(key);
    if (json === undefined) return undefined;
    this.count(family, 'localHits');
    return { value: JSON.parse(json) as T };
  }

  /** Keeps a local copy for at most localTtlMs, the family TTL and what Redis has left. */
  private writeLocal(key: string, json: string, redisLeftMs = Infinity): void {
    if (this.listening) this.local.set(key, json, Math.min(this.localTtlMs, ttlMsOf(key), redisLeftMs));
  }

  private async readRedis<T>(key: string, family: CacheFamily, watch: Watch): Promise<T | undefined> {
    const redisKey = cacheKeys.entry(this.prefix, key);
    let json: string | null;
    let value: T;
    let pttl: number;
    try {
      const [got, left] = replies(await this.redis.pipeline().get(redisKey).pttl(redisKey).exec());
      json = got as string | null;
      pttl = left as number;
      value = json === null ? (undefined as T) : (JSON.parse(json) as T);
    } catch (error) {
      this.log.warn({ err: error, key }, 'cache read from Redis failed; treated as a miss');
      json = null;
      value = undefined as T;
      pttl = 0;
    }
    if (json === null) {
      this.count(family, 'misses');
      return undefined;
    }
    this.count(family, 'redisHits');
    if (!watch.dirty) this.writeLocal(key, json, pttl === -1 ? Infinity : Math.max(0, pttl));
    return value;
  }

  private async readThrough<T>(key: string, family: CacheFamily, load: () => Promise<T>): Promise<T> {
    const watch = this.watch(key);
    try {
      const cached = await this.readRedis<T>(key, family, watch);
      if (cached !== undefined) return cached;
      const value = await load();
      // A load that overlapped a change of its key may be older than the change: not cached.
      if (value === undefined || watch.dirty) return value;
      try {
        await this.write(key, family, toJson(key, value), watch);
      } catch (error) {
        this.log.warn({ err: error, key }, 'cache write failed; the loaded value is returned uncached');
      }
      return value;
    } finally {
      this.watches.delete(watch);
    }
  }

  private async write(key: string, family: CacheFamily, json: string, watch: Watch): Promise<void> {
    await this.redis.set(cacheKeys.entry(this.prefix, key), json, 'PX', ttlMsOf(key));
    this.forget([key], undefined, watch); // reads here that began before must not fill an older value
    if (!watch.dirty) this.writeLocal(key, json);
    this.count(family, 'sets');
    await this.publish({ reason: 'set', keys: [key] });
  }

  private watch(key: string): Watch {
    const watch = { key, dirty: false };
    this.watches.add(watch);
    return watch;
  }

  /** Drops local copies and pending loads of `keys` (and of keys starting with `keyPrefix`). */
  private forget(keys: string[], keyPrefix?: string, except?: Watch): void {
    const named = new Set(keys);
    const matches = (key: string) => named.has(key) || (keyPrefix !== undefined && key.startsWith(keyPrefix));
    for (const key of keys) this.local.delete(key);
    if (keyPrefix !== undefined) this.local.deleteWhere(matches);
    for (const key of [...this.inflight.keys()]) if (matches(key)) this.inflight.delete(key);
    for (const watch of this.watches) if (watch !== except && matches(watch.key)) watch.dirty = true;
  }

  private async publish(message: Omit<InvalidationMessage, 'sender'>): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify({ sender: this.senderId, ...message } satisfies InvalidationMessage));
  }

  private masters(): Redis[] {
    return this.redis.isCluster ? (this.redis as unknown as Cluster).nodes('master') : [this.redis];
  }

  /** UNLINKs Redis keys: at once on one node; one by one on a Cluster, where they may lie in several slots. */
  private async unlink(redisKeys: string[]): Promise<number> {
    if (!this.redis.isCluster) return this.redis.unlink(...redisKeys);
    const counts = await Promise.all(redisKeys.map((key) => this.redis.unlink(key)));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  private count(family: CacheFamily, field: keyof CacheFamilyStats, by = 1): void {
    if (by === 0) return;
    this.counts[family][field] += by;
    const total: keyof CacheTotals = field === 'localHits' || field === 'redisHits' ? 'hits' : field;
    const name = `${family}:${total}`;
    this.unflushed.set(name, (this.unflushed.get(name) ?? 0) + by);
  }

  private async flushOnce(): Promise<void> {
    if (this.unflushed.size === 0) return;
    const batch = this.unflushed;
    this.unflushed = new Map();
    const key = cacheKeys.stats(this.prefix);
    try {
      const transaction = this.redis.multi();
      for (const [field, by] of batch) transaction.hincrby(key, field, by);
      replies(await transaction.exec());
    } catch (error) {
      for (const [field, by] of batch) this.unflushed.set(field, (this.unflushed.get(field) ?? 0) + by);
      this.log.warn({ err: error }, 'cache stats flush failed; kept for the next one');
    }
  }
}

/** Totals of every process per family, from the stats hash in Redis. */
export async function readCacheStats(redis: Redis, prefix: string = env().QUEUE_PREFIX): Promise<Record<CacheFamily, CacheTotals>> {
  const hash = await redis.hgetall(cacheKeys.stats(prefix));
  const totals = (family: CacheFamily) =>
    Object.fromEntries(totalsFields.map((field) => [field, Number(hash[`${family}:${field}`] ?? 0)])) as unknown as CacheTotals;
  return Object.fromEntries(cacheFamilyNames.map((family) => [family, totals(family)])) as Record<CacheFamily, CacheTotals>;
}

function toJson(key: string, value: unknown): string {
  const json = value === undefined ? undefined : JSON.stringify(value);
  if (json === undefined) throw new TypeError(`cache value of ${key} is not JSON (undefined, a function or a symbol); use invalidate() to remove a key`);
  return json;
}

/** The replies of a pipeline, throwing its first error. */
function replies(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('Redis transaction was aborted');
  return results.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

/** `text` as a literal in a Redis MATCH pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
