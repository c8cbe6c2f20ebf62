import { EventEmitter } from 'node:events';
import { BentoCache, bentostore, errors as bentoErrors } from 'bentocache';
import { MemoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import type { BusDriver, CacheEvents, GetSetFactoryContext, MemoryConfig } from 'bentocache/types';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { env } from '../env.ts';
import { logger } from '../logger.ts';
import { createRedis } from '../redis.ts';
import { cacheKeys } from '../redis-keys.ts';
import { cacheFamilyNames, familyOf, groupsOf, isFamilyKey, ttlMsOf, type CacheFamily } from './cache-families.ts';

/**
 * Kickoff's cache: bentocache with an in-process memory level (L1) in front of Redis (L2), an
 * invalidation bus on Redis pub/sub, stampede protection (one load per key per process), grace
 * periods (a value past its TTL is served while a reload fails) and tags (each key is tagged
 * with its groups, `groupsOf`, so a group or a family is dropped everywhere at once).
 *
 * What this file adds to bentocache, each for a reason bentocache does not cover:
 * - key families: the TTL and tags come from the key (`cache-families.ts`);
 * - hit/miss/set/invalidation counts per family, summed in Redis for every process (the League
 *   page and `/api/metrics` read them);
 * - a load that overlapped a change of its key is returned but not cached (bentocache would
 *   store the older value over the change);
 * - the local level is used only while this process hears the bus (bentocache keeps local
 *   copies for the whole TTL, through a lost subscription too), and a copy lives at most
 *   `localTtlMs`;
 * - the bus transport subscribes without throwing when Redis is down at start (bentocache's
 *   Redis bus leaves that rejection unhandled);
 * - `invalidate` counts the keys Redis held, and group drops remove the keys from every master
 *   of a Cluster (bentocache's `clear()` SCANs one node of a Cluster).
 */
export interface TwoLevelCacheOptions {
  /**
   * Connection for commands; a Redis or a Cluster as `createRedis` gives (the same ioredis
   * install as bentocache's, which tells them apart by `instanceof`). Not closed by `close()`.
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
   * Longest life of a local copy, in milliseconds (never longer than the value's own). `0`
   * turns the local level off.
   * @defaultValue 30_000
   */
  localTtlMs?: number;
  /**
   * How long past its TTL a value stays in Redis, served only when its reload fails, as a
   * multiple of the family's TTL. `0` turns grace periods off.
   * @defaultValue 1
   */
  graceTtls?: number;
  /**
   * How often counts are added to the stats hash in Redis, in milliseconds.
   * @defaultValue 1000
   */
  statsFlushMs?: number;
  /**
   * How long `start()` waits for the subscription before it lets the cache work without its
   * local level (it keeps trying in the background).
   * @defaultValue 3000
   */
  subscribeTimeoutMs?: number;
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

/** What a purge removed: the keys Redis held, per family. */
export type PurgeOutcome = Partial<Record<CacheFamily, number>>;

/** A load in progress, whose value is not cached if its key changes meanwhile. */
interface Watch {
  key: string;
  dirty: boolean;
}

const totalsFields = ['hits', 'misses', 'sets', 'invalidations'] as const satisfies readonly (keyof CacheTotals)[];
/** bentocache's tag keys (its `TagSystem`); a message about one drops the tag's group. */
const tagKeyPrefix = '___bc:t:';

export class TwoLevelCache {
  readonly prefix: string;
  private readonly redis: Redis;
  private readonly bus: InvalidationBus;
  private readonly bento: BentoCache<{ kickoff: ReturnType<typeof bentostore> }>;
  private readonly local: { level?: LocalLevel } = {};
  private readonly graceTtls: number;
  private readonly watches = new Set<Watch>();
  private readonly counts = Object.fromEntries(
    cacheFamilyNames.map((family) => [family, { localHits: 0, redisHits: 0, misses: 0, sets: 0, invalidations: 0 }]),
  ) as CacheStats;
  private unflushed = new Map<string, number>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly flushTimer: NodeJS.Timeout;
  private readonly subscribeTimeoutMs: number;
  private state: 'new' | 'started' | 'closed' = 'new';
  private readonly log = logger.child({ component: 'two-level-cache' });

  constructor(options: TwoLevelCacheOptions) {
    this.redis = options.redis;
    if (options.subscriber === this.redis) throw new Error('TwoLevelCache needs a second connection as subscriber: one in subscriber mode runs no other commands');
    this.prefix = options.prefix ?? env().QUEUE_PREFIX;
    this.graceTtls = options.graceTtls ?? 1;
    if (!(this.graceTtls >= 0)) throw new RangeError(`graceTtls must be 0 or more, got ${this.graceTtls}`);
    const localTtlMs = options.localTtlMs ?? 30_000;
    if (!(localTtlMs >= 0)) throw new RangeError(`localTtlMs must be 0 or more, got ${localTtlMs}`);
    this.subscribeTimeoutMs = options.subscribeTimeoutMs ?? 3_000;
    this.bus = new InvalidationBus({
      publisher: this.redis,
      subscriber: options.subscriber,
      channel: cacheKeys.invalidations(this.prefix),
      deaf: () => this.local.level?.clear(),
      log: this.log,
    });
    const emitter = new EventEmitter();
    emitter.on('cache:hit', ({ key, layer }: CacheEvents['cache:hit']) => {
      if (isFamilyKey(key)) this.count(familyOf(key), layer === 'l1' ? 'localHits' : 'redisHits');
    });
    emitter.on('cache:miss', ({ key }: CacheEvents['cache:miss']) => {
      if (isFamilyKey(key)) this.count(familyOf(key), 'misses');
    });
    emitter.on('cache:written', ({ key }: CacheEvents['cache:written']) => {
      if (isFamilyKey(key)) this.count(familyOf(key), 'sets');
    });
    emitter.on('bus:message:received', ({ message }: CacheEvents['bus:message:received']) => {
      for (const key of message.keys) {
        if (key.startsWith(tagKeyPrefix)) this.markChanged([], key.slice(tagKeyPrefix.length));
        else this.markChanged([key]);
      }
    });
    const bus = this.bus;
    const local = this.local;
    const listening = () => bus.listening;
    this.bento = new BentoCache({
      default: 'kickoff',
      prefix: cacheKeys.entry(this.prefix, '').replace(/:$/, ''),
      emitter,
      logger: quietLogger(this.log),
      // Redis down: after one failure, skip it for a while instead of waiting on every call.
      l2CircuitBreakerDuration: '5s',
      suppressL2Errors: true,
      stores: {
        kickoff: bentostore()
          .useL1Layer({
            options: { maxItems: options.maxLocalEntries ?? 5_000 },
            factory: (config: MemoryConfig) => (local.level = new LocalLevel(config, localTtlMs, listening)),
          })
          .useL2Layer(redisDriver({ connection: this.redis }))
          // No retry interval: a timer bentocache only clears in a disconnect that would also close `redis`.
          .useBus({ options: { retryQueue: { enabled: true, maxSize: 1_000, retryInterval: false } }, factory: () => bus }),
      },
    });
    this.bento.use(); // builds the store now: its bus handler is registered before start()
    this.flushTimer = setInterval(() => void this.flushStats(), options.statsFlushMs ?? 1_000).unref();
  }

  /**
   * Subscribes to the invalidation channel; resolves once subscribed, or after
   * `subscribeTimeoutMs` (Redis unreachable) while it keeps trying. Until subscribed (and while
   * the subscriber reconnects) the local level is bypassed, so no copy outlives a change this
   * process could not hear of.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`TwoLevelCache.start() called on a ${this.state} cache`);
    this.state = 'started';
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.subscribeTimeoutMs)));
    await Promise.race([this.bus.start(), timedOut]);
    clearTimeout(timer);
  }

  /** Stops listening, adds the last counts to Redis and closes the subscriber it made. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearInterval(this.flushTimer);
    await this.bus.close();
    this.local.level?.clear();
    await this.flushStats();
  }

  /** Resolves when the cache's Redis answers a PING (a job's pre-run check asks); rejects otherwise. */
  async ping(): Promise<void> {
    await this.redis.ping();
  }

  /** The value of `key`, or undefined. A Redis error counts as a miss (logged), never throws. */
  async get<T>(key: string): Promise<T | undefined> {
    familyOf(key);
    return this.bento.getOrSet<T>({ key, ...this.entryOptions(key), factory: (ctx: GetSetFactoryContext) => ctx.skip() as T });
  }

  /**
   * The cached value of `key`, or what `load` gives (then cached, unless undefined). Callers
   * in this process asking for the same key at once share one load. Throws only what `load`
   * throws, and that only when no value in its grace period is left to serve.
   */
  async getOrLoad<T>(key: string, load: () => Promise<T>): Promise<T> {
    familyOf(key);
    const watch = this.watch(key);
    let uncached: { value: T } | undefined;
    try {
      const value = await this.bento.getOrSet<T>({
        key,
        ...this.entryOptions(key),
        factory: async (ctx: GetSetFactoryContext) => {
          const loaded = await load();
          // A load that overlapped a change of its key may be older than the change: returned, not cached.
          if (loaded === undefined || watch.dirty) {
            uncached = { value: loaded };
            return ctx.skip() as T;
          }
          toJson(key, loaded);
          return loaded;
        },
      });
      return uncached && value === undefined ? uncached.value : value;
    } catch (error) {
      throw error instanceof bentoErrors.E_FACTORY_ERROR ? (error.cause as Error) : error;
    } finally {
      this.watches.delete(watch);
    }
  }

  /**
   * The cached values of `keys`, in order; the ones not cached are loaded at once by
   * `loadMissing` (one query for many keys) and cached. A key `loadMissing` leaves out stays
   * undefined. Throws only what `loadMissing` throws.
   */
  async getOrLoadMany<T>(keys: readonly string[], loadMissing: (missing: string[]) => Promise<ReadonlyMap<string, T>>): Promise<(T | undefined)[]> {
    const watches = keys.map((key) => (familyOf(key), this.watch(key)));
    try {
      const found = await Promise.all(keys.map((key) => this.get<T>(key)));
      const missing = keys.filter((_, index) => found[index] === undefined);
      if (missing.length === 0) return found;
      const loaded = await loadMissing(missing);
      await Promise.all(
        keys.map(async (key, index) => {
          const value = loaded.get(key);
          // As in getOrLoad: a value that overlapped a change of its key is returned, not cached.
          if (found[index] === undefined && value !== undefined && !watches[index]!.dirty) await this.bento.set({ key, value, ...this.entryOptions(key) });
        }),
      );
      return keys.map((key, index) => found[index] ?? loaded.get(key));
    } finally {
      for (const watch of watches) this.watches.delete(watch);
    }
  }

  /**
   * Write-through: stores `value` in Redis for its family's TTL and here; other processes drop
   * their copy. A Redis failure is logged (by bentocache) and leaves the local copy.
   */
  async set(key: string, value: unknown): Promise<void> {
    familyOf(key);
    toJson(key, value);
    this.markChanged([key]);
    await this.bento.set({ key, value, ...this.entryOptions(key) });
  }

  /**
   * Deletes `keys` from Redis and from every process's local level; returns how many Redis
   * held. Never throws for Redis: when it is down the keys leave this process's level (and
   * the others' once the bus is back), the miss is logged, and 0 is returned.
   */
  async invalidate(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const families = keys.map(familyOf);
    this.markChanged(keys);
    let held = 0;
    try {
      held = await this.redis.exists(...keys.map((key) => cacheKeys.entry(this.prefix, key)));
    } catch (error) {
      this.log.warn({ err: errorText(error), keys: keys.length }, 'cache invalidate could not reach Redis: the local copies are dropped, Redis keeps its copies until their TTL');
    }
    await this.bento.deleteMany({ keys });
    this.markChanged(keys); // a read that began during the delete must not keep what it found
    for (const family of families) this.count(family, 'invalidations');
    return held;
  }

  /**
   * Drops every key starting with `keyPrefix` (a group such as `league:12:` or a family such as
   * `live:`, ending in `:`) in every process (by its tag) and removes them from Redis (SCAN on
   * each master); returns how many Redis held. Never throws for Redis, as `invalidate`.
   */
  async invalidatePattern(keyPrefix: string): Promise<number> {
    if (!keyPrefix.endsWith(':')) throw new Error(`cache group ${JSON.stringify(keyPrefix)} must end in ':' (groups are the prefixes of keys up to a ':')`);
    const family = familyOf(keyPrefix);
    this.markChanged([], keyPrefix);
    await this.bento.deleteByTag({ tags: [keyPrefix] });
    let deleted = 0;
    try {
      deleted = await this.unlinkMatching(keyPrefix);
    } catch (error) {
      this.log.warn({ err: errorText(error), group: keyPrefix }, 'cache group drop could not reach Redis: its tag still hides the old values where it was heard');
    }
    this.markChanged([], keyPrefix);
    this.count(family, 'invalidations', deleted);
    return deleted;
  }

  /** The manual purge: drops every key of `families` (all by default) everywhere; returns what Redis held per family. */
  async purge(families: readonly CacheFamily[] = cacheFamilyNames): Promise<PurgeOutcome> {
    const outcome: PurgeOutcome = {};
    for (const family of families) outcome[family] = await this.invalidatePattern(`${family}:`);
    return outcome;
  }

  /** Loads and stores each entry (critical keys at start, a gameweek's before kick-off); returns how many were stored. */
  async warm(entries: ReadonlyArray<{ key: string; load: () => Promise<unknown> }>): Promise<number> {
    const results = await Promise.allSettled(
      entries.map(async ({ key, load }) => {
        familyOf(key);
        const value = await load();
        if (value === undefined) return false;
        await this.set(key, value);
        return true;
      }),
    );
    let warmed = 0;
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') warmed += result.value ? 1 : 0;
      else this.log.warn({ err: errorText(result.reason), key: entries[index]!.key }, 'cache warm-up failed for a key');
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

  private entryOptions(key: string) {
    const ttl = ttlMsOf(key);
    return {
      ttl,
      grace: this.graceTtls > 0 ? ttl * (1 + this.graceTtls) : (false as const),
      graceBackoff: Math.min(ttl, 30_000),
      // No soft timeout: a value past its TTL is served only when its reload fails, never while
      // one runs (bentocache's default, 0, would serve it at once and reload in the background;
      // given once to BentoCache, null still becomes 0, so it is given on each call).
      timeout: null,
      tags: groupsOf(key),
    };
  }

  private watch(key: string): Watch {
    const watch = { key, dirty: false };
    this.watches.add(watch);
    return watch;
  }

  /** Loads in progress of `keys` (and of keys starting with `keyPrefix`) will not be cached. */
  private markChanged(keys: readonly string[], keyPrefix?: string): void {
    const named = new Set(keys);
    for (const watch of this.watches) if (named.has(watch.key) || (keyPrefix !== undefined && watch.key.startsWith(keyPrefix))) watch.dirty = true;
  }

  private masters(): Redis[] {
    return this.redis.isCluster ? (this.redis as unknown as Cluster).nodes('master') : [this.redis];
  }

  /** UNLINKs every Redis key of the group; one by one on a Cluster's masters. */
  private async unlinkMatching(keyPrefix: string): Promise<number> {
    const pattern = `${escapeGlob(cacheKeys.entry(this.prefix, keyPrefix))}*`;
    let deleted = 0;
    for (const node of this.masters()) {
      let cursor = '0';
      do {
        const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        if (found.length === 0) continue;
        if (this.redis.isCluster) for (const key of found) deleted += await node.unlink(key);
        else deleted += await node.unlink(...found);
      } while (cursor !== '0');
    }
    return deleted;
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
      this.log.warn({ err: errorText(error) }, 'cache stats flush failed; kept for the next one');
    }
  }
}

/**
 * bentocache's memory level, kept only while the bus is heard, each copy for at most
 * `maxTtlMs`: a copy whose invalidation this process could not hear is never served.
 */
class LocalLevel extends MemoryDriver {
  constructor(
    config: MemoryConfig,
    private readonly maxTtlMs: number,
    private readonly listening: () => boolean,
  ) {
    super(config);
  }

  override get(key: string): string | undefined {
    return this.listening() ? super.get(key) : undefined;
  }

  override set(key: string, value: string, ttl?: number): boolean {
    if (!this.listening() || this.maxTtlMs === 0) return false;
    return super.set(key, value, Math.min(ttl ?? this.maxTtlMs, this.maxTtlMs));
  }
}

/**
 * The cache's bus on Redis pub/sub (a bentocache bus transport). Unlike bentocache's own Redis
 * transport it never leaves a failed SUBSCRIBE unhandled (Redis down at start), tells when it
 * is subscribed (`listening`), and clears the local level whenever the subscription drops:
 * invalidations sent while disconnected are lost.
 */
class InvalidationBus implements BusDriver {
  listening = false;
  private id = '';
  private handler: ((payload: never) => void) | undefined;
  private subscriber: Redis | undefined;
  private readonly ownsSubscriber: boolean;
  private readonly reconnected: (() => void)[] = [];
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: { publisher: Redis; subscriber?: Redis; channel: string; deaf: () => void; log: Logger },
  ) {
    this.subscriber = options.subscriber;
    this.ownsSubscriber = options.subscriber === undefined;
  }

  setId(id: string): this {
    this.id = id;
    return this;
  }

  onReconnect(callback: () => void): void {
    this.reconnected.push(callback);
  }

  async publish(_channel: string, payload: unknown): Promise<void> {
    await this.options.publisher.publish(this.options.channel, JSON.stringify({ busId: this.id, payload }));
  }

  /** bentocache registers its one handler here when the store is built; `start()` subscribes. */
  async subscribe(_channel: string, handler: (payload: never) => void): Promise<void> {
    this.handler = handler;
  }

  async unsubscribe(): Promise<void> {
    this.handler = undefined;
  }

  /** Subscribes (resolves once subscribed), then follows the connection: deaf on close, subscribed again when ready. */
  async start(): Promise<void> {
    if (!this.subscriber) {
      this.subscriber = createRedis('client');
      this.subscriber.on('error', (error: unknown) => this.options.log.warn({ err: errorText(error) }, 'cache subscriber connection error'));
    }
    this.subscriber.on('message', this.onMessage).on('close', this.onClose).on('ready', this.onReady);
    await this.listen();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    clearTimeout(this.retryTimer);
    const subscriber = this.subscriber;
    if (!subscriber) return;
    subscriber.off('message', this.onMessage).off('close', this.onClose).off('ready', this.onReady);
    if (this.ownsSubscriber) await subscriber.quit().catch(() => subscriber.disconnect());
    else await subscriber.unsubscribe(this.options.channel).catch((error: unknown) => this.options.log.warn({ err: errorText(error) }, 'cache unsubscribe failed'));
  }

  async disconnect(): Promise<void> {
    await this.close();
  }

  /** Resolves once subscribed; a failure is retried every second until it works or the bus closes. */
  private listen(): Promise<void> {
    return new Promise((resolve) => {
      const attempt = () => {
        if (this.stopped || !this.subscriber) return resolve();
        this.subscriber.subscribe(this.options.channel).then(
          () => {
            if (!this.stopped) this.listening = true;
            for (const callback of this.reconnected) callback();
            resolve();
          },
          (error: unknown) => {
            this.options.log.warn({ err: errorText(error) }, 'cache subscribe failed; the local level stays off until it works');
            this.retryTimer = setTimeout(attempt, 1_000).unref();
          },
        );
      };
      attempt();
    });
  }

  private readonly onMessage = (channel: string, message: string) => {
    if (channel !== this.options.channel || !this.handler) return;
    let parsed: { busId?: unknown; payload?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      this.options.log.warn({ message }, 'unreadable cache invalidation ignored');
      return;
    }
    if (parsed.busId === this.id || typeof parsed.payload !== 'object' || parsed.payload === null) return;
    this.handler(parsed.payload as never);
  };

  private readonly onClose = () => {
    this.listening = false;
    this.options.deaf();
  };

  private readonly onReady = () => {
    if (!this.stopped && !this.listening) void this.listen();
  };
}

/** bentocache logs every load at info; Kickoff keeps those at debug and the rest as they are. */
function quietLogger(log: Logger) {
  const wrap = (target: Logger): Record<string, unknown> => ({
    child: (bindings: Record<string, unknown>) => wrap(target.child(bindings)),
    trace: target.trace.bind(target),
    debug: target.debug.bind(target),
    info: target.debug.bind(target),
    warn: target.warn.bind(target),
    error: target.warn.bind(target),
    fatal: target.error.bind(target),
  });
  return wrap(log) as never;
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

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
