import type { Db } from '@/lib/db.ts';
import { findJob } from '@/lib/jobs/catalog.ts';
import { repairableStatuses } from '@/lib/jobs/run-state.ts';
import { repairFromQueue } from '@/lib/runs/run-store.ts';
import { RedisLock } from '@/lib/locks/redis-lock.ts';
import { kickoffKeys } from '@/lib/redis-keys.ts';
import { logger } from '@/lib/logger.ts';
import type { QueueSet } from '@/lib/queue/queues.ts';
import type { Redis } from 'ioredis';

export interface ReconcilerOptions {
  db: Db;
  queues: QueueSet;
  redis: Redis;
  owner: string;
  /** Rows untouched for this long are checked against BullMQ. Default: 60 s. */
  staleAfterMs?: number;
  /** How often to look. Default: 30 s. */
  intervalMs?: number;
}

export interface ReconcileResult {
  checked: number;
  failed: number;
  completed: number;
}

/**
 * Finds run rows left `queued`, `running` or `retrying` that BullMQ no longer has in flight
 * (the job is gone, or finished without the row hearing of it) and ends them with the
 * reason. A job still active or waiting is left to BullMQ (its stalled-job recovery hands a
 * dead worker's runs to another worker). One worker reconciles at a time.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ReconcilerOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce().catch((error: unknown) => logger.warn({ err: error }, 'reconcile failed')), this.options.intervalMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async runOnce(): Promise<ReconcileResult> {
    const lock = new RedisLock(this.options.redis, kickoffKeys.reconcilerLock(this.options.queues.prefix));
    const outcome = await lock.withLock(this.options.owner, 60_000, () => this.reconcile());
    return outcome.ran ? outcome.value : { checked: 0, failed: 0, completed: 0 };
  }

  private async reconcile(): Promise<ReconcileResult> {
    const { db, queues } = this.options;
    const staleBefore = new Date(Date.now() - (this.options.staleAfterMs ?? 60_000));
    const rows = await db.jobRun.findMany({
      where: { status: { in: [...repairableStatuses] }, updatedAt: { lt: staleBefore } },
      select: { id: true, jobName: true, status: true },
      take: 500,
    });
    const result: ReconcileResult = { checked: rows.length, failed: 0, completed: 0 };
    for (const row of rows) {
      const definition = findJob(row.jobName);
      const job = definition ? await queues.for(definition.category).getJob(row.id) : undefined;
      const state = job ? await job.getState() : 'missing';
      const now = new Date();
      if (state === 'completed' && job) {
        if (await repairFromQueue(row.id, { status: 'completed', finishedAt: job.finishedOn ? new Date(job.finishedOn) : now, result: job.returnvalue }, db)) result.completed += 1;
      } else if (state === 'failed' || state === 'missing' || state === 'unknown') {
        const reason =
          state === 'failed' && job
            ? `Failed in the queue without the run hearing of it: ${job.failedReason}`
            : definition
              ? 'Lost: the queue no longer has this run (it was removed or Redis lost it)'
              : `Lost: job "${row.jobName}" is no longer in the catalog`;
        if (await repairFromQueue(row.id, { status: 'failed', finishedAt: now, error: reason }, db)) result.failed += 1;
      }
    }
    if (result.failed + result.completed > 0) logger.warn(result, 'reconciled runs the queue had finished or lost');
    return result;
  }
}
