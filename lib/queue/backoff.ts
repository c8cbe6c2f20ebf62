import type { BackoffOptions } from 'bullmq';
import type { RetryOptions } from '../jobs/define-job.ts';

/**
 * Every Kickoff job uses one custom BullMQ backoff type per policy (`kickoff:exponential`, …)
 * so the worker's strategy can honour an upstream's "retry after" on top of the policy.
 */
const typePrefix = 'kickoff:';

/** A job's retry policy in BullMQ's terms. */
export function backoffFor(retry: Required<RetryOptions>): BackoffOptions | undefined {
  if (retry.backoff === 'none') return undefined;
  return { type: `${typePrefix}${retry.backoff}`, delay: retry.backoff === 'immediate' ? 0 : retry.delayMs };
}

/** An error that says when to try again, e.g. an upstream's 429 with `Retry-After`. */
export interface RetryAfterHint {
  retryAfterMs: number;
}

export function retryAfterOf(error: unknown): number | undefined {
  const value = (error as Partial<RetryAfterHint> | null)?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The wait before the next attempt. `attemptsMade` counts the attempts already failed (1
 * after the first). An error carrying `retryAfterMs` waits at least that long.
 */
export function retryDelay(type: string | undefined, delayMs: number, attemptsMade: number, error?: unknown): number {
  const policy = type?.startsWith(typePrefix) ? type.slice(typePrefix.length) : type;
  const base =
    policy === 'exponential' ? Math.round(2 ** Math.max(0, attemptsMade - 1) * delayMs) : policy === 'fixed' ? delayMs : 0;
  return Math.max(base, retryAfterOf(error) ?? 0);
}
