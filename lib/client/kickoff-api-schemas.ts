import { z } from 'zod';
import { runStatuses } from '../jobs/run-state.ts';

/**
 * The shapes of Kickoff's HTTP API as a client reads them (README, "HTTP API"). Objects are
 * loose: a field the server adds later is kept, not an error; `status` is the one enum kept
 * strict, because waiting for a run depends on knowing which statuses are final.
 */

const nullableString = z.string().nullable();

export const runSchema = z.looseObject({
  id: z.string(),
  jobName: z.string(),
  status: z.enum(runStatuses),
  trigger: z.string(),
  source: nullableString,
  actor: nullableString,
  requestId: nullableString,
  payload: z.unknown(),
  result: z.unknown(),
  error: nullableString,
  attempt: z.number(),
  maxAttempts: z.number(),
  priority: z.string(),
  progress: z.number(),
  phase: nullableString,
  counters: z.record(z.string(), z.number()),
  queuedAt: z.string(),
  startedAt: nullableString,
  finishedAt: nullableString,
  durationMs: z.number().nullable(),
  workerId: nullableString,
  retryOf: nullableString,
  causedBy: nullableString,
});
export type KickoffRun = z.infer<typeof runSchema>;

export const runEventSchema = z.looseObject({
  id: z.string(),
  at: z.string(),
  kind: z.string(),
  level: z.string(),
  message: z.string(),
  fields: z.unknown(),
  attempt: z.number(),
});
export type KickoffRunEvent = z.infer<typeof runEventSchema>;

export const runDetailSchema = runSchema.extend({
  errorStack: nullableString,
  retriedBy: z.array(z.string()),
  caused: z.array(z.looseObject({ id: z.string(), jobName: z.string() })),
  attempts: z.array(z.looseObject({ attempt: z.number(), at: z.string(), finishedAt: z.string().optional(), workerId: z.string().optional(), error: z.string().optional() })),
  events: z.array(runEventSchema),
});
export type KickoffRunDetail = z.infer<typeof runDetailSchema>;

export const jobSchema = z.looseObject({
  name: z.string(),
  category: z.string(),
  description: z.string(),
  priority: z.string(),
  schedule: z.looseObject({ cron: nullableString, tz: nullableString, everyMs: z.number().nullable(), words: z.string(), next: z.array(z.string()) }).nullable(),
  enabled: z.boolean(),
  pausedUntil: nullableString,
  lastRun: z.looseObject({ id: z.string(), status: z.enum(runStatuses), queuedAt: z.string(), finishedAt: nullableString, durationMs: z.number().nullable() }).nullable(),
});
export type KickoffJob = z.infer<typeof jobSchema>;

/** `POST /api/jobs/:name/trigger`: 202 for a new run, 200 with the earlier run for a repeated `requestId`. */
export const triggerResponseSchema = z.looseObject({ runId: z.string(), status: z.enum(runStatuses), created: z.boolean() });
export type KickoffTriggerResult = z.infer<typeof triggerResponseSchema>;

export const jobsResponseSchema = z.looseObject({ jobs: z.array(jobSchema) });
export const runsResponseSchema = z.looseObject({ runs: z.array(runSchema), nextCursor: nullableString });
export type KickoffRunPage = z.infer<typeof runsResponseSchema>;
export const runResponseSchema = z.looseObject({ run: runSchema });
export const runDetailResponseSchema = z.looseObject({ run: runDetailSchema });

/** Every `/api/*` error: `{ error: { code, message, details? } }`. */
export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });
