import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import type { JobDetailDto, JobSummaryDto } from '../../data/jobs.ts';
import { categoryNames } from '../../jobs/categories.ts';
import { priorities, runStatuses } from '../../jobs/run-state.ts';
import type { PayloadTemplateDto } from '../../services/payload-templates.ts';
import type { ScheduleAheadDto } from '../../data/schedule-ahead.ts';
import { jobPatchSchema, scheduleQuerySchema } from '../../validations/jobs.ts';
import { maxBulkTriggerRuns, triggerRouteBodySchema } from '../../validations/runs.ts';
import { templateBodySchema } from '../../validations/templates.ts';
import { isoDateTime, operation } from './operation.ts';

export const jobSummarySchema = z
  .object({
    name: z.string(),
    category: z.enum(categoryNames),
    description: z.string(),
    priority: z.enum(priorities),
    schedule: z
      .object({
        cron: z.string().nullable(),
        tz: z.string().nullable(),
        everyMs: z.number().int().nullable(),
        words: z.string().meta({ description: 'The schedule in words' }),
        next: z.array(isoDateTime).meta({ description: 'The next fire times' }),
      })
      .nullable(),
    window: z.object({ hours: z.string(), tz: z.string() }).nullable(),
    exclusive: z.object({ lockTtlMs: z.number().int() }).nullable(),
    retry: z.object({ attempts: z.number().int(), backoff: z.enum(['exponential', 'fixed', 'immediate', 'none']), delayMs: z.number().int() }),
    timeoutMs: z.number().int(),
    dependsOn: z.array(z.string()),
    dependents: z.array(z.string()).meta({ description: 'Jobs that run after this one succeeds' }),
    enabled: z.boolean(),
    pausedUntil: isoDateTime.nullable(),
    synced: z.boolean().meta({ description: 'False until a worker has synced this job into the database' }),
    lastRun: z.object({ id: z.string(), status: z.enum(runStatuses), queuedAt: isoDateTime, finishedAt: isoDateTime.nullable(), durationMs: z.number().int().nullable() }).nullable(),
    stats24h: z.object({
      total: z.number().int(),
      completed: z.number().int(),
      failed: z.number().int(),
      successRate: z.number().min(0).max(1).nullable(),
      p50DurationMs: z.number().int().nullable(),
    }),
  })
  .meta({ id: 'JobSummary' }) satisfies z.ZodType<JobSummaryDto>;

export const jobDetailSchema = jobSummarySchema
  .extend({
    config: z.unknown(),
    configVersion: z.number().int(),
    payloadSchema: z.unknown().meta({ description: 'JSON Schema of the payload' }),
    configSchema: z.unknown().meta({ description: 'JSON Schema of the config' }),
  })
  .meta({ id: 'JobDetail' }) satisfies z.ZodType<JobDetailDto>;

const templateSchema = z
  .object({ id: z.string(), name: z.string(), payload: z.unknown(), createdBy: z.string().nullable(), updatedAt: isoDateTime })
  .meta({ id: 'PayloadTemplate' }) satisfies z.ZodType<PayloadTemplateDto>;

const fireOutcome = z.enum(['runs', 'window-closed', 'paused', 'disabled']).meta({ description: 'What the fire is predicted to do: run, or be skipped (the job is disabled or paused then, or its window is closed)' });

const scheduleAheadSchema = z
  .object({
    from: isoDateTime,
    to: isoDateTime,
    jobs: z.array(
      z.object({
        name: z.string(),
        category: z.string(),
        words: z.string().meta({ description: 'The schedule in words' }),
        enabled: z.boolean(),
        pausedUntil: isoDateTime.nullable(),
        window: z.object({ hours: z.string(), tz: z.string() }).nullable(),
        windowOpen: z.array(z.object({ from: isoDateTime, to: isoDateTime })).meta({ description: 'Where the window is open inside the horizon' }),
        totalFires: z.number().int(),
        truncated: z.boolean().meta({ description: 'More fires than are counted (3000)' }),
        fires: z.array(z.object({ at: isoDateTime, outcome: fireOutcome })).meta({ description: 'Each fire, for a job with at most 48 of them; else empty (see spans)' }),
        spans: z.array(z.object({ from: isoDateTime, to: isoDateTime, outcome: fireOutcome, fires: z.number().int() })).meta({ description: 'Consecutive fires of one outcome, merged' }),
      }),
    ),
  })
  .meta({ id: 'ScheduleAhead' }) satisfies z.ZodType<ScheduleAheadDto>;

const jobPath = z.object({ name: z.string().meta({ description: 'The job name', example: 'probe' }) });
const tags = ['Jobs'];
const unknownJob = { 404: 'No job with this name (`not_found`)' };

export const jobPaths: ZodOpenApiPathsObject = {
  '/api/schedule': {
    get: operation({
      operationId: 'getScheduleAhead',
      summary: 'Every scheduled job\'s fires in the next hours',
      description:
        'Each fire with what it is predicted to do: run, or be skipped because the job is disabled, paused then, or its window is closed then. A handler\'s condition (a live gameweek, a deadline near) is judged when the fire comes, so a fire predicted to run may still be skipped.',
      tags,
      access: 'jobs:read',
      query: scheduleQuerySchema,
      responses: { 200: { description: 'The schedule ahead', schema: scheduleAheadSchema } },
    }),
  },
  '/api/jobs': {
    get: operation({
      operationId: 'listJobs',
      summary: 'The job catalog',
      description: 'Every job with its schedule (cron, time zone, words, next fire times), whether it is enabled, its last run and its last 24 hours.',
      tags,
      access: 'jobs:read',
      responses: { 200: { description: 'The catalog', schema: z.object({ jobs: z.array(jobSummarySchema) }) } },
    }),
  },
  '/api/jobs/{name}': {
    get: operation({
      operationId: 'getJob',
      summary: 'One job, with its config and the JSON Schemas of its payload and config',
      tags,
      access: 'jobs:read',
      path: jobPath,
      responses: { 200: { description: 'The job', schema: z.object({ job: jobDetailSchema }) } },
      errors: unknownJob,
    }),
    patch: operation({
      operationId: 'updateJob',
      summary: 'Enable, pause, reschedule or configure a job',
      description: '`schedule: null` goes back to the schedule in code; `config` is validated by the job\'s config schema (field errors as `config.<field>`).',
      tags,
      access: 'jobs:edit',
      path: jobPath,
      body: jobPatchSchema,
      responses: { 200: { description: 'The job after the change', schema: z.object({ job: jobDetailSchema }) } },
      errors: { ...unknownJob, 409: 'The job is not synced by a worker yet (`not_synced`)' },
    }),
  },
  '/api/jobs/{name}/trigger': {
    post: operation({
      operationId: 'triggerJob',
      summary: 'Queue a run of a job, or many',
      description:
        `The payload is validated by the job\'s payload schema. A repeated \`requestId\` answers 200 with the earlier run. With \`runs\` (1 to ${maxBulkTriggerRuns} items, each with its own \`payload\` and \`requestId\`) one request asks for many runs of the job: each item is validated, made idempotent and put through the run policy on its own and answered in \`results\`, in order (207); the new rows are written in one statement and their jobs added in one bulk add. For a person signed in, a bulk request is one use of the cooldown and each run counts against the hourly limit (the items past it are refused, the last ones first). An unknown job or one the caller may not act on answers the whole request (404, 403).`,
      tags,
      access: 'jobs:trigger',
      path: jobPath,
      body: triggerRouteBodySchema,
      responses: {
        202: { description: 'Queued', schema: z.object({ runId: z.string(), status: z.enum(runStatuses), created: z.literal(true) }), location: true },
        207: {
          description: 'With `runs`: one result per item, in order (a new run, an earlier one for a repeated `requestId`, or the item\'s refusal)',
          schema: z.object({
            results: z.array(
              z.union([
                z.object({ ok: z.literal(true), runId: z.string(), status: z.enum(runStatuses), created: z.boolean() }),
                z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) }),
              ]),
            ),
          }),
        },
        200: { description: 'The run an earlier trigger with the same `requestId` made', schema: z.object({ runId: z.string(), status: z.enum(runStatuses), created: z.literal(false) }) },
      },
      errors: {
        ...unknownJob,
        403: 'The role or grants do not allow this job, or a non-admin asked to `override` the limits (`forbidden`)',
        409: 'The run policy refused it: Kickoff is paused (`paused`), this kind of trigger is off (`triggers_off`), the job is disabled (`job_disabled`) or paused until a time (`job_paused`), the job\'s own switch is off (e.g. `stats_source_off`), or an exclusive job is already running (`already_running`, with the holder\'s `runId` in `details`)',
        422: 'The body, or the payload against the job\'s schema (`validation_failed`, fields as `payload.<field>`)',
        429: 'The cooldown or hourly limit of people signed in (`rate_limited`, with `Retry-After`); API keys are not limited',
        503: 'The queue (Redis) is unreachable; no run was queued (`service_unavailable`)',
      },
    }),
  },
  '/api/jobs/{name}/templates': {
    get: operation({
      operationId: 'listPayloadTemplates',
      summary: 'Saved payloads of a job',
      tags,
      access: 'jobs:read',
      path: jobPath,
      responses: { 200: { description: 'The templates, by name', schema: z.object({ templates: z.array(templateSchema) }) } },
      errors: unknownJob,
    }),
    post: operation({
      operationId: 'savePayloadTemplate',
      summary: 'Save (or replace) a named payload',
      tags,
      access: 'jobs:trigger',
      path: jobPath,
      body: templateBodySchema,
      responses: { 201: { description: 'The template', schema: z.object({ template: templateSchema }) } },
      errors: { ...unknownJob, 422: 'The body, or the payload against the job\'s schema (`validation_failed`)' },
    }),
  },
  '/api/jobs/{name}/templates/{template}': {
    delete: operation({
      operationId: 'deletePayloadTemplate',
      summary: 'Delete a saved payload',
      tags,
      access: 'jobs:trigger',
      path: jobPath.extend({ template: z.string().meta({ description: 'The template id' }) }),
      responses: { 200: { description: 'Deleted', schema: z.object({ deleted: z.literal(true) }) } },
      errors: { 404: 'No such job or template (`not_found`)' },
    }),
  },
};
