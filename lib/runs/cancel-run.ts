import type { JobRun } from '@/generated/prisma/client.ts';
import { recordAudit, type AuditActor } from '../audit.ts';
import { assertMayActOnJob } from '../auth/grants.ts';
import { db } from '../db.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { findJob } from '../jobs/catalog.ts';
import { cancellableStatuses, isCancellable, isWaiting } from '../jobs/run-state.ts';
import { queues } from '../queue/queues.ts';
import { kickoffKeys } from '../redis-keys.ts';
import { redis } from '../redis.ts';
import { cancelWaiting } from './run-store.ts';

/** Cancelled marks live this long, so a worker that picks the run up later still sees it. */
const cancelMarkTtlSeconds = 24 * 3_600;

export interface ControlMessage {
  type: 'cancel';
  runId: string;
}

/**
 * Cancels a run. A queued or retrying run is taken out of its queue and ends `cancelled`
 * here; a running one is aborted through its signal by whichever worker holds it (told over
 * Redis pub/sub), which then records `cancelled`. A mark in Redis covers a run that a worker
 * takes at this very moment: its gate sees the mark and ends it without running it.
 */
export async function cancelRun(runId: string, actor: AuditActor): Promise<JobRun> {
  const run = await db().jobRun.findUnique({ where: { id: runId } });
  if (!run) throw new NotFoundError('Run', runId);
  const job = findJob(run.jobName);
  if (job) assertMayActOnJob(actor.principal, job);
  if (!isCancellable(run.status)) {
    throw new ConflictError('invalid_state', `Run is ${run.status}; only ${cancellableStatuses.join(', ')} runs can be cancelled`, { status: run.status });
  }
  const prefix = queues().prefix;
  await redis().set(kickoffKeys.cancelled(prefix, runId), '1', 'EX', cancelMarkTtlSeconds);

  let removed = false;
  if (job && isWaiting(run.status)) {
    const bullJob = await queues().for(job.category).getJob(runId);
    removed = bullJob ? await bullJob.remove().then(() => true, () => false) : true;
  }
  let updated = run;
  if (removed) {
    await cancelWaiting(runId, `Cancelled by ${actor.principal.label}`);
    updated = await db().jobRun.findUniqueOrThrow({ where: { id: runId } });
  } else {
    const message: ControlMessage = { type: 'cancel', runId };
    await redis().publish(kickoffKeys.controlChannel(prefix), JSON.stringify(message));
  }
  await recordAudit(actor, { action: 'run.cancel', targetType: 'run', targetId: runId, before: { status: run.status }, details: { jobName: run.jobName } });
  return updated;
}
