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
]);

/** Which jobs a rule watches: all, a category, or one job. */
export const alertScopeSchema = z.union([
  z.object({ job: text({ min: 1, max: 100 }) }).strict(),
  z.object({ category: z.enum(categoryNames as [string, ...string[]]) }).strict(),
  z.object({}).strict(),
]);

const chatId = z.union([text({ max: 64 }).regex(/^-?\d+$|^@\w{5,}$/, 'a numeric chat id or @channel'), z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER)]);

export const alertChannelSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('telegram'), chatId }).strict(),
  z.object({ type: z.literal('dashboard') }).strict(),
  z
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
    .strict(),
]);

/** `POST /api/alert-rules` */
export const alertRuleSchema = z
  .object({
    name: text({ min: 1, max: 100, minMessage: 'Name the rule' }),
    condition: alertConditionSchema,
    scope: alertScopeSchema.default({}),
    severity: z.enum(['critical', 'warning', 'info']),
    channels: z.array(alertChannelSchema).min(1, 'Send it somewhere: add a channel').max(10),
    cooldownMinutes: z.number().int().min(0).max(10_080).default(15),
    enabled: z.boolean().default(true),
  })
  .strict();
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
    enabled: z.boolean().optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'send at least one field');

/** `POST /api/channels/telegram/test` */
export const telegramTestSchema = z.object({ chatId }).strict();

/** `GET /api/alerts?status=open` */
export const alertsQuerySchema = z.object({ status: z.enum(['open', 'acknowledged', 'resolved']).optional() }).strict();
