import type { Redis } from 'ioredis';
import { retryAfterOf } from '@/lib/queue/backoff.ts';
import { sleep } from '../run-context.ts';
import { CircuitBreaker, CircuitOpenError, type CircuitBreakerOptions } from './circuit-breaker.ts';
import { SharedRateLimiter } from './shared-rate-limiter.ts';

/** How a list is worked through by `ctx.batch`. */
export interface BatchOptions {
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
   * the last 20 calls (at least 5), half-open after 30 s with 3 trial calls.
   */
  breaker?: Partial<CircuitBreakerOptions> | false;
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
  /** Items not called: the circuit was open, or the run stopped early (see runBatch). */
  skipped: number;
  /** `succeeded / total` (1 for an empty list). */
  successRatio: number;
  /** By item index; undefined for items that failed or were skipped. */
  results: (R | undefined)[];
  /** The first 20 failures. */
  errors: { index: number; message: string }[];
  breakerOpened: boolean;
}

const maxErrors = 20;

export class BatchFailedError extends Error {
  constructor(
    readonly result: BatchResult<unknown>,
    readonly minSuccessRatio: number,
  ) {
    const percent = (ratio: number) => `${Math.round(ratio * 100)} %`;
    super(
      `Batch succeeded for ${result.succeeded} of ${result.total} items (${percent(result.successRatio)}), below the minimum ${percent(minSuccessRatio)}` +
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
 * trial calls wait for the trials' outcome instead of being skipped.
 *
 * An error with a numeric `retryAfterMs` (an upstream's 429) pauses every caller for that
 * long: all workers through Redis when there is a rate limit, this run's calls otherwise. The
 * item itself counts as failed. An abort of `signal` rejects with its reason at once, without
 * waiting for calls in flight.
 */
export async function runBatch<T, R>(items: readonly T[], options: BatchOptions, fn: (item: T, index: number) => Promise<R>, deps: BatchDeps): Promise<BatchResult<R>> {
  const size = positiveInteger('size', options.size ?? 100);
  const concurrency = positiveInteger('concurrency', options.concurrency ?? 3);
  const minSuccessRatio = options.minSuccessRatio ?? 0.8;
  if (!(minSuccessRatio >= 0 && minSuccessRatio <= 1)) throw new RangeError(`minSuccessRatio must be between 0 and 1, not ${minSuccessRatio}`);
  const breaker = options.breaker === false ? null : new CircuitBreaker({ ...(deps.now ? { now: deps.now } : {}), ...options.breaker });
  const limiter = options.rateLimit
    ? new SharedRateLimiter(deps.redis, deps.prefix, options.rateLimit.name ?? deps.jobName, { max: options.rateLimit.max, perMs: options.rateLimit.perMs, now: deps.now })
    : null;
  const signal = deps.signal;
  const count = (name: string, n = 1) => deps.count?.(name, n);
  const result: BatchResult<R> = {
    total: items.length,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    successRatio: 1,
    results: Array.from({ length: items.length }, () => undefined),
    errors: [],
    breakerOpened: false,
  };
  let localPauseUntil = 0;

  const skip = (n: number) => {
    result.skipped += n;
    count('batchSkipped', n);
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
      if (breaker?.state === 'open') return skip(1);
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
        count('batchSucceeded');
      } else {
        result.failed += 1;
        count('batchFailed');
        if (result.errors.length < maxErrors) result.errors.push({ index, message: messageOf(outcome.error) });
        const retryAfter = retryAfterOf(outcome.error);
        if (retryAfter) {
          if (limiter) await limiter.pauseFor(retryAfter);
          else localPauseUntil = Math.max(localPauseUntil, Date.now() + retryAfter);
        }
      }
      await limiter?.recordOutcome(outcome.ok);
      return;
    }
  };

  for (let start = 0; start < items.length; start += size) {
    signal?.throwIfAborted();
    if (breaker && breaker.state === 'open') {
      const remaining = items.length - start;
      if (result.succeeded + remaining < minSuccessRatio * items.length) {
        skip(remaining);
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
  result.successRatio = items.length === 0 ? 1 : result.succeeded / items.length;
  if (result.successRatio < minSuccessRatio) throw new BatchFailedError(result, minSuccessRatio);
  return result;
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
