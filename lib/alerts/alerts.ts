import { recordAudit, type AuditActor } from '../audit.ts';
import { mayActOnAlert, type AlertScope } from '../auth/grants.ts';
import { db } from '../db.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { findJob } from '../jobs/catalog.ts';
import { redactChannel, type ChannelAudience } from './alert-rules.ts';

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
  deliveries: { channel: unknown; kind: 'alert' | 'reminder' | 'escalation'; attempts: number; lastError: string | null; sentAt: string | null }[];
}

/** Alerts newest first, with their deliveries (channel, first message / reminder / escalation, attempts, last error); webhook URLs redacted but for admins. */
export async function listAlerts(status: AlertDto['status'] | undefined, audience: ChannelAudience): Promise<AlertDto[]> {
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
    deliveries: alert.deliveries.map((delivery) => ({ channel: audience.admin ? delivery.channel : redactChannel(delivery.channel), kind: delivery.kind, attempts: delivery.attempts, lastError: delivery.lastError, sentAt: delivery.sentAt?.toISOString() ?? null })),
  }));
}

/** What an alert's subject (a job name, `queue:<category>`, `worker:<id>`) is about, for the grants. */
export function alertScope(subject: string): AlertScope {
  if (subject.startsWith('queue:')) return { category: subject.slice('queue:'.length) };
  const job = findJob(subject);
  return job ? { job } : { none: true };
}

export interface AlertChangeOptions {
  /** The name shown on the alert (default: the actor's label). */
  by?: string;
  /**
   * Pressed on the alert's own message in the chat it was sent to: the chat is the
   * authority (whoever reads it was meant to), so the actor's grants are not asked.
   */
  fromDeliveredMessage?: boolean;
}

/**
 * "I'm on it" (acknowledge) or "it's over" (resolve), from the dashboard, the API or a
 * Telegram button; audited. From the dashboard and the API an operator needs a grant for
 * what the alert is about (see mayActOnAlert).
 */
export async function changeAlert(id: string, action: 'ack' | 'resolve', actor: AuditActor, options: AlertChangeOptions = {}): Promise<void> {
  const by = options.by ?? actor.principal.label;
  const alert = await db().alert.findUnique({ where: { id } });
  if (!alert) throw new NotFoundError('Alert', id);
  if (!options.fromDeliveredMessage && !mayActOnAlert(actor.principal, alertScope(alert.subject))) {
    throw new ForbiddenError(`You have no grant for what this alert is about (${alert.subject})`);
  }
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
