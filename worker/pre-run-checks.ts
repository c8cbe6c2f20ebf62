import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { SharedRateLimiter } from './batch/shared-rate-limiter.ts';
import type { PreRunCheck, PreRunCheckContext } from './define-handler.ts';

/**
 * Pre-run checks (the `checks` of defineHandler): what the worker's gate asks before a run
 * starts (the Letletme specification's processing flow: rate-limit status, worker health and
 * cache status before a hybrid run). A check that fails ends the run `skipped` with its reason
 * rather than holding it: the jobs that use them run on a schedule, whose next fire is the
 * retry, and a person who triggered it sees at once why it did not start (a held run would
 * only sit `queued`). Checks run together, each within `checkTimeoutMs`.
 */

/** A check that has not answered by then has failed. */
export const checkTimeoutMs = 2_000;

/** Asks every check at once; null when all pass, else the reason the run may not start. */
export async function failedPreRunChecks(checks: readonly PreRunCheck[], ctx: PreRunCheckContext): Promise<string | null> {
  const verdicts = await Promise.all(
    checks.map(async (check) => {
      try {
        const verdict = await withDeadline(check.check(ctx), checkTimeoutMs, `no answer within ${checkTimeoutMs} ms`);
        return verdict === true ? null : `${check.name}: ${verdict}`;
      } catch (error) {
        return `${check.name}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }),
  );
  const failed = verdicts.filter((verdict): verdict is string => verdict !== null);
  return failed.length === 0 ? null : `Pre-run check failed: ${failed.join('; ')}`;
}

/**
 * Passes while the rate limit `name` (the one ctx.batch and the league's upstream requests
 * share through Redis, worker/batch/shared-rate-limiter.ts) has at least `atLeast` calls left
 * in its window and no upstream Retry-After pause holds it. `limit` reads the job's config.
 */
export function rateLimitBudget<TConfig>(options: {
  name: string;
  limit: (config: TConfig) => { max: number; perMs: number };
  /** Calls that must be left. Default: 1. */
  atLeast?: number;
}): PreRunCheck<TConfig> {
  const atLeast = options.atLeast ?? 1;
  return {
    name: 'rate-limit budget',
    async check({ config, redis, prefix }) {
      const limit = options.limit(config);
      const { remaining, pausedForMs } = await new SharedRateLimiter(redis, prefix, options.name, limit).budget();
      if (pausedForMs > 0) return `${options.name} is paused for ${Math.ceil(pausedForMs / 1_000)} s more by the upstream's Retry-After`;
      if (remaining < atLeast) return `${options.name} has ${remaining} of ${limit.max} calls left in its window (needs ${atLeast})`;
      return true;
    },
  };
}

export interface WorkerHealthLimits {
  /** The event loop's p99 delay over the last few seconds above this fails. Default: 1000 ms. */
  maxEventLoopDelayMs?: number;
  /** The V8 heap in use, as a share of its limit, above this fails. Default: 0.9. */
  maxHeapUsedRatio?: number;
}

/** Passes while this worker process is healthy: its event loop keeps up and its heap has room. */
export function workerHealth<TConfig = unknown>(limits: WorkerHealthLimits = {}): PreRunCheck<TConfig> {
  const maxDelayMs = limits.maxEventLoopDelayMs ?? 1_000;
  const maxHeap = limits.maxHeapUsedRatio ?? 0.9;
  return {
    name: 'worker health',
    async check() {
      const delayMs = eventLoopDelay.p99Ms();
      if (delayMs > maxDelayMs) return `event-loop delay p99 ${Math.round(delayMs)} ms (limit ${maxDelayMs} ms)`;
      const heap = process.memoryUsage().heapUsed / getHeapStatistics().heap_size_limit;
      if (heap > maxHeap) return `heap ${Math.round(heap * 100)} % of its limit in use (limit ${Math.round(maxHeap * 100)} %)`;
      return true;
    },
  };
}

/** Passes while `ping` (the cache's own Redis connection, e.g. TwoLevelCache.ping) answers within `timeoutMs`. */
export function cacheReachable<TConfig = unknown>(ping: () => Promise<unknown>, timeoutMs = 500): PreRunCheck<TConfig> {
  return {
    name: 'cache',
    async check() {
      try {
        await withDeadline(ping(), timeoutMs, `Redis did not answer within ${timeoutMs} ms`);
        return true;
      } catch (error) {
        return `unreachable (${error instanceof Error ? error.message : String(error)})`;
      }
    },
  };
}

/**
 * The process's event-loop delay (perf_hooks), sampled from the first health check on: the
 * p99 of the last full interval, or of the current one when it is worse.
 */
class EventLoopDelay {
  private histogram: IntervalHistogram | undefined;
  private lastP99Ms = 0;

  p99Ms(): number {
    if (!this.histogram) {
      this.histogram = monitorEventLoopDelay({ resolution: 20 });
      this.histogram.enable();
      setInterval(() => {
        this.lastP99Ms = this.current();
        this.histogram!.reset();
      }, 5_000).unref();
    }
    return Math.max(this.lastP99Ms, this.current());
  }

  private current(): number {
    return this.histogram && this.histogram.count > 0 ? this.histogram.percentile(99) / 1e6 : 0;
  }
}

const eventLoopDelay = new EventLoopDelay();

function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
