import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import type { AuditEntryDto } from '../../data/audit.ts';
import type { StatsDto } from '../../data/stats.ts';
import { categoryNames } from '../../jobs/categories.ts';
import { runStatuses } from '../../jobs/run-state.ts';
import { settingSchemas, type Settings } from '../../settings.ts';
import { auditQuerySchema } from '../../validations/audit.ts';
import { cacheInvalidateBodySchema, type CacheInvalidateResult } from '../../validations/cache.ts';
import { settingsPatchSchema } from '../../validations/settings.ts';
import { statsQuerySchema } from '../../validations/stats.ts';
import { isoDateTime, operation } from './operation.ts';

const dependencyCheck = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });

const statsSchema = z
  .object({
    window: z.enum(['1h', '6h', '24h', '7d']),
    since: isoDateTime,
    totals: z.object({
      runs: z.number().int(),
      completed: z.number().int(),
      failed: z.number().int(),
      skipped: z.number().int(),
      cancelled: z.number().int(),
      successRate: z.number().min(0).max(1).nullable(),
    }),
    now: z.object({ running: z.number().int(), waiting: z.number().int() }),
    perHour: z.array(z.object({ hour: isoDateTime, completed: z.number().int(), failed: z.number().int() })).meta({ description: 'Oldest first; empty for `7d`' }),
    queues: z.array(z.object({ category: z.string(), waiting: z.number().int(), active: z.number().int(), delayed: z.number().int(), failed: z.number().int(), paused: z.boolean() })),
    workers: z.array(
      z.object({
        id: z.string(),
        host: z.string(),
        pid: z.number().int(),
        activeRuns: z.number().int(),
        cpuPercent: z.number(),
        rssBytes: z.number().int(),
        lastSeenAt: isoDateTime,
        online: z.boolean(),
      }),
    ),
    slowestJobs: z.array(z.object({ jobName: z.string(), p95DurationMs: z.number().int(), runs: z.number().int() })),
    recentExecutions: z
      .array(
        z.object({
          runId: z.string(),
          jobName: z.string(),
          status: z.enum(runStatuses),
          queuedAt: isoDateTime,
          startedAt: isoDateTime.nullable(),
          finishedAt: isoDateTime.nullable(),
          durationMs: z.number().int().nullable(),
          success: z.boolean().nullable().meta({ description: 'null while the run has not ended' }),
        }),
      )
      .meta({ description: 'The latest 10 runs of any job, newest first, whatever the window' }),
  })
  .meta({ id: 'Stats' }) satisfies z.ZodType<StatsDto>;

const auditEntrySchema = z
  .object({
    id: z.string(),
    at: isoDateTime,
    actorType: z.string(),
    actor: z.string(),
    role: z.string().nullable(),
    action: z.string().meta({ example: 'job.trigger' }),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    requestId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    details: z.unknown(),
  })
  .meta({ id: 'AuditEntry' }) satisfies z.ZodType<AuditEntryDto>;

const settingsSchema = z.object(settingSchemas).meta({ id: 'Settings' }) satisfies z.ZodType<Settings>;

export const systemPaths: ZodOpenApiPathsObject = {
  '/api/health': {
    get: operation({
      operationId: 'health',
      summary: 'Liveness: PostgreSQL and Redis with their latencies',
      tags: ['System'],
      access: 'public',
      responses: {
        200: { description: 'Both answer', schema: z.object({ status: z.literal('ok'), db: dependencyCheck, redis: dependencyCheck }) },
        503: { description: 'A dependency is down', schema: z.object({ status: z.literal('degraded'), db: dependencyCheck, redis: dependencyCheck }) },
      },
    }),
  },
  '/api/openapi.json': {
    get: operation({
      operationId: 'openApiDocument',
      summary: 'This document',
      tags: ['System'],
      access: 'public',
      responses: { 200: { description: 'OpenAPI 3.1', schema: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }) } },
    }),
  },
  '/api/metrics': {
    get: operation({
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      description: 'The text exposition format, for a scraper with an API key.',
      tags: ['System'],
      access: 'stats:read',
      responses: { 200: { description: 'The metrics', schema: z.string(), contentType: 'text/plain' } },
    }),
  },
  '/api/stats': {
    get: operation({
      operationId: 'getStats',
      summary: 'Totals and success rate over a window, runs per hour, queue depths, workers',
      tags: ['System'],
      access: 'stats:read',
      query: statsQuerySchema,
      responses: { 200: { description: 'The numbers', schema: statsSchema } },
    }),
  },
  '/api/audit': {
    get: operation({
      operationId: 'listAudit',
      summary: 'The audit log, newest first: who did what, when, from where',
      tags: ['System'],
      access: 'audit:read',
      query: auditQuerySchema,
      responses: { 200: { description: 'A page of entries', schema: z.object({ entries: z.array(auditEntrySchema), nextCursor: z.string().nullable() }) } },
    }),
  },
  '/api/settings': {
    get: operation({
      operationId: 'getSettings',
      summary: 'Run-time settings',
      tags: ['System'],
      access: 'stats:read',
      responses: { 200: { description: 'Every setting', schema: z.object({ settings: settingsSchema }) } },
    }),
    patch: operation({
      operationId: 'updateSettings',
      summary: 'Change any of the settings',
      tags: ['System'],
      access: 'settings:edit',
      body: settingsPatchSchema,
      responses: { 200: { description: 'Every setting after the change', schema: z.object({ settings: settingsSchema }) } },
    }),
  },
  '/api/queues/{category}/{action}': {
    post: operation({
      operationId: 'setQueuePaused',
      summary: 'Pause or resume a category\'s queue',
      description: 'Queued runs wait while it is paused; running ones finish.',
      tags: ['System'],
      access: 'queues:manage',
      path: z.object({ category: z.enum(categoryNames), action: z.enum(['pause', 'resume']) }),
      responses: { 200: { description: 'The queue\'s state', schema: z.object({ category: z.enum(categoryNames), paused: z.boolean() }) } },
      errors: { 404: 'No such category, or another action (`not_found`)' },
    }),
  },
  '/api/internal/cache/invalidate': {
    post: operation({
      operationId: 'invalidateCacheTags',
      summary: 'Revalidate the web app\'s cache tags after a job changed their data',
      tags: ['Internal'],
      access: 'internal',
      body: cacheInvalidateBodySchema,
      responses: {
        200: {
          description: 'What was revalidated; each tag Next.js refused, with its reason',
          schema: z.object({ revalidated: z.array(z.string()), failed: z.array(z.object({ tag: z.string(), error: z.string() })) }) satisfies z.ZodType<CacheInvalidateResult>,
        },
      },
    }),
  },
};
