import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { priorities, runStatuses, runTriggers } from '../../jobs/run-state.ts';
import type { RunDetailDto, RunDto } from '../../runs/run-dto.ts';
import { bulkCancelSchema, bulkFilterLimit, bulkRetrySchema } from '../../validations/bulk.ts';
import { retryBodySchema, runExportQuerySchema, runListQuerySchema } from '../../validations/runs.ts';
import { isoDateTime, operation } from './operation.ts';

const nullableText = z.string().nullable();

export const runSchema = z
  .object({
    id: z.string().meta({ description: 'The BullMQ job id' }),
    jobName: z.string(),
    status: z.enum(runStatuses),
    trigger: z.enum(runTriggers),
    source: nullableText.meta({ description: 'A label of where it came from, e.g. `post-match`' }),
    actor: nullableText.meta({ description: 'Who asked: `user:<email>`, `key:<name>`, or null for the system' }),
    requestId: nullableText.meta({ description: 'The idempotency key of the trigger' }),
    payload: z.unknown(),
    result: z.unknown(),
    error: nullableText,
    attempt: z.number().int(),
    maxAttempts: z.number().int(),
    priority: z.enum(priorities),
    progress: z.number().meta({ description: '0–100' }),
    phase: nullableText,
    counters: z.record(z.string(), z.number()),
    queuedAt: isoDateTime,
    startedAt: isoDateTime.nullable(),
    finishedAt: isoDateTime.nullable(),
    durationMs: z.number().int().nullable(),
    workerId: nullableText,
    retryOf: nullableText.meta({ description: 'The failed run this one retries' }),
    causedBy: nullableText.meta({ description: 'The run whose success started this one (a dependency)' }),
    replayOf: nullableText.meta({ description: '"Run again": the run whose payload this one started from' }),
    waiting: nullableText.meta({ description: 'Why a queued or retrying run is not starting yet (Kickoff is paused), or null' }),
  })
  .meta({ id: 'Run' }) satisfies z.ZodType<RunDto>;

export const runDetailSchema = runSchema
  .extend({
    errorStack: nullableText,
    retriedBy: z.array(z.string()),
    replayedBy: z.array(z.string()).meta({ description: 'Runs started with "Run again" from this one' }),
    caused: z.array(z.object({ id: z.string(), jobName: z.string() })),
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        at: z.string(),
        finishedAt: z.string().optional(),
        workerId: z.string().optional(),
        error: z.string().optional(),
        trace: z.string().optional(),
      }),
    ),
    tries: z
      .array(
        z.object({
          id: z.string(),
          status: z.enum(runStatuses),
          trigger: z.enum(runTriggers),
          queuedAt: isoDateTime,
          startedAt: isoDateTime.nullable(),
          finishedAt: isoDateTime.nullable(),
          error: nullableText,
          attempts: z.array(z.object({ attempt: z.number().int(), at: z.string(), finishedAt: z.string().optional(), workerId: z.string().optional(), error: z.string().optional() })),
        }),
      )
      .meta({ description: 'The retry chain this run is in (runs linked by `retryOf`), oldest first, this run included, with their attempts' }),
    events: z.array(z.object({ id: z.string(), at: isoDateTime, kind: z.string(), level: z.string(), message: z.string(), fields: z.unknown(), attempt: z.number().int() })),
  })
  .meta({ id: 'RunDetail', description: 'A run with its phases and log lines (`events`, the first 1 000), attempts, and the runs it led to' }) satisfies z.ZodType<RunDetailDto>;

const runIdPath = z.object({ id: z.string().meta({ description: 'The run id' }) });
const tags = ['Runs'];

const bulkCountSchema = z.object({ matched: z.number().int(), limit: z.number().int(), overLimit: z.boolean() }).meta({ id: 'BulkCount' });

const bulkAnswerSchema = z
  .object({
    matched: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    results: z.array(
      z.union([
        z.object({ id: z.string(), ok: z.literal(true), runId: z.string().meta({ description: 'The new run (retry) or the cancelled one' }) }),
        z.object({ id: z.string(), ok: z.literal(false), error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) }),
      ]),
    ),
  })
  .meta({ id: 'BulkAnswer' });

export const runPaths: ZodOpenApiPathsObject = {
  '/api/runs': {
    get: operation({
      operationId: 'listRuns',
      summary: 'List runs (by default the latest started first)',
      description: '`q` finds a run by id or requestId, or by a payload field (`matchId=42`, `team.id=7`). `sort` orders by a column (`-started` by default: when it started, or was queued if it has not started yet). Page with `nextCursor` (a cursor belongs to its sort).',
      tags,
      access: 'runs:read',
      query: runListQuerySchema,
      responses: { 200: { description: 'A page of runs', schema: z.object({ runs: z.array(runSchema), count: z.number().int().meta({ description: 'Runs on this page (x402\'s history `count`)' }), nextCursor: z.string().nullable() }) } },
      errors: { 400: 'The cursor is not one this API gave out, or not for this sort (`bad_request`)' },
    }),
  },
  '/api/runs/export': {
    get: operation({
      operationId: 'exportRuns',
      summary: 'Download the runs matching the filters as CSV or NDJSON',
      description:
        'The same filters and `sort` as `GET /api/runs`, every matching run (no page limit), streamed from the database a page at a time. CSV (RFC 4180, CRLF, a header row; text that a spreadsheet would run as a formula is prefixed with `\'`) has the columns `id, jobName, status, trigger, source, actor, requestId, priority, attempt, maxAttempts, queuedAt, startedAt, finishedAt, durationMs, error, retryOf, replayOf, causedBy, workerId, payload` (payload as JSON). NDJSON is one `Run` object a line.',
      tags,
      access: 'runs:read',
      query: runExportQuerySchema,
      responses: { 200: { description: 'The runs, as an attachment', schema: z.string(), contentType: 'text/csv' } },
    }),
  },
  '/api/runs/{id}': {
    get: operation({
      operationId: 'getRun',
      summary: 'One run with its events and attempts',
      tags,
      access: 'runs:read',
      path: runIdPath,
      responses: { 200: { description: 'The run', schema: z.object({ run: runDetailSchema }) } },
      errors: { 404: 'No run with this id (`not_found`)' },
    }),
  },
  '/api/runs/{id}/retry': {
    post: operation({
      operationId: 'retryRun',
      summary: 'Retry a finished run as a new run',
      description:
        'The new run has trigger `retry` and `retryOf` pointing at this one. A retry is a request like "Run now": by a person it answers to the manual-trigger switch and the limits, with an API key to the API switch; `override` (admins only) goes past the limits. The body may be empty.',
      tags,
      access: 'runs:retry',
      path: runIdPath,
      body: retryBodySchema,
      responses: { 202: { description: 'The new run, queued', schema: z.object({ run: runSchema }), location: true } },
      errors: {
        404: 'No run with this id (`not_found`)',
        403: 'No grant for the job, or `override` without the admin role (`forbidden`)',
        409: 'Only failed or cancelled runs may be retried (`invalid_state`); the job is gone (`job_gone`); Kickoff is paused (`paused`); the trigger source is off (`triggers_off`); the job is disabled (`job_disabled`) or paused (`job_paused`); the job\'s own switch (e.g. `stats_source_off`); the exclusive job is running (`already_running`, `details.runId` the holder)',
        429: 'The cooldown or hourly limit of people signed in (`rate_limited`, with `Retry-After`)',
        503: 'The queue (Redis) is unreachable; no run was queued (`service_unavailable`)',
      },
    }),
  },
  '/api/runs/{id}/cancel': {
    post: operation({
      operationId: 'cancelRun',
      summary: 'Cancel a queued or running run',
      description: 'A running run is stopped through its abort signal.',
      tags,
      access: 'runs:cancel',
      path: runIdPath,
      responses: { 202: { description: 'The run, cancelled or being cancelled', schema: z.object({ run: runSchema }), location: true } },
      errors: { 404: 'No run with this id (`not_found`)', 409: 'Only queued, running or retrying runs can be cancelled (`invalid_state`)' },
    }),
  },
  '/api/runs/bulk-retry': {
    post: operation({
      operationId: 'bulkRetryRuns',
      summary: 'Retry several runs: the chosen ids, or every failed or cancelled run matching a filter',
      description: `Send \`ids\` (at most 100) or \`filter\` (the filters of \`GET /api/runs\`; at most ${bulkFilterLimit.toLocaleString('en')} runs). Each run goes through the same pipeline as a single retry (pause, trigger switches, the job's state, limits, grants) and is answered on its own: one that may not be retried does not stop the others. With \`filter\`, \`dryRun: true\` only counts, and \`expectedCount\` (the count the person confirmed) makes the call do nothing when the filter now matches another number.`,
      tags,
      access: 'runs:retry',
      body: bulkRetrySchema,
      responses: {
        200: { description: '`dryRun`: how many runs it would retry', schema: bulkCountSchema },
        202: { description: 'One result per distinct run, and the counts', schema: bulkAnswerSchema },
      },
      errors: {
        409: 'With `expectedCount`: the filter now matches another number of runs (`count_changed`, `details.matched`); nothing was done',
        422: `The filter matches more than ${bulkFilterLimit.toLocaleString('en')} runs (\`too_many\`, \`details.limit\`), or neither or both of \`ids\` and \`filter\` (\`validation_failed\`)`,
      },
    }),
  },
  '/api/runs/bulk-cancel': {
    post: operation({
      operationId: 'bulkCancelRuns',
      summary: 'Cancel several runs: the chosen ids, or every queued, running or retrying run matching a filter',
      description: `Like \`bulk-retry\`: \`ids\` or \`filter\` (at most ${bulkFilterLimit.toLocaleString('en')}), \`dryRun\` and \`expectedCount\`. Each run is cancelled as \`POST /api/runs/{id}/cancel\` does and answered on its own.`,
      tags,
      access: 'runs:cancel',
      body: bulkCancelSchema,
      responses: {
        200: { description: '`dryRun`: how many runs it would cancel', schema: bulkCountSchema },
        202: { description: 'One result per distinct run, and the counts', schema: bulkAnswerSchema },
      },
      errors: {
        409: 'With `expectedCount`: the filter now matches another number of runs (`count_changed`, `details.matched`); nothing was done',
        422: `The filter matches more than ${bulkFilterLimit.toLocaleString('en')} runs (\`too_many\`, \`details.limit\`), or neither or both of \`ids\` and \`filter\` (\`validation_failed\`)`,
      },
    }),
  },
};
