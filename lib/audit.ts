import type { Principal } from './auth/principal.ts';
import { db } from './db.ts';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
  details?: unknown;
}

export interface AuditActor {
  principal: Principal;
  requestId?: string | null;
  ip?: string | null;
}

/** Writes one line of the audit log: who did what, when, from where. */
export async function recordAudit(actor: AuditActor, entry: AuditEntry): Promise<void> {
  await recordAudits(actor, [entry]);
}

/** Writes several lines by one actor in one statement (a bulk action: a line per thing it changed). */
export async function recordAudits(actor: AuditActor, entries: readonly AuditEntry[]): Promise<void> {
  for (let start = 0; start < entries.length; start += 1_000) {
    await db().auditLog.createMany({ data: entries.slice(start, start + 1_000).map((entry) => auditRow(actor, entry)) });
  }
}

function auditRow(actor: AuditActor, entry: AuditEntry) {
  return {
    actorType: actor.principal.type,
    actorId: actor.principal.id,
    actor: actor.principal.label,
    role: actor.principal.role,
    ip: actor.ip ?? null,
    requestId: actor.requestId ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    before: json(entry.before),
    after: json(entry.after),
    details: json(entry.details),
  };
}

function json(value: unknown): object | undefined {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as object);
}
