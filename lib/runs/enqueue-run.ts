import { randomUUID } from 'node:crypto';
import type { JobRun } from '@/generated/prisma/client.ts';
import { db, Prisma } from '../db.ts';
import { ConflictError, NotFoundError, ServiceUnavailableError, ValidationError } from '../errors.ts';
import { findJob } from '../jobs/catalog.ts';
import type { JobDefinition } from '../jobs/define-job.ts';
import type { RunTrigger } from '../jobs/run-state.ts';
import { RedisLock } from '../locks/redis-lock.ts';
import { kickoffKeys } from '../redis-keys.ts';
import { logger } from '../logger.ts';
import { redis } from '../redis.ts';
import { backoffFor } from '../queue/backoff.ts';
import { queues } from '../queue/queues.ts';
import { bullPriority, type RunJobData } from '../queue/run-job-data.ts';

export interface EnqueueRunOptions {
  /** Validated with the job's payload schema; a payload that fails is never queued. Default: `{}`. */
  payload?: unknown;
  trigger: RunTrigger;
  /** Who asked: an email, `key:<name>`, `scheduler`. */
  actor?: string;
  /** Where from, as a free label (`dashboard`, `post-match`). Default: none. */
  source?: string;
  /** The same requestId twice for one job yields one run. Default: none (every call is new). */
  requestId?: string;
  /** For trigger `retry`: the run this one retries. */
  retryOf?: string;
  /** For trigger `dependency`: the run whose success caused this one. */
  causedBy?: string;
}

export interface EnqueuedRun {
  run: JobRun;
  /** False when `requestId` matched an earlier run, which is returned instead. */
  created: boolean;
}

/**
 * Validates a payload against the job's schema, records the run as `queued`, and adds it to
 * the job's BullMQ queue under the run's id. Nothing is written for a payload that fails.
 */
export async function enqueueRun(jobName: string, options: EnqueueRunOptions): Promise<EnqueuedRun> {
  const job = findJob(jobName);
  if (!job) throw new NotFoundError('Job', jobName);

  const parsed = job.payload.safeParse(options.payload ?? {});
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, `The payload does not fit job "${jobName}"`);

  const definition = await db().jobDefinition.findUnique({ where: { name: jobName } });
  if (definition && !definition.enabled) {
    throw new ConflictError('job_disabled', `Job "${jobName}" is disabled; enable it to run it`);
  }

  if (options.requestId) {
    const existing = await findByRequestId(jobName, options.requestId);
    if (existing) return { run: existing, created: false };
  }

  if (job.exclusive) {
    const holder = await new RedisLock(redis(), kickoffKeys.jobLock(queues().prefix, job.name)).holder();
    if (holder) throw new ConflictError('already_running', `Job "${jobName}" is exclusive and already running`, { runId: holder });
  }

  const id = randomUUID();
  let run: JobRun;
  try {
    run = await db().jobRun.create({
      data: {
        id,
        jobName,
        status: 'queued',
        trigger: options.trigger,
        source: options.source ?? null,
        actor: options.actor ?? null,
        requestId: options.requestId ?? null,
        payload: parsed.data as Prisma.InputJsonValue,
        maxAttempts: job.retry.attempts,
        priority: job.priority,
        retryOf: options.retryOf ?? null,
        causedBy: options.causedBy ?? null,
      },
    });
  } catch (error) {
    // Two triggers with one requestId at the same moment: the loser returns the winner's run.
    if (options.requestId && isUniqueViolation(error)) {
      const existing = await findByRequestId(jobName, options.requestId);
      if (existing) return { run: existing, created: false };
    }
    throw error;
  }

  try {
    await addToQueue(job, run, parsed.data);
  } catch (error) {
    logger.error({ err: error, runId: id }, 'could not add the run to its queue');
    await db().jobRun.delete({ where: { id } }).catch(() => {});
    throw new ServiceUnavailableError('The queue (Redis) is unreachable; the run was not queued');
  }
  return { run, created: true };
}

async function addToQueue(job: JobDefinition, run: JobRun, payload: unknown): Promise<void> {
  const data: RunJobData = {
    payload,
    trigger: run.trigger,
    source: run.source,
    actor: run.actor,
    requestId: run.requestId,
  };
  await queues()
    .for(job.category)
    .add(job.name, data, {
      jobId: run.id,
      priority: bullPriority(job.priority, run.trigger),
      attempts: job.retry.attempts,
      backoff: backoffFor(job.retry),
    });
}

function findByRequestId(jobName: string, requestId: string): Promise<JobRun | null> {
  return db().jobRun.findUnique({ where: { jobName_requestId: { jobName, requestId } } });
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/**
 * Queues many runs of one job at once: one validation pass, one multi-row insert and one
 * bulk add per chunk. For bulk producers (backfills, the benchmark); no requestId
 * de-duplication, no exclusive check.
 */
export async function enqueueRuns(jobName: string, runs: Omit<EnqueueRunOptions, 'requestId'>[], chunkSize = 1_000): Promise<string[]> {
  const job = findJob(jobName);
  if (!job) throw new NotFoundError('Job', jobName);
  const prepared = runs.map((options, index) => {
    const parsed = job.payload.safeParse(options.payload ?? {});
    if (!parsed.success) throw ValidationError.fromZod(parsed.error, `The payload of run ${index} does not fit job "${jobName}"`);
    return { id: randomUUID(), options, payload: parsed.data };
  });
  const queue = queues().for(job.category);
  for (let start = 0; start < prepared.length; start += chunkSize) {
    const chunk = prepared.slice(start, start + chunkSize);
    await db().jobRun.createMany({
      data: chunk.map(({ id, options, payload }) => ({
        id,
        jobName,
        status: 'queued' as const,
        trigger: options.trigger,
        source: options.source ?? null,
        actor: options.actor ?? null,
        payload: payload as Prisma.InputJsonValue,
        maxAttempts: job.retry.attempts,
        priority: job.priority,
      })),
    });
    await queue.addBulk(
      chunk.map(({ id, options, payload }) => ({
        name: job.name,
        data: { payload, trigger: options.trigger, source: options.source ?? null, actor: options.actor ?? null } satisfies RunJobData,
        opts: { jobId: id, priority: bullPriority(job.priority, options.trigger), attempts: job.retry.attempts, backoff: backoffFor(job.retry) },
      })),
    );
  }
  return prepared.map(({ id }) => id);
}
