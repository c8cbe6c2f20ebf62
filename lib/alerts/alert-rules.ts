import type { z } from 'zod';
import type { AlertRule } from '@/generated/prisma/client.ts';
import { recordAudit, type AuditActor } from '../audit.ts';
import { db } from '../db.ts';
import { env } from '../env.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { outboundPolicy, outboundUrlProblem } from '../net/outbound-policy.ts';
import type { alertRulePatchSchema, AlertRuleInput } from '../validations/alerts.ts';

export interface AlertRuleDto extends Omit<AlertRuleInput, 'scope'> {
  id: string;
  scope: Record<string, string>;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * A channel as someone who is not an admin may see it: a webhook's URL cut to its scheme and
 * host (its path, query and any credentials are often the secret that lets anyone post).
 */
export function redactChannel<T>(channel: T): T {
  const { type, url } = (channel ?? {}) as { type?: unknown; url?: unknown };
  if (type !== 'webhook' || typeof url !== 'string') return channel;
  let shown = 'hidden';
  try {
    const parsed = new URL(url);
    shown = `${parsed.protocol}//${parsed.host}`;
  } catch {
    // not a URL: show nothing of it
  }
  return { ...(channel as object), url: shown } as T;
}

/** Who reads: admins see every channel as stored, everyone else with webhook URLs redacted. */
export interface ChannelAudience {
  admin: boolean;
}

const toDto = (rule: AlertRule, audience: ChannelAudience = { admin: true }): AlertRuleDto => ({
  id: rule.id,
  name: rule.name,
  condition: rule.condition as AlertRuleDto['condition'],
  scope: rule.scope as Record<string, string>,
  severity: rule.severity,
  channels: audience.admin ? (rule.channels as AlertRuleDto['channels']) : (rule.channels as AlertRuleDto['channels']).map(redactChannel),
  cooldownMinutes: rule.cooldownMinutes,
  enabled: rule.enabled,
  createdBy: rule.createdBy,
  createdAt: rule.createdAt.toISOString(),
  updatedAt: rule.updatedAt.toISOString(),
});

/** Alert rules: stored in PostgreSQL, every change audited with before and after. */
export async function listAlertRules(audience: ChannelAudience): Promise<AlertRuleDto[]> {
  return (await db().alertRule.findMany({ orderBy: { createdAt: 'asc' } })).map((rule) => toDto(rule, audience));
}

/**
 * Webhook targets are checked when a rule is saved, so a rule aimed at an internal service is
 * refused at once (422 `channels.N.url`) instead of failing quietly at delivery. Names are
 * checked again, resolved, on every call (lib/net/guarded-fetch.ts).
 */
function checkChannelTargets(channels: AlertRuleInput['channels'] | undefined): void {
  const policy = outboundPolicy(env().WEBHOOK_ALLOWED_HOSTS);
  const fieldErrors: Record<string, string[]> = {};
  channels?.forEach((channel, index) => {
    const problem = channel.type === 'webhook' ? outboundUrlProblem(channel.url, policy) : null;
    if (problem) fieldErrors[`channels.${index}.url`] = [problem];
  });
  if (Object.keys(fieldErrors).length > 0) throw new ValidationError('A webhook points where Kickoff does not send', { fieldErrors, formErrors: [] });
}

export async function createAlertRule(input: AlertRuleInput, actor: AuditActor): Promise<AlertRuleDto> {
  checkChannelTargets(input.channels);
  const rule = await db().alertRule.create({ data: { ...input, createdBy: actor.principal.label } });
  await recordAudit(actor, { action: 'alertRule.create', targetType: 'alertRule', targetId: rule.id, after: input });
  return toDto(rule);
}

export async function updateAlertRule(id: string, patch: z.output<typeof alertRulePatchSchema>, actor: AuditActor): Promise<AlertRuleDto> {
  const before = await db().alertRule.findUnique({ where: { id } });
  if (!before) throw new NotFoundError('Alert rule', id);
  checkChannelTargets(patch.channels);
  const rule = await db().alertRule.update({ where: { id }, data: patch });
  const changed = Object.keys(patch) as (keyof typeof patch)[];
  await recordAudit(actor, {
    action: 'alertRule.update',
    targetType: 'alertRule',
    targetId: id,
    before: Object.fromEntries(changed.map((key) => [key, before[key]])),
    after: Object.fromEntries(changed.map((key) => [key, rule[key]])),
  });
  return toDto(rule);
}

export async function deleteAlertRule(id: string, actor: AuditActor): Promise<void> {
  const rule = await db().alertRule.findUnique({ where: { id } });
  if (!rule) throw new NotFoundError('Alert rule', id);
  await db().alertRule.delete({ where: { id } });
  await recordAudit(actor, { action: 'alertRule.delete', targetType: 'alertRule', targetId: id, before: toDto(rule) });
}
