import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import type { ChannelHealthDto } from '../../alerts/channel-health.ts';
import type { AlertRuleDto } from '../../alerts/alert-rules.ts';
import type { AlertDto } from '../../alerts/alerts.ts';
import { alertChannelSchema, alertConditionSchema, alertEscalationSchema, alertRulePatchSchema, alertRuleSchema, alertsQuerySchema, emailTestSchema, telegramTestSchema } from '../../validations/alerts.ts';
import { isoDateTime, operation } from './operation.ts';

const alertRuleResponseSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    condition: alertConditionSchema,
    scope: z.record(z.string(), z.string()).meta({ description: '`{}` (all jobs), `{ category }` or `{ job }`' }),
    severity: z.enum(['critical', 'warning', 'info']),
    channels: z.array(alertChannelSchema),
    cooldownMinutes: z.number().int(),
    escalation: alertEscalationSchema.nullable().meta({ description: 'Where a critical alert nobody acknowledged for `afterMinutes` goes too; null: nowhere' }),
    enabled: z.boolean(),
    createdBy: z.string().nullable(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'AlertRule' }) satisfies z.ZodType<AlertRuleDto>;

const alertSchema = z
  .object({
    id: z.string(),
    ruleId: z.string(),
    subject: z.string().meta({ description: 'What it is about: a job, a queue or a worker' }),
    status: z.enum(['open', 'acknowledged', 'resolved']),
    severity: z.string(),
    title: z.string(),
    runId: z.string().nullable(),
    count: z.number().int().meta({ description: 'How often it happened while open' }),
    firstAt: isoDateTime,
    lastAt: isoDateTime,
    acknowledgedBy: z.string().nullable(),
    acknowledgedAt: isoDateTime.nullable(),
    resolvedAt: isoDateTime.nullable(),
    deliveries: z.array(z.object({ channel: z.unknown(), kind: z.enum(['alert', 'reminder', 'escalation']).meta({ description: 'The first message, a reminder, or the escalation' }), attempts: z.number().int(), lastError: z.string().nullable(), sentAt: isoDateTime.nullable() })),
  })
  .meta({ id: 'Alert' }) satisfies z.ZodType<AlertDto>;

const rulePath = z.object({ id: z.string().meta({ description: 'The rule id' }) });
const unknownRule = { 404: 'No rule with this id (`not_found`)' };
const channelHealthSchema = z
  .object({
    type: z.enum(['telegram', 'webhook', 'unknown']),
    target: z.string().meta({ description: 'The chat id, or a webhook by its host only' }),
    state: z.enum(['paused', 'failing']).meta({ description: '`paused`: its breaker is open and deliveries wait for a trial call; `failing`: its last call failed' }),
    lastError: z.string(),
    failingSince: isoDateTime.nullable(),
    pending: z.number().int().meta({ description: 'Deliveries waiting to go out on it' }),
  })
  .meta({ id: 'ChannelHealth' }) satisfies z.ZodType<ChannelHealthDto>;

const tags = ['Alerts'];

export const alertPaths: ZodOpenApiPathsObject = {
  '/api/alert-rules': {
    get: operation({
      operationId: 'listAlertRules',
      summary: 'Alert rules, oldest first',
      tags,
      access: 'stats:read',
      responses: { 200: { description: 'The rules', schema: z.object({ rules: z.array(alertRuleResponseSchema) }) } },
    }),
    post: operation({
      operationId: 'createAlertRule',
      summary: 'Create an alert rule',
      tags,
      access: 'alerts:manage',
      body: alertRuleSchema,
      responses: { 201: { description: 'The rule', schema: z.object({ rule: alertRuleResponseSchema }) } },
    }),
  },
  '/api/alert-rules/{id}': {
    patch: operation({
      operationId: 'updateAlertRule',
      summary: 'Change an alert rule (any of its fields)',
      tags,
      access: 'alerts:manage',
      path: rulePath,
      body: alertRulePatchSchema,
      responses: { 200: { description: 'The rule after the change', schema: z.object({ rule: alertRuleResponseSchema }) } },
      errors: unknownRule,
    }),
    delete: operation({
      operationId: 'deleteAlertRule',
      summary: 'Delete an alert rule',
      tags,
      access: 'alerts:manage',
      path: rulePath,
      responses: { 200: { description: 'Deleted', schema: z.object({ deleted: z.literal(true) }) } },
      errors: unknownRule,
    }),
  },
  '/api/alerts': {
    get: operation({
      operationId: 'listAlerts',
      summary: 'Alerts, latest first (at most 100), with their deliveries, and the channels failing now',
      tags,
      access: 'stats:read',
      query: alertsQuerySchema,
      responses: { 200: { description: 'The alerts, and each delivery channel whose breaker is open or whose last call failed', schema: z.object({ alerts: z.array(alertSchema), channels: z.array(channelHealthSchema) }) } },
    }),
  },
  '/api/alerts/{id}/{action}': {
    post: operation({
      operationId: 'changeAlert',
      summary: 'Acknowledge (`ack`) or resolve (`resolve`) an alert',
      tags,
      access: 'alerts:ack',
      path: z.object({ id: z.string().meta({ description: 'The alert id' }), action: z.enum(['ack', 'resolve']) }),
      responses: { 200: { description: 'Done', schema: z.object({ ok: z.literal(true) }) } },
      errors: { 404: 'No alert with this id, or another action (`not_found`)', 409: 'The alert is acknowledged or resolved already (`invalid_state`)' },
    }),
  },
  '/api/channels/telegram/test': {
    post: operation({
      operationId: 'sendTelegramTestMessage',
      summary: 'Send a test message to a Telegram chat',
      tags,
      access: 'alerts:manage',
      body: telegramTestSchema,
      responses: { 200: { description: 'Sent', schema: z.object({ sent: z.literal(true), messageId: z.string() }) } },
      errors: {
        409: 'Telegram is not set up (`telegram_not_configured`)',
        422: 'The body, or a chat Telegram does not know (`validation_failed`, on `chatId`)',
        429: 'Telegram asks to wait (`rate_limited`, with `Retry-After`)',
        503: 'Telegram could not be reached (`service_unavailable`)',
      },
    }),
  },
  '/api/channels/email/test': {
    post: operation({
      operationId: 'sendEmailTestMessage',
      summary: 'Send a test e-mail to an address',
      tags,
      access: 'alerts:manage',
      body: emailTestSchema,
      responses: { 200: { description: 'Accepted by the mail server', schema: z.object({ sent: z.literal(true), messageId: z.string() }) } },
      errors: {
        409: 'E-mail is not set up (`email_not_configured`)',
        422: 'The body, or an address the mail server refuses (`validation_failed`, on `to`)',
        503: 'The mail server could not be reached or did not answer in time (`service_unavailable`)',
      },
    }),
  },
};
