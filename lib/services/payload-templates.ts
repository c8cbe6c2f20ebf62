import type { z } from 'zod';
import { recordAudit, type AuditActor } from '../audit.ts';
import { assertMayActOnJob } from '../auth/grants.ts';
import { db } from '../db.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { templateBodySchema } from '../validations/templates.ts';
import { findJob } from '../jobs/catalog.ts';

export interface PayloadTemplateDto {
  id: string;
  name: string;
  payload: unknown;
  createdBy: string | null;
  updatedAt: string;
}

export async function listTemplates(jobName: string): Promise<PayloadTemplateDto[]> {
  if (!findJob(jobName)) throw new NotFoundError('Job', jobName);
  const rows = await db().payloadTemplate.findMany({ where: { jobName }, orderBy: { name: 'asc' } });
  return rows.map((row) => ({ id: row.id, name: row.name, payload: row.payload, createdBy: row.createdBy, updatedAt: row.updatedAt.toISOString() }));
}

/** The job a template is for, once the caller's grant for it is checked (before its body is read: who asks comes first). */
export function assertMaySaveTemplate(jobName: string, principal: AuditActor['principal']): void {
  const job = findJob(jobName);
  if (!job) throw new NotFoundError('Job', jobName);
  assertMayActOnJob(principal, job);
}

/** Saves a payload under a name for a job; the payload must fit the job's schema. */
export async function saveTemplate(jobName: string, body: z.output<typeof templateBodySchema>, actor: AuditActor): Promise<PayloadTemplateDto> {
  const job = findJob(jobName);
  if (!job) throw new NotFoundError('Job', jobName);
  assertMayActOnJob(actor.principal, job);
  const parsed = job.payload.safeParse(body.payload ?? {});
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, `The payload does not fit job "${jobName}"`, 'payload');
  const payload = (body.payload ?? {}) as object;
  const row = await db().payloadTemplate.upsert({
    where: { jobName_name: { jobName, name: body.name } },
    create: { jobName, name: body.name, payload, createdBy: actor.principal.label },
    update: { payload, createdBy: actor.principal.label },
  });
  await recordAudit(actor, { action: 'template.save', targetType: 'job', targetId: jobName, after: { name: body.name, payload } });
  return { id: row.id, name: row.name, payload: row.payload, createdBy: row.createdBy, updatedAt: row.updatedAt.toISOString() };
}

export async function deleteTemplate(jobName: string, id: string, actor: AuditActor): Promise<void> {
  const job = findJob(jobName);
  if (!job) throw new NotFoundError('Job', jobName);
  assertMayActOnJob(actor.principal, job);
  const row = await db().payloadTemplate.findFirst({ where: { id, jobName } });
  if (!row) throw new NotFoundError('Template', id);
  await db().payloadTemplate.delete({ where: { id } });
  await recordAudit(actor, { action: 'template.delete', targetType: 'job', targetId: jobName, before: { name: row.name, payload: row.payload } });
}
