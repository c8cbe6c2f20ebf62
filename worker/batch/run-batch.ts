import type { Redis } from 'ioredis';
import { retryAfterOf } from '@/lib/queue/backoff.ts';
import { CircuitBreaker, CircuitOpenError, type CircuitBreakerOptions } from './circuit-breaker.ts';
import { SharedRateLimiter } from './shared-rate-limiter.ts';

/** How a list is worked through by `ctx.batch`. */
export interface BatchOptions {
  /** Items per batch; progress is reported after each. Default: 100. */
  size?: number;
  /** Calls at once within a batch. Default: 3. */
  concurrency?: number;
  /** At most `max` calls per `perMs`, shared by every worker, adaptive. Default: no limit. */
  rateLimit?: { max: number; perMs: number; name?: string };
  /** Below this share of successes the run fails (BatchFailedError). Default: 0.8. */
  minSuccessRatio?: number;
  /** Circuit breaker settings, or false for none. Default: on, 30 % failures, half-open after 30 s. */
  breaker?: Partial<CircuitBreakerOptions> | false;
}

export interface BatchDeps {
  redis: Redis;
  prefix: string;
  jobName: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  count?: (name: string, n?: number) => void;
  now?: () => number;
}

export interface BatchResult<R> {
  total: number;
  succeeded: number;
  failed: number;
  /** Items not called because the circuit was open. */
  skipped: number;
  successRatio: number;
  results: (R | undefined)[];
  /** The first 20 failures. */
  errors: { index: number; message: string }[];
  breakerOpened: boolean;
}

export class BatchFailedError extends Error {
  constructor(readonly result: BatchResult<unknown>, minSuccessRatio: number) {
    const percent = (ratio: number) => `${Math.round(ratio * 100)} %`;
    super(
      `Batch succeeded for ${result.succeeded} of ${result.total} items (${percent(result.successRatio)}), below the minimum ${percent(minSuccessRatio)}` +
        (result.skipped > 0 ? `; ${result.skipped} skipped while the circuit was open` : ''),
    );
    this.name = 'BatchFailedError';
  }
}

/**
 * Works through `items` in batches, at most `concurrency` calls at once, each through the
 * shared rate limiter and the circuit breaker. While the circuit is open the rest of the
 * current batch is skipped (not called) and the next batch waits for the half-open trial,
 * so a run against a dead upstream ends in bounded time. Fails the run when the success
 * ratio ends below `minSuccessRatio`.
 */
export async function runBatch<T, R>(items: readonly T[], options: BatchOptions, fn: (item: T, index: number) => Promise<R>, deps: BatchDeps): Promise<BatchResult<R>> {
  const size = Math.max(1, options.size ?? 100);
  const concurrency = Math.max(1, options.concurrency ?? 3);
  const minSuccessRatio = options.minSuccessRatio ?? 0.8;
  const breaker = options.breaker === false ? null : new CircuitBreaker({ ...(deps.now ? { now: deps.now } : {}), ...options.breaker });
  const limiter = options.rateLimit
    ? new SharedRateLimiter(deps.redis, deps.prefix, options.rateLimit.name ?? deps.jobName, { max: options.rateLimit.max, perMs: options.rateLimit.perMs, now: deps.now })
    : null;
  const result: BatchResult<R> = { total: items.length, succeeded: 0, failed: 0, skipped: 0, successRatio: 1, results: new Array(items.length), errors: [], breakerOpened: false };
  const count = (name: string, n = 1) => deps.count?.(name, n);

  const callOne = async (index: number) => {
    deps.signal?.throwIfAborted();
    if (breaker?.state === 'open') {
      result.skipped += 1;
      count('batchSkipped');
      return;
    }
    try {
      await limiter?.acquire(deps.signal);
      count('apiCalls');
      const call = () => fn(items[index]!, index);
      result.results[index] = await (breaker ? breaker.execute(call) : call());
      result.succeeded += 1;
      count('batchSucceeded');
      await limiter?.recordOutcome(true);
    } catch (error) {
      if (deps.signal?.aborted) throw deps.signal.reason;
      if (error instanceof CircuitOpenError) {
        result.skipped += 1;
        count('batchSkipped');
        return;
      }
      result.failed += 1;
      count('batchFailed');
      if (result.errors.length < 20) result.errors.push({ index, message: error instanceof Error ? error.message : String(error) });
      const retryAfter = retryAfterOf(error);
      if (limiter && retryAfter) await limiter.pauseFor(retryAfter);
      await limiter?.recordOutcome(false);
    }
  };

  for (let start = 0; start < items.length; start += size) {
    const end = Math.min(items.length, start + size);
    if (breaker && breaker.state === 'open') await waitForHalfOpen(breaker, deps.signal);
    let next = start;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, end - start) }, async () => {
        while (next < end) await callOne(next++);
      }),
    );
    if (breaker && breaker.opened > 0) result.breakerOpened = true;
    deps.onProgress?.(end, items.length);
  }

  const attempted = result.total;
  result.successRatio = attempted === 0 ? 1 : result.succeeded / attempted;
  if (result.successRatio < minSuccessRatio) throw new BatchFailedError(result as BatchResult<unknown>, minSuccessRatio);
  return result;
}

function waitForHalfOpen(breaker: CircuitBreaker, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, breaker.retryInMs);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}
