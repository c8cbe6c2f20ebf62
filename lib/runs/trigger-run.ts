import { recordAudit, type AuditActor } from '../audit.ts';
import { assertMayActOnJob } from '../auth/grants.ts';
import { db } from '../db.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { readSettings, refusalFor } from '../settings.ts';
import { findJob } from '../jobs/catalog.ts';
import type { TriggerBody } from '../validations/runs.ts';
import { enqueueRun, type EnqueuedRun } from './enqueue-run.ts';
import { enforceManualTriggerLimits } from './trigger-limits.ts';

/** A person (dashboard) or a service (API key) asks for a run; the audit log records it. */
export async function triggerRun(jobName: string, body: TriggerBody, actor: AuditActor): Promise<EnqueuedRun> {
  const job = findJob(jobName);
  if (!job) throw new NotFoundError('Job', jobName);
  assertMayActOnJob(actor.principal, job);
  const trigger = actor.principal.type === 'user' ? 'manual' : 'api';
  // A payload that fails the schema is refused before it counts against the limits.
  const payload = job.payload.safeParse(body.payload ?? {});
  if (!payload.success) throw ValidationError.fromZod(payload.error, `The payload does not fit job "${jobName}"`);
  const settings = await readSettings(db());
  const refusal = refusalFor(settings, trigger);
  if (refusal) throw new ConflictError('triggers_off', refusal);
  await enforceManualTriggerLimits(actor.principal, jobName, settings, body.override ?? false);
  const enqueued = await enqueueRun(jobName, {
    payload: body.payload,
    requestId: body.requestId,
    source: body.source ?? (actor.principal.type === 'user' ? 'dashboard' : undefined),
    trigger,
    actor: actor.principal.label,
  });
  if (enqueued.created) {
    await recordAudit(actor, {
      action: 'job.trigger',
      targetType: 'job',
      targetId: jobName,
      details: { runId: enqueued.run.id, payload: enqueued.run.payload, ...(body.override ? { overrideLimits: true } : {}) },
    });
  }
  return enqueued;
}
