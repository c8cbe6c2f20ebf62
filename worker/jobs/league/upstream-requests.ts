import { env } from '@/lib/env.ts';
import { isUpstreamError, type RequestOptions, type UpstreamClient } from '@/lib/league/upstream-client.ts';
import { apiRetry } from '@/lib/jobs/definitions/league/retry-kinds.ts';
import { redis } from '@/lib/redis.ts';
import { BatchFailedError, type BatchOptions, type BatchResult } from '../../batch/run-batch.ts';
import { SharedRateLimiter } from '../../batch/shared-rate-limiter.ts';
import { sleep, type RunContext } from '../../run-context.ts';

/**
 * The league jobs' way to the upstream inside `ctx.batch`. The batch takes one slot of the
 * shared rate limit per item; an item that makes more than one request (an entry and its
 * history, several standings pages, a retry) takes one more slot per extra request from the
 * same limiter, so the limit counts requests, not items: all league jobs on all workers
 * together stay within `requestsPerMinute`.
 *
 * A request that fails in a way that may pass (5xx, network, timeout, 429) is tried again
 * within the item, up to `requestAttempts` times in all with exponential waits (the
 * specification's API retry strategy, lib/jobs/definitions/league/retry-kinds.ts), so a flaky
 * upstream costs requests rather than items; a 429's Retry-After pauses every caller of the
 * limit instead of the wait. A 404 or an invalid answer is thrown at once.
 */

/** The name of the rate limit every league job shares (its Redis keys). */
export const upstreamRateLimitName = 'league-upstream';
/** The window of the shared limit: `requestsPerMinute` is per this. */
export const upstreamRatePerMs = 60_000;
/** Tries per request in all, the first included. */
export const requestAttempts = apiRetry.attempts;
const retryBaseMs = apiRetry.delayMs;

export interface UpstreamBatchConfig {
  batchSize: number;
  requestsPerMinute: number;
  minSuccessRatio: number;
}

/** `ctx.batch` options for upstream calls: three at once, within the shared rate limit. */
export function upstreamBatchOptions(config: UpstreamBatchConfig): BatchOptions {
  return {
    size: config.batchSize,
    concurrency: 3,
    rateLimit: { max: config.requestsPerMinute, perMs: upstreamRatePerMs, name: upstreamRateLimitName },
    minSuccessRatio: config.minSuccessRatio,
  };
}

/** Makes one upstream request (a method of the client, passed the run's signal). */
export type UpstreamRequest<T> = (client: UpstreamClient, options: RequestOptions) => Promise<T>;
/** The requests of one batch item. */
export type ItemRequests = <T>(request: UpstreamRequest<T>) => Promise<T>;

export class UpstreamRequests {
  private readonly limiter: SharedRateLimiter;

  /**
   * `client`: the run's one client (its `requests` is what the run reports as apiRequests).
   * The limiter's keys are those ctx.batch uses: the queue prefix (the worker's) and the name.
   */
  constructor(
    readonly client: UpstreamClient,
    private readonly ctx: Pick<RunContext, 'signal' | 'count'>,
    requestsPerMinute: number,
  ) {
    this.limiter = new SharedRateLimiter(redis(), env().QUEUE_PREFIX, upstreamRateLimitName, { max: requestsPerMinute, perMs: upstreamRatePerMs });
  }

  /** Requests for one `ctx.batch` item: the first goes on the slot the batch took for the item. */
  forItem(): ItemRequests {
    let prepaid = true;
    return async <T>(request: UpstreamRequest<T>): Promise<T> => {
      const signal = this.ctx.signal;
      for (let attempt = 1; ; attempt++) {
        if (prepaid) prepaid = false;
        else await this.limiter.acquire(signal);
        this.ctx.count('apiRequests');
        try {
          return await request(this.client, { signal });
        } catch (error) {
          if (signal.aborted || !isUpstreamError(error) || !error.retryable || attempt >= requestAttempts) throw error;
          // A 429's wait holds every caller of the limit; the next acquire waits it out.
          if (error.retryAfterMs !== undefined) await this.limiter.pauseFor(error.retryAfterMs);
          else await sleep(retryBaseMs * 2 ** (attempt - 1), signal);
        }
      }
    };
  }
}

/**
 * `ctx.batch`, but a batch that fails as a whole (BatchFailedError: below its success ratio,
 * or stopped by its circuit breaker) hands back what did succeed with the error, so the
 * caller stores those answers (requests are scarce) before it fails the run with the error.
 */
export async function batchKeepingSuccesses<T, R>(
  ctx: Pick<RunContext, 'batch'>,
  items: readonly T[],
  options: BatchOptions,
  fn: (item: T, index: number) => Promise<R>,
): Promise<{ result: BatchResult<R>; failure: BatchFailedError | null }> {
  try {
    return { result: await ctx.batch(items, options, fn), failure: null };
  } catch (error) {
    if (!(error instanceof BatchFailedError)) throw error;
    return { result: error.result as BatchResult<R>, failure: error };
  }
}
