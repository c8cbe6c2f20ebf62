import { z } from 'zod';
import { runStatuses, runTriggers } from '../jobs/run-state.ts';
import { isoDateTime } from './date-time.ts';
import { jsonValueSchema, text } from './text.ts';

const optionalText = (max: number) => text({ min: 1, max }).optional();

/** `POST /api/jobs/:name/trigger` */
export const triggerBodySchema = z
  .object({
    payload: jsonValueSchema.optional(),
    requestId: text({ min: 1, max: 128 })
      .regex(/^[\w.:-]+$/, 'use letters, digits and . _ : - only')
      .optional(),
    source: optionalText(64),
    /** Admins only: trigger past the manual-trigger limits (the dashboard asks first). */
    override: z.boolean().optional(),
  })
  .strict();
export type TriggerBody = z.infer<typeof triggerBodySchema>;

/** Most runs one bulk trigger may ask for (one statement, one `addBulk`; the body's 256 KiB bound holds too). */
export const maxBulkTriggerRuns = 1_000;

/** `POST /api/jobs/:name/trigger` with `runs`: many runs of one job, each with its own payload and requestId. */
export const bulkTriggerBodySchema = z
  .object({
    runs: z
      .array(triggerBodySchema.pick({ payload: true, requestId: true }).strict())
      .min(1)
      .max(maxBulkTriggerRuns),
    source: optionalText(64),
    override: z.boolean().optional(),
  })
  .strict();
export type BulkTriggerBody = z.infer<typeof bulkTriggerBodySchema>;

/** The trigger route's body: one run, or (with `runs`) many. */
export const triggerRouteBodySchema = z.union([bulkTriggerBodySchema, triggerBodySchema]);

/** `POST /api/runs/:id/retry` (the body may be empty). */
export const retryBodySchema = triggerBodySchema.pick({ override: true });

/** `GET /api/runs` */
export const runListQuerySchema = z
  .object({
    job: optionalText(100),
    status: z.enum(runStatuses).optional(),
    trigger: z.enum(runTriggers).optional(),
    source: optionalText(64),
    since: isoDateTime.optional(),
    until: isoDateTime.optional(),
    q: optionalText(128),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: optionalText(200),
  })
  .strict();
export type RunListQuery = z.infer<typeof runListQuerySchema>;
