/**
 * What an exclusive job's runs do around its lock: the lock itself (`kickoffKeys.jobLock`,
 * taken by the worker's gate for as long as a run lives) and the follow-up run — the one run
 * that waits for the holder to end on behalf of every run the system asks for meanwhile, so a
 * database event or a dependency that finds the job running is never dropped.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { JobRun } from '@/generated/prisma/client.ts';
import { db } from '../db.ts';
import type { JobDefinition } from '../jobs/define-job.ts';
import { RedisLock } from '../locks/redis-lock.ts';
import { queues } from '../queue/queues.ts';
import { kickoffKeys } from '../redis-keys.ts';
import { redis } from '../redis.ts';

/** The run id holding an exclusive job's lock, or null. */
export function holderOf(jobName: string, connection: Redis = redis(), prefix = queues().prefix): Promise<string | null> {
  return jobLock(jobName, connection, prefix).holder();
}

export function jobLock(jobName: string, connection: Redis, prefix: string): RedisLock {
  return new RedisLock(connection, kickoffKeys.jobLock(prefix, jobName));
}

/** The pointer to a job's follow-up run, kept like a lock owned by that run's id. */
function followUpPointer(jobName: string, connection: Redis = redis(), prefix = queues().prefix): RedisLock {
  return new RedisLock(connection, kickoffKeys.followUp(prefix, jobName));
}

/** A pointer outlives any wait for a holder; it is cleared when its run starts (and checked against the row anyway). */
const pointerTtlMs = 24 * 3_600_000;

export type FollowUpClaim = { kind: 'join'; run: JobRun } | { kind: 'new'; runId: string };

/**
 * Either the queued follow-up run to join, or a new run id that is now the follow-up (the
 * caller writes its row). A pointer to a run that started, ended or never got its row is
 * replaced; a row still being written by another process is waited for briefly.
 */
export async function claimFollowUp(job: Pick<JobDefinition, 'name'>): Promise<FollowUpClaim> {
  const pointer = followUpPointer(job.name);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const candidate = randomUUID();
    const taken = await pointer.acquire(candidate, pointerTtlMs);
    if (taken.acquired) return { kind: 'new', runId: candidate };
    if (!taken.holder) continue;
    const run = await db().jobRun.findUnique({ where: { id: taken.holder } });
    if (run?.status === 'queued') return { kind: 'join', run };
    if (!run && attempt < 5) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    await pointer.release(taken.holder);
  }
  // Never drop the request: at worst two runs wait.
  return { kind: 'new', runId: randomUUID() };
}

/** Called when a run takes its job's lock: if it was the follow-up, later requests need a new one. */
export function releaseFollowUp(jobName: string, runId: string, connection: Redis, prefix: string): Promise<boolean> {
  return followUpPointer(jobName, connection, prefix).release(runId);
}
