import type { Prisma } from '@/generated/prisma/client.ts';
import { recordAudit, type AuditActor } from '../audit.ts';
import { db } from '../db.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { queues } from '../queue/queues.ts';
import { syncSchedulers } from '../queue/schedulers.ts';
import { redis } from '../redis.ts';
import type { JobPatch } from '../validations/jobs.ts';
import { allJobs, findJob } from '../jobs/catalog.ts';
import { assertValidSchedule } from '../jobs/schedule.ts';

/**
 * Changes what people own about a job: enabled, paused-until, schedule, config. The config
 * is validated by the job's own schema; schedulers follow at once (disabling or pausing
 * removes the job's scheduler, enabling brings it back); the audit log keeps before/after.
 */
export async function updateJob(name: string, patch: JobPatch, actor: AuditActor) {
  const job = findJob(name);
  if (!job) throw new NotFoundError('Job', name);
  const row = await db().jobDefinition.findUnique({ where: { name } });
  if (!row) throw new ConflictError('not_synced', `Job "${name}" has not been synced yet: start a worker first`);

  const data: Prisma.JobDefinitionUpdateInput = {};
  if (patch.enabled !== undefined) data.enabled = patch.enabled;
  if (patch.pausedUntil !== undefined) data.pausedUntil = patch.pausedUntil ? new Date(patch.pausedUntil) : null;
  if (patch.schedule !== undefined) {
    if (patch.schedule) {
      try {
        assertValidSchedule(patch.schedule);
      } catch (error) {
        throw new ValidationError('The schedule is not valid', { fieldErrors: { schedule: [(error as Error).message] }, formErrors: [] });
      }
    }
    data.scheduleOverride = patch.schedule ?? (null as unknown as Prisma.InputJsonValue);
  }
  if (patch.config !== undefined) {
    const parsed = job.config.safeParse(patch.config);
    if (!parsed.success) throw ValidationError.fromZod(parsed.error, `The config does not fit job "${name}"`, 'config');
    data.config = parsed.data as Prisma.InputJsonValue;
    data.configVersion = { increment: 1 };
  }

  const updated = await db().jobDefinition.update({ where: { name }, data });
  const before = pick(row, patch);
  const after = pick(updated, patch);
  await recordAudit(actor, { action: 'job.update', targetType: 'job', targetId: name, before, after });
  if (patch.enabled !== undefined || patch.pausedUntil !== undefined || patch.schedule !== undefined) {
    await syncSchedulers({ db: db(), queues: queues(), redis: redis(), jobs: allJobs(), owner: `web:${process.pid}` });
  }
  return updated;
}

function pick(row: { enabled: boolean; pausedUntil: Date | null; scheduleOverride: unknown; config: unknown; configVersion: number }, patch: JobPatch) {
  return {
    ...(patch.enabled !== undefined ? { enabled: row.enabled } : {}),
    ...(patch.pausedUntil !== undefined ? { pausedUntil: row.pausedUntil?.toISOString() ?? null } : {}),
    ...(patch.schedule !== undefined ? { schedule: row.scheduleOverride ?? null } : {}),
    ...(patch.config !== undefined ? { config: row.config, configVersion: row.configVersion } : {}),
  };
}
