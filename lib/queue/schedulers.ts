import type { Redis } from 'ioredis';
import type { Db } from '../db.ts';
import { categoryNames } from '../jobs/categories.ts';
import type { JobDefinition, ScheduleOptions } from '../jobs/define-job.ts';
import { expandCron } from '../jobs/schedule.ts';
import { RedisLock } from '../locks/redis-lock.ts';
import { kickoffKeys } from '../redis-keys.ts';
import { logger } from '../logger.ts';
import { backoffFor } from './backoff.ts';
import type { QueueSet } from './queues.ts';
import { bullPriority, type RunJobData } from './run-job-data.ts';

export interface SchedulerSyncOptions {
  db: Db;
  queues: QueueSet;
  /** A connection for the sync lock. */
  redis: Redis;
  jobs: readonly JobDefinition[];
  /** Who syncs, for the lock (a worker id, `web`). */
  owner: string;
  now?: Date;
}

export interface SchedulerSyncResult {
  upserted: string[];
  removed: string[];
  unchanged: string[];
}

/**
 * Makes BullMQ's job schedulers match the catalog and the run-time state in PostgreSQL: one
 * scheduler per enabled, unpaused job with a schedule (its id is the job name); none for the
 * rest. Runs under a Redis lock, one process at a time: BullMQ has had duplicate and lost
 * schedules when several instances upsert at once (taskforcesh/bullmq #3262, #3085, #2988).
 * A scheduler whose pattern, timezone and interval already match is left alone, so its next
 * fire is not moved.
 */
export async function syncSchedulers(options: SchedulerSyncOptions): Promise<SchedulerSyncResult> {
  const lock = new RedisLock(options.redis, kickoffKeys.schedulerSyncLock(options.queues.prefix));
  const outcome = await lock.withLock(options.owner, 30_000, () => syncUnlocked(options), 30_000);
  if (!outcome.ran) throw new Error('could not take the scheduler sync lock within 30 s');
  return outcome.value;
}

async function syncUnlocked({ db, queues, jobs, now = new Date() }: SchedulerSyncOptions): Promise<SchedulerSyncResult> {
  const rows = new Map((await db.jobDefinition.findMany()).map((row) => [row.name, row]));
  const result: SchedulerSyncResult = { upserted: [], removed: [], unchanged: [] };
  for (const category of categoryNames) {
    const queue = queues.for(category);
    const desired = new Map<string, { job: JobDefinition; schedule: ScheduleOptions }>();
    for (const job of jobs.filter((candidate) => candidate.category === category)) {
      const row = rows.get(job.name);
      const schedule = (row?.scheduleOverride as ScheduleOptions | null | undefined) ?? job.schedule;
      const paused = row?.pausedUntil && row.pausedUntil.getTime() > now.getTime();
      if (schedule && (row?.enabled ?? true) && !paused) desired.set(job.name, { job, schedule });
    }
    const existing = await queue.getJobSchedulers(0, -1);
    for (const scheduler of existing) {
      const id = scheduler.key;
      if (!desired.has(id)) {
        await queue.removeJobScheduler(id);
        result.removed.push(id);
      }
    }
    for (const [name, { job, schedule }] of desired) {
      const repeat = 'cron' in schedule ? { pattern: expandCron(schedule.cron), tz: schedule.tz ?? 'UTC' } : { every: schedule.every };
      const current = existing.find((scheduler) => scheduler.key === name);
      const same =
        current &&
        ('pattern' in repeat
          ? current.pattern === repeat.pattern && (current.tz ?? 'UTC') === repeat.tz
          : Number(current.every) === repeat.every && !current.pattern);
      if (same) {
        result.unchanged.push(name);
        continue;
      }
      const data: RunJobData = { payload: {}, trigger: 'schedule', actor: 'scheduler', source: 'schedule' };
      await queue.upsertJobScheduler(name, repeat, {
        name,
        data,
        opts: { priority: bullPriority(job.priority, 'schedule'), attempts: job.retry.attempts, backoff: backoffFor(job.retry) },
      });
      result.upserted.push(name);
    }
  }
  if (result.upserted.length + result.removed.length > 0) logger.info(result, 'job schedulers synced');
  return result;
}
