import { z } from 'zod';
import { categoryNames } from '../jobs/categories.ts';
import { urlShapeProblem } from '../net/outbound-policy.ts';
import { text } from './text.ts';

/** What makes an alert fire. */
export const alertConditionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run-failed') }).strict(),
  z.object({ type: z.literal('long-running'), thresholdMs: z.number().int().min(1_000).max(7 * 86_400_000) }).strict(),
  z.object({ type: z.literal('error-rate'), windowMinutes: z.number().int().min(1).max(1_440), threshold: z.number().gt(0).max(1), minRuns: z.number().int().min(1).max(10_000) }).strict(),
  z.object({ type: z.literal('consecutive-failures'), count: z.number().int().min(2).max(100) }).strict(),
  z.object({ type: z.literal('missed-schedule'), graceMinutes: z.number().int().min(1).max(1_440) }).strict(),
  z.object({ type: z.literal('backlog'), waiting: z.number().int().min(1).max(10_000_000), forMinutes: z.number().int().min(1).max(1_440) }).strict(),
  z.object({ type: z.literal('worker-offline'), afterSeconds: z.number().int().min(10).max(86_400) }).strict(),
  z
    .object({
      type: z.literal('worker-resources'),
      /** Resident memory (RSS) above this many MB. */
      rssMb: z.number().int().min(1).max(1_048_576).optional(),
      /** CPU above this share of one core (a process using two cores fully is at 200). */
      cpuPercent: z.number().gt(0).max(6_400).optional(),
      /** The event loop's delay (99th percentile between heartbeats) above this many ms. */
      eventLoopLagMs: z.number().int().min(1).max(600_000).optional(),
      forMinutes: z.number().int().min(1).max(1_440),
    })
    .strict()
    .refine((condition) => condition.rssMb !== undefined || condition.cpuPercent !== undefined || condition.eventLoopLagMs !== undefined, {
      path: ['rssMb'],
      message: 'Set at least one threshold: memory, CPU or event-loop lag',
    }),
  z.object({ type: z.literal('run-completed'), minDurationMs: z.number().int().min(0).max(7 * 86_400_000).optional() }).strict(),
  z.object({ type: z.literal('data-quality'), minProblems: z.number().int().min(1).max(1_000_000).default(1) }).strict(),
]);

/** Which jobs a rule watches: all, a category, or one job. */
export const alertScopeSchema = z.union([
  z.object({ job: text({ min: 1, max: 100 }) }).strict(),
  z.object({ category: z.enum(categoryNames as [string, ...string[]]) }).strict(),
  z.object({}).strict(),
]);

const chatId = z.union([text({ max: 64 }).regex(/^-?\d+$|^@\w{5,}$/, 'a numeric chat id or @channel'), z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER)]);

const telegramChannel = z.object({ type: z.literal('telegram'), chatId }).strict();
const dashboardChannel = z.object({ type: z.literal('dashboard') }).strict();
const webhookChannel = z
  .object({
    type: z.literal('webhook'),
    // The form; where it points (no internal address) is checked on the server when a rule is saved (lib/alerts/alert-rules.ts) and on every call (lib/net/guarded-fetch.ts).
    url: text({ max: 2_000 })
      .pipe(z.url({ protocol: /^https?$/, error: 'an http(s) URL' }))
      .superRefine((url, ctx) => {
        const problem = urlShapeProblem(url);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
  })
  .strict();
/** One address per channel (a lane of its own); the form splits a list. No line breaks get through, so nothing reaches the mail's headers. */
export const emailAddressSchema = text({ max: 254 }).pipe(z.email({ error: 'an e-mail address such as ops@example.com' }));
const emailChannel = z.object({ type: z.literal('email'), to: emailAddressSchema }).strict();

export const alertChannelSchema = z.discriminatedUnion('type', [telegramChannel, dashboardChannel, webhookChannel, emailChannel]);

/** Where an escalation goes: somewhere a person is told (the dashboard has the alert already). */
export const escalationChannelSchema = z.discriminatedUnion('type', [telegramChannel, webhookChannel, emailChannel]);

/** A critical alert nobody acknowledged for `afterMinutes` is sent to these channels too. */
export const alertEscalationSchema = z
  .object({
    afterMinutes: z.number().int().min(1).max(10_080),
    channels: z.array(escalationChannelSchema).min(1, 'Escalate to somewhere: add a channel').max(10),
  })
  .strict();

type RuleShape = { condition?: { type: string }; severity?: string; escalation?: unknown };

/**
 * What a rule's fields say together, checked on create (the schema) and on edit against the
 * stored rule (lib/alerts/alert-rules.ts): a completed notice is no emergency, and only what
 * repeats until acknowledged (critical) can go unacknowledged long enough to escalate.
 */
export function ruleConsistencyIssues(rule: RuleShape): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (rule.condition?.type === 'run-completed' && rule.severity === 'critical') issues.push({ path: ['severity'], message: 'A completed notice is info or warning, not critical' });
  // (A patch that sends no severity is checked against the stored one on the server.)
  if (rule.escalation && rule.severity !== undefined && rule.severity !== 'critical') issues.push({ path: ['escalation'], message: 'Only critical alerts escalate (they are the ones acknowledged)' });
  return issues;
}

const consistent = (rule: RuleShape, ctx: z.RefinementCtx) => {
  for (const issue of ruleConsistencyIssues(rule)) ctx.addIssue({ code: 'custom', ...issue });
};

/** `POST /api/alert-rules` */
export const alertRuleSchema = z
  .object({
    name: text({ min: 1, max: 100, minMessage: 'Name the rule' }),
    condition: alertConditionSchema,
    scope: alertScopeSchema.default({}),
    severity: z.enum(['critical', 'warning', 'info']),
    channels: z.array(alertChannelSchema).min(1, 'Send it somewhere: add a channel').max(10),
    cooldownMinutes: z.number().int().min(0).max(10_080).default(15),
    escalation: alertEscalationSchema.nullable().default(null),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine(consistent);
export type AlertRuleInput = z.infer<typeof alertRuleSchema>;

/** `PATCH /api/alert-rules/:id`: any of the fields (no defaults: what is not sent stays). */
export const alertRulePatchSchema = z
  .object({
    name: text({ min: 1, max: 100, minMessage: 'Name the rule' }).optional(),
    condition: alertConditionSchema.optional(),
    scope: alertScopeSchema.optional(),
    severity: z.enum(['critical', 'warning', 'info']).optional(),
    channels: z.array(alertChannelSchema).min(1, 'Send it somewhere: add a channel').max(10).optional(),
    cooldownMinutes: z.number().int().min(0).max(10_080).optional(),
    /** `null` removes the escalation. */
    escalation: alertEscalationSchema.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'send at least one field')
  .superRefine(consistent);

/** `POST /api/channels/telegram/test` */
export const telegramTestSchema = z.object({ chatId }).strict();

/** `POST /api/channels/email/test` */
export const emailTestSchema = z.object({ to: emailAddressSchema }).strict();

/** `GET /api/alerts?status=open` */
export const alertsQuerySchema = z.object({ status: z.enum(['open', 'acknowledged', 'resolved']).optional() }).strict();
