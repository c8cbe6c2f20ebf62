import type { Prisma } from '@/generated/prisma/client.ts';
import { db } from '../db.ts';
import type { AuditQuery } from '../validations/audit.ts';

export interface AuditEntryDto {
  id: string;
  at: string;
  actorType: string;
  actor: string;
  role: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  requestId: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
}

/** Newest first; the cursor is the last entry's id. */
export async function listAudit(query: AuditQuery): Promise<{ entries: AuditEntryDto[]; nextCursor: string | null }> {
  const where: Prisma.AuditLogWhereInput[] = [];
  if (query.action) where.push({ action: query.action });
  if (query.actor) where.push({ actor: { contains: query.actor, mode: 'insensitive' } });
  if (query.target) where.push({ targetId: query.target });
  if (query.since) where.push({ at: { gte: query.since } });
  if (query.until) where.push({ at: { lt: query.until } });
  if (query.cursor) where.push({ id: { lt: BigInt(query.cursor) } });
  const rows = await db().auditLog.findMany({ where: { AND: where }, orderBy: { id: 'desc' }, take: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return {
    entries: page.map((row) => ({
      id: row.id.toString(),
      at: row.at.toISOString(),
      actorType: row.actorType,
      actor: row.actor,
      role: row.role,
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      ip: row.ip,
      requestId: row.requestId,
      before: row.before,
      after: row.after,
      details: row.details,
    })),
    nextCursor: rows.length > query.limit ? page.at(-1)!.id.toString() : null,
  };
}
