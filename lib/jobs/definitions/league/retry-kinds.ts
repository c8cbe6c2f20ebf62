import type { JobDefinitionOptions, RetryOptions } from '../../define-job.ts';

/**
 * The retry policies the Letletme specification gives by kind of work (000, Configuration
 * Management: `ProcessingConfig.timing` and `hybrid.error.retryStrategies`), as the league
 * jobs use them. Where the specification says `maxRetries` it counts tries in all, as
 * Kickoff's `attempts` does: its daily kind says `maxRetries: 3` and the bootstrap job of that
 * kind `attempts: 3`.
 */

/** `timing.daily` and `retryStrategies.meta`: exponential, 3 attempts (the engine's default). */
export const dailyRetry = { attempts: 3, backoff: 'exponential', delayMs: 1_000 } as const satisfies RetryOptions;

/** `timing.matchDay`: a live update that failed is tried again at once, 5 attempts in all. */
export const matchDayRetry = { attempts: 5, backoff: 'immediate' } as const satisfies RetryOptions;

/**
 * `timing.deadline`: must succeed the first time, so never retried (the next fire is the next
 * chance); a 30 s lock (`lockTimeout`); a notification when it fails (`notifications: true`),
 * which Kickoff gives as a default alert rule (see `alertOnFailure` in define-job.ts).
 * Its `defaultPriority` is critical; a job of the kind that names its own priority keeps it.
 */
export const deadlineJob = {
  retry: { attempts: 1, backoff: 'none' },
  exclusive: { lockTtlMs: 30_000 },
  alertOnFailure: 'critical',
} as const satisfies Pick<JobDefinitionOptions<never, never>, 'retry' | 'exclusive' | 'alertOnFailure'>;

/**
 * `retryStrategies.integration`: a hybrid job's integration phase (writing what it fetched) is
 * tried twice, with a fixed wait, inside the run (`ctx.phase(name, fn, { retry })`), so the
 * answers it fetched are not thrown away with the attempt.
 */
export const integrationRetry = { attempts: 2, backoff: 'fixed', delayMs: 2_000 } as const satisfies RetryOptions;

/**
 * `retryStrategies.api`: each upstream request is tried up to 5 times with exponential waits
 * (worker/jobs/league/upstream-requests.ts), within the shared rate limit.
 */
export const apiRetry = { attempts: 5, backoff: 'exponential', delayMs: 100 } as const satisfies RetryOptions;
