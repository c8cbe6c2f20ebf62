import type { Redis } from 'ioredis';
import { retryAfterOf } from '@/lib/queue/backoff.ts';
import { sleep } from '../run-context.ts';
import { CircuitBreaker, CircuitOpenError, type CircuitBreakerOptions } from './circuit-breaker.ts';
import { SharedRateLimiter } from './shared-rate-limiter.ts';
import { kickoffKeys } from '@/lib/redis-keys.ts';

/**
 * What happens to an item whose call failed, or that was not called because the circuit was
 * open: the Letletme specification's fallback strategies (Concurrency Strategy §3.C,
 * `fallback.strategies`): `CACHED_DATA` and `SKIP_OPTIONAL` here; its `PARTIAL_UPDATE` is
 * `minSuccessRatio`, with the successes kept (`results`) for the caller to store.
 */
export interface BatchFallback<T> {
  /**
   * Cached data: every success is kept in Redis for `ttlMs` (default 5 min) under `key(item)`,
   * shared by all workers; an item whose call fails, or that the open circuit skips, gets the
   * last answer kept for its key instead, when there is one (counted `fromCache`: it counts
   * towards the success ratio, and its `results` entry is the kept answer, through JSON).
   */
  cachedData?: { key: (item: T, index: number) => string; ttlMs?: number };
  /**
   * Skip optional: items this says are optional never fail the run. One whose call fails (and
   * has no cached answer) or that is skipped is left out (`skippedOptional`, not `failed`), the
   * success ratio is over the required items only, and once the circuit has opened in this run
   * optional items are no longer called.
   */
  optional?: (item: T, index: number) => boolean;
}

/** How a list is worked through by `ctx.batch`. */
export interface BatchOptions<T = unknown> {
  /** Items per batch; progress is reported after each. Default: 100. */
  size?: number;
  /** Calls at once within a batch. Default: 3. */
  concurrency?: number;
  /**
   * At most `max` calls per `perMs`, shared by every worker through Redis under `name`
   * (default: the job's name), slowing down when calls fail (see shared-rate-limiter.ts).
   * Default: no limit.
   */
  rateLimit?: { max: number; perMs: number; name?: string };
  /** Below this share of successes over all items the run fails (BatchFailedError). Default: 0.8. */
  minSuccessRatio?: number;
  /**
   * Circuit breaker settings, or false for none. Default: on, opening at 30 % failures over
   * the last 20 calls (at least 5), a call of 2 s or more counting as a failure, half-open
   * after 30 s with 3 trial calls.
   */
  breaker?: Partial<CircuitBreakerOptions> | false;
  /** What to do for items whose call fails or is skipped (see BatchFallback). Default: none. */
  fallback?: BatchFallback<T>;
}

export interface BatchDeps {
  redis: Redis;
  /** The queue prefix (a hash tag such as `{kickoff}`); the rate limit's keys start with it. */
  prefix: string;
  jobName: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  count?: (name: string, n?: number) => void;
  /** The clock of the breaker and the rate limiter, for tests. Default: Date.now (Redis's for the limiter). */
  now?: () => number;
}

export interface BatchResult<R> {
  total: number;
  succeeded: number;
  failed: number;
  /** Items not called: the circuit was open, or the run stopped early (see runBatch); not those given a fallback. */
  skipped: number;
  /** Items whose call failed or was skipped, answered from the cached data fallback instead. */
  fromCache: number;
  /** Optional items left out (failed or not called), under the skip-optional fallback. */
  skippedOptional: number;
  /** Calls that succeeded but were slow enough for the breaker to count them as failures. */
  slowCalls: number;
  /** `(succeeded + fromCache) / total`, over the required items when some are optional (1 when there are none). */
  successRatio: number;
  /** By item index (a cached answer for `fromCache` items); undefined for items that failed or were skipped. */
  results: (R | undefined)[];
  /** The first 20 failures. */
  errors: { index: number; message: string }[];
  breakerOpened: boolean;
  /** Items the skip-optional fallback says are optional (0 without it). */
  optional: number;
}

const maxErrors = 20;

export class BatchFailedError extends Error {
  constructor(
    readonly result: BatchResult<unknown>,
    readonly minSuccessRatio: number,
  ) {
    const percent = (ratio: number) => `${Math.round(ratio * 100)} %`;
    const required = result.total - result.optional;
    const answered = `${result.succeeded}${result.fromCache > 0 ? ` (+${result.fromCache} from cache)` : ''}`;
    super(
      `Batch succeeded for ${answered} of ${required} ${result.optional > 0 ? 'required ' : ''}items (${percent(result.successRatio)}), below the minimum ${percent(minSuccessRatio)}` +
        (result.skipped > 0 ? `; ${result.skipped} skipped while the circuit was open` : ''),
    );
    this.name = 'BatchFailedError';
  }
}

/**
 * Works through `items` in batches of `size`, at most `concurrency` calls at once, each
 * through the shared rate limiter and the circuit breaker. Resolves with what happened, or
 * throws BatchFailedError when the success ratio ends below `minSuccessRatio`.
 *
 * When the circuit opens, the rest of the current batch is skipped (not called). Before the
 * next batch the run waits for the half-open trial calls, but only while the remaining items
 * could still lift it to `minSuccessRatio`; once they cannot, it skips them all and fails at
 * once. So a run against a dead upstream ends after one batch, and any run ends within
 * (batches × halfOpenAfterMs) plus its calls' own time. While half-open, calls beyond the
 * trial calls wait for the trials' outcome instead of being skipped. A skipped or failed item
 * gets its fallback (`fallback`, see BatchFallback) when it has one.
 *
 * An error with a numeric `retryAfterMs` (an upstream's 429) pauses every caller for that
 * long: all workers through Redis when there is a rate limit, this run's calls otherwise. The
 * item itself counts as failed. An abort of `signal` rejects with its reason at once, without
 * waiting for calls in flight.
 */
export async function runBatch<T, R>(items: readonly T[], options: BatchOptions<T>, fn: (item: T, index: number) => Promise<R>, deps: BatchDeps): Promise<BatchResult<R>> {
  const size = positiveInteger('size', options.size ?? 100);
  const concurrency = positiveInteger('concurrency', options.concurrency ?? 3);
  const minSuccessRatio = options.minSuccessRatio ?? 0.8;
  if (!(minSuccessRatio >= 0 && minSuccessRatio <= 1)) throw new RangeError(`minSuccessRatio must be between 0 and 1, not ${minSuccessRatio}`);
  const breaker = options.breaker === false ? null : new CircuitBreaker({ ...(deps.now ? { now: deps.now } : {}), ...options.breaker });
  const limiter = options.rateLimit
    ? new SharedRateLimiter(deps.redis, deps.prefix, options.rateLimit.name ?? deps.jobName, { max: options.rateLimit.max, perMs: options.rateLimit.perMs, now: deps.now })
    : null;
  const cached = options.fallback?.cachedData ? new CachedAnswers<T>(deps.redis, deps.prefix, deps.jobName, options.fallback.cachedData) : null;
  const isOptional = items.map((item, index) => options.fallback?.optional?.(item, index) ?? false);
  const required = isOptional.filter((optional) => !optional).length;
  const signal = deps.signal;
  const count = (name: string, n = 1) => {
    if (n > 0) deps.count?.(name, n);
  };
  const result: BatchResult<R> = {
    total: items.length,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    fromCache: 0,
    skippedOptional: 0,
    slowCalls: 0,
    successRatio: 1,
    results: Array.from({ length: items.length }, () => undefined),
    errors: [],
    breakerOpened: false,
    optional: items.length - required,
  };
  /** Required items answered (called successfully or from the cache): what the ratio counts. */
  let answeredRequired = 0;
  let localPauseUntil = 0;

  /** An item that was not answered by its call: its cached answer, else left out if optional, else `failed` or `skipped`. */
  const fallBack = async (index: number, outcome: 'failed' | 'skipped', error?: unknown): Promise<void> => {
    const kept = cached ? await cached.read(items[index]!, index) : undefined;
    if (kept) {
      result.results[index] = kept.value as R;
      result.fromCache += 1;
      if (!isOptional[index]) answeredRequired += 1;
      count('batchFromCache');
    } else if (isOptional[index]) {
      result.skippedOptional += 1;
      count('batchSkippedOptional');
    } else if (outcome === 'skipped') {
      result.skipped += 1;
      count('batchSkipped');
    } else {
      result.failed += 1;
      count('batchFailed');
      if (result.errors.length < maxErrors) result.errors.push({ index, message: messageOf(error) });
    }
  };

  const call = async (index: number): Promise<R> => {
    if (limiter) await limiter.acquire(signal);
    else if (localPauseUntil > Date.now()) await sleep(localPauseUntil - Date.now(), signal);
    signal?.throwIfAborted();
    // the circuit may have opened while this call waited for the rate limit
    if (breaker?.state === 'open') throw new CircuitOpenError(breaker.retryInMs);
    count('apiCalls');
    return fn(items[index]!, index);
  };

  const callOne = async (index: number): Promise<void> => {
    for (;;) {
      signal?.throwIfAborted();
      // an open circuit skips the item; once it has opened, optional items are not called at all
      if (breaker?.state === 'open' || (isOptional[index] && (breaker?.opened ?? 0) > 0)) return fallBack(index, 'skipped');
      let outcome: { ok: true; value: R } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, value: await abortable(breaker ? breaker.execute(() => call(index)) : call(index), signal) };
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (error instanceof CircuitOpenError) {
          // half-open with every trial call taken: their outcome decides whether this item goes
          if (breaker) await abortable(breaker.trialsSettled(), signal);
          continue;
        }
        outcome = { ok: false, error };
      }
      if (outcome.ok) {
        result.results[index] = outcome.value;
        result.succeeded += 1;
        if (!isOptional[index]) answeredRequired += 1;
        count('batchSucceeded');
        await cached?.keep(items[index]!, index, outcome.value);
      } else {
        const retryAfter = retryAfterOf(outcome.error);
        if (retryAfter) {
          if (limiter) await limiter.pauseFor(retryAfter);
          else localPauseUntil = Math.max(localPauseUntil, Date.now() + retryAfter);
        }
        await fallBack(index, 'failed', outcome.error);
      }
      await limiter?.recordOutcome(outcome.ok);
      return;
    }
  };

  for (let start = 0; start < items.length; start += size) {
    signal?.throwIfAborted();
    if (breaker && breaker.state === 'open') {
      let remainingRequired = 0;
      for (let index = start; index < items.length; index += 1) if (!isOptional[index]) remainingRequired += 1;
      // cached answers might still lift it, but waiting for the breaker is only worth it for calls
      if (answeredRequired + remainingRequired < minSuccessRatio * required) {
        for (let index = start; index < items.length; index += 1) await fallBack(index, 'skipped');
        deps.onProgress?.(items.length, items.length);
        break;
      }
      // loops because a timer may fire a little before the breaker's clock says the wait is over
      while (breaker.state === 'open') await sleep(Math.max(1, breaker.retryInMs), signal);
    }
    const end = Math.min(items.length, start + size);
    let next = start;
    let stopped = false;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, end - start) }, async () => {
        try {
          while (next < end && !stopped) await callOne(next++);
        } catch (error) {
          stopped = true; // the run rejects with this error: the other lanes take no new items
          throw error;
        }
      }),
    );
    deps.onProgress?.(end, items.length);
  }

  result.breakerOpened = (breaker?.opened ?? 0) > 0;
  result.slowCalls = breaker?.slowCalls ?? 0;
  count('batchSlowCalls', result.slowCalls);
  result.successRatio = required === 0 ? 1 : answeredRequired / required;
  if (result.successRatio < minSuccessRatio) throw new BatchFailedError(result, minSuccessRatio);
  return result;
}

/**
 * The cached-data fallback's store: each success as JSON under the job's name and the item's
 * key, for `ttlMs`. A Redis error while keeping or reading an answer costs only the fallback
 * (the item is then as without one), never the item's own call.
 */
class CachedAnswers<T> {
  private readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly jobName: string,
    private readonly options: { key: (item: T, index: number) => string; ttlMs?: number },
  ) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    if (!(Number.isInteger(this.ttlMs) && this.ttlMs >= 1)) throw new RangeError(`fallback.cachedData.ttlMs must be a whole number of at least 1, not ${this.ttlMs}`);
  }

  async keep(item: T, index: number, value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    if (json === undefined) return;
    await this.redis.set(this.keyOf(item, index), json, 'PX', this.ttlMs).catch(() => {});
  }

  async read(item: T, index: number): Promise<{ value: unknown } | undefined> {
    const json = await this.redis.get(this.keyOf(item, index)).catch(() => null);
    return json === null ? undefined : { value: JSON.parse(json) as unknown };
  }

  private keyOf(item: T, index: number): string {
    return kickoffKeys.batchAnswer(this.prefix, this.jobName, this.options.key(item, index));
  }
}

function positiveInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 1)) throw new RangeError(`${name} must be a whole number of at least 1, not ${value}`);
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts (the promise runs on, unobserved). */
function abortable<V>(promise: Promise<V>, signal: AbortSignal | undefined): Promise<V> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<V>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
