import type { z } from 'zod';
import { Prisma, type AlertRule } from '@/generated/prisma/client.ts';
import { recordAudit, type AuditActor } from '../audit.ts';
import { db } from '../db.ts';
import { env } from '../env.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { outboundPolicy, outboundUrlProblem } from '../net/outbound-policy.ts';
import { ruleConsistencyIssues, type alertRulePatchSchema, type AlertRuleInput } from '../validations/alerts.ts';

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

function escalationFor(rule: AlertRule, audience: ChannelAudience): AlertRuleDto['escalation'] {
  const escalation = (rule.escalation ?? null) as AlertRuleDto['escalation'];
  return escalation && !audience.admin ? { ...escalation, channels: escalation.channels.map(redactChannel) } : escalation;
}

const toDto = (rule: AlertRule, audience: ChannelAudience = { admin: true }): AlertRuleDto => ({
  id: rule.id,
  name: rule.name,
  condition: rule.condition as AlertRuleDto['condition'],
  scope: rule.scope as Record<string, string>,
  severity: rule.severity,
  channels: audience.admin ? (rule.channels as AlertRuleDto['channels']) : (rule.channels as AlertRuleDto['channels']).map(redactChannel),
  cooldownMinutes: rule.cooldownMinutes,
  escalation: escalationFor(rule, audience),
  enabled: rule.enabled,
  createdBy: rule.createdBy,
  createdAt: rule.createdAt.toISOString(),
  updatedAt: rule.updatedAt.toISOString(),
});

/** Alert rules: stored in PostgreSQL, every change audited with before and after. */
export async function listAlertRules(audience: ChannelAudience): Promise<AlertRuleDto[]> {
  return (await db().alertRule.findMany({ orderBy: { createdAt: 'asc' } })).map((rule) => toDto(rule, audience));
}

type Channel = AlertRuleInput['channels'][number] | NonNullable<AlertRuleInput['escalation']>['channels'][number];

/**
 * Where a channel's problem is, or null. A webhook aimed at an internal service is refused at
 * once instead of failing quietly at delivery (names are checked again, resolved, on every call:
 * lib/net/guarded-fetch.ts); an e-mail channel needs a mail server to go through (SMTP_URL).
 */
function channelProblem(channel: Channel): { field: string; message: string } | null {
  if (channel.type === 'webhook') {
    const problem = outboundUrlProblem(channel.url, outboundPolicy(env().WEBHOOK_ALLOWED_HOSTS));
    return problem ? { field: 'url', message: problem } : null;
  }
  if (channel.type === 'email' && !env().SMTP_URL) return { field: 'to', message: 'E-mail is not set up: start Kickoff with SMTP_URL' };
  return null;
}

/**
 * The checks a schema cannot make: the targets of the channels being saved, and the rule's
 * fields together (for an edit, the patch applied to the stored rule).
 */
function checkRule(saving: Partial<Pick<AlertRuleInput, 'channels' | 'escalation'>>, rule: Pick<AlertRuleInput, 'condition' | 'severity' | 'escalation'>): void {
  const fieldErrors: Record<string, string[]> = {};
  const check = (channels: Channel[] | undefined, at: string) =>
    channels?.forEach((channel, index) => {
      const problem = channelProblem(channel);
      if (problem) (fieldErrors[`${at}.${index}.${problem.field}`] ??= []).push(problem.message);
    });
  check(saving.channels, 'channels');
  check(saving.escalation?.channels, 'escalation.channels');
  for (const issue of ruleConsistencyIssues(rule)) (fieldErrors[issue.path.join('.')] ??= []).push(issue.message);
  if (Object.keys(fieldErrors).length > 0) throw new ValidationError('The rule cannot be saved as it is', { fieldErrors, formErrors: [] });
}

/** `null` in a nullable JSON column is SQL NULL for Prisma only when said so. */
const escalationColumn = (escalation: AlertRuleInput['escalation'] | undefined) => (escalation === null ? Prisma.DbNull : escalation);

export async function createAlertRule(input: AlertRuleInput, actor: AuditActor): Promise<AlertRuleDto> {
  checkRule(input, input);
  const rule = await db().alertRule.create({ data: { ...input, escalation: escalationColumn(input.escalation), createdBy: actor.principal.label } });
  await recordAudit(actor, { action: 'alertRule.create', targetType: 'alertRule', targetId: rule.id, after: input });
  return toDto(rule);
}

export async function updateAlertRule(id: string, patch: z.output<typeof alertRulePatchSchema>, actor: AuditActor): Promise<AlertRuleDto> {
  const before = await db().alertRule.findUnique({ where: { id } });
  if (!before) throw new NotFoundError('Alert rule', id);
  const stored = toDto(before);
  checkRule(patch, {
    condition: patch.condition ?? stored.condition,
    severity: patch.severity ?? stored.severity,
    escalation: patch.escalation === undefined ? stored.escalation : patch.escalation,
  });
  const rule = await db().alertRule.update({ where: { id }, data: { ...patch, escalation: escalationColumn(patch.escalation) } });
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
