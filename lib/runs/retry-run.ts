import { recordAudit, type AuditActor } from '../audit.ts';
import { assertMayActOnJob } from '../auth/grants.ts';
import { db } from '../db.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { findJob } from '../jobs/catalog.ts';
import { enqueueRun, type EnqueuedRun } from './enqueue-run.ts';

/** A new run of a failed or cancelled one, with the same payload, pointing back through `retryOf`. */
export async function retryRun(runId: string, actor: AuditActor): Promise<EnqueuedRun> {
  const run = await db().jobRun.findUnique({ where: { id: runId } });
  if (!run) throw new NotFoundError('Run', runId);
  const job = findJob(run.jobName);
  if (!job) throw new ConflictError('job_gone', `Job "${run.jobName}" is no longer in the catalog`);
  assertMayActOnJob(actor.principal, job);
  if (run.status !== 'failed' && run.status !== 'cancelled') {
    throw new ConflictError('invalid_state', `Run is ${run.status}; only failed or cancelled runs can be retried`, { status: run.status });
  }
  const enqueued = await enqueueRun(run.jobName, {
    payload: run.payload,
    trigger: 'retry',
    retryOf: run.id,
    actor: actor.principal.label,
    source: run.source ?? undefined,
  });
  await recordAudit(actor, { action: 'run.retry', targetType: 'run', targetId: run.id, details: { newRunId: enqueued.run.id, jobName: run.jobName } });
  return enqueued;
}
