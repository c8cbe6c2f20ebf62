import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { rateLimitOf, type Category } from '@/lib/jobs/categories.ts';
import { logger } from '@/lib/logger.ts';
import { retryDelay } from '@/lib/queue/backoff.ts';
import { queueNameFor } from '@/lib/queue/names.ts';
import type { RunJobData } from '@/lib/queue/run-job-data.ts';

export interface CategoryWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  /** How long BullMQ waits before a silent active job counts as stalled (also its lock's life). */
  stalledIntervalMs: number;
}

/**
 * The BullMQ worker of one category's queue. The processor takes two parameters, so BullMQ
 * skips its own per-job abort controller (cancel and timeout are Kickoff's); the backoff of a
 * retry follows the job's policy and an upstream's `retryAfterMs`. The category's rate limit
 * (lib/jobs/categories.ts) is BullMQ's limiter, which counts in Redis for the whole queue, so
 * it holds across every worker process; every worker of a category declares the same one.
 */
export function startCategoryWorker(category: Category, process: (job: Job<RunJobData>, token?: string) => Promise<unknown>, options: CategoryWorkerOptions): Worker<RunJobData> {
  const rateLimit = rateLimitOf(category);
  const worker = new Worker<RunJobData>(queueNameFor(category), (job, token) => process(job, token), {
    connection: options.connection,
    ...(rateLimit ? { limiter: { max: rateLimit.max, duration: rateLimit.durationMs } } : {}),
    prefix: options.prefix,
    concurrency: options.concurrency,
    stalledInterval: options.stalledIntervalMs,
    lockDuration: options.stalledIntervalMs,
    maxStalledCount: 2,
    settings: {
      // attemptsMade plus the tries a re-queued run had made before (job.data.attemptsBefore), so its backoff keeps growing.
      backoffStrategy: (attemptsMade, type, error, job) =>
        retryDelay(type, Number((job?.opts.backoff as { delay?: number } | undefined)?.delay ?? 0), attemptsMade + ((job?.data as RunJobData | undefined)?.attemptsBefore ?? 0), error),
    },
  });
  worker.on('error', (error) => logger.warn({ err: error, category }, 'queue worker error'));
  return worker;
}

/**
 * Stops the workers taking work and waits for their active runs up to `timeoutMs`; runs still
 * going then are abandoned to BullMQ's stalled-job recovery, which hands them to another worker.
 */
export async function closeCategoryWorkers(workers: readonly Worker[], timeoutMs: number, activeRuns: () => number): Promise<void> {
  const graceful = Promise.all(workers.map((worker) => worker.close()));
  const timedOut = await Promise.race([graceful.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs).unref())]);
  if (!timedOut) return;
  logger.warn({ activeRuns: activeRuns() }, 'shutdown grace period over; leaving active runs to another worker');
  await Promise.all(workers.map((worker) => worker.close(true)));
}
