import { recordAudit, type AuditActor } from '../audit.ts';
import { db } from '../db.ts';
import { ConflictError, NotFoundError } from '../errors.ts';

export interface AlertDto {
  id: string;
  ruleId: string;
  subject: string;
  status: 'open' | 'acknowledged' | 'resolved';
  severity: string;
  title: string;
  runId: string | null;
  count: number;
  firstAt: string;
  lastAt: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  deliveries: { channel: unknown; attempts: number; lastError: string | null; sentAt: string | null }[];
}

/** Alerts newest first, with their deliveries (channel, attempts, last error). */
export async function listAlerts(status?: AlertDto['status']): Promise<AlertDto[]> {
  const alerts = await db().alert.findMany({ where: status ? { status } : {}, orderBy: { lastAt: 'desc' }, take: 100, include: { deliveries: true } });
  return alerts.map((alert) => ({
    id: alert.id,
    ruleId: alert.ruleId,
    subject: alert.subject,
    status: alert.status,
    severity: alert.severity,
    title: alert.title,
    runId: alert.runId,
    count: alert.count,
    firstAt: alert.firstAt.toISOString(),
    lastAt: alert.lastAt.toISOString(),
    acknowledgedBy: alert.acknowledgedBy,
    acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    deliveries: alert.deliveries.map((delivery) => ({ channel: delivery.channel, attempts: delivery.attempts, lastError: delivery.lastError, sentAt: delivery.sentAt?.toISOString() ?? null })),
  }));
}

/**
 * "I'm on it" (acknowledge) or "it's over" (resolve), from the dashboard, the API or a
 * Telegram button; audited. `by` is the name shown on the alert (default: the actor's label).
 */
export async function changeAlert(id: string, action: 'ack' | 'resolve', actor: AuditActor, by = actor.principal.label): Promise<void> {
  const alert = await db().alert.findUnique({ where: { id } });
  if (!alert) throw new NotFoundError('Alert', id);
  if (alert.status === 'resolved' || (action === 'ack' && alert.status === 'acknowledged')) {
    const who = alert.status === 'acknowledged' && alert.acknowledgedBy ? ` by ${alert.acknowledgedBy}` : '';
    throw new ConflictError('invalid_state', `The alert is ${alert.status} already${who}`);
  }
  await db().alert.update({
    where: { id },
    data: action === 'ack' ? { status: 'acknowledged', acknowledgedBy: by, acknowledgedAt: new Date() } : { status: 'resolved', resolvedAt: new Date() },
  });
  await recordAudit(actor, { action: action === 'ack' ? 'alert.ack' : 'alert.resolve', targetType: 'alert', targetId: id, before: { status: alert.status } });
}
