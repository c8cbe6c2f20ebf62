import type { BackoffOptions } from 'bullmq';
import type { RetryOptions } from '../jobs/define-job.ts';

/** A job's retry policy in BullMQ's terms. */
export function backoffFor(retry: Required<RetryOptions>): BackoffOptions | undefined {
  switch (retry.backoff) {
    case 'exponential':
      return { type: 'exponential', delay: retry.delayMs };
    case 'fixed':
      return { type: 'fixed', delay: retry.delayMs };
    case 'immediate':
      return { type: 'fixed', delay: 0 };
    case 'none':
      return undefined;
  }
}
