import { z } from 'zod';
import { runStatuses, runTriggers } from '../jobs/run-state.ts';

const optionalText = (max: number) => z.string().trim().min(1).max(max).optional();

/** `POST /api/jobs/:name/trigger` */
export const triggerBodySchema = z
  .object({
    payload: z.unknown().optional(),
    requestId: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .regex(/^[\w.:-]+$/, 'use letters, digits and . _ : - only')
      .optional(),
    source: optionalText(64),
    /** Admins only: trigger past the manual-trigger limits (the dashboard asks first). */
    override: z.boolean().optional(),
  })
  .strict();
export type TriggerBody = z.infer<typeof triggerBodySchema>;

/** `POST /api/runs/:id/retry` (the body may be empty). */
export const retryBodySchema = triggerBodySchema.pick({ override: true });

const isoDate = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }).transform((value) => new Date(value));

/** `GET /api/runs` */
export const runListQuerySchema = z
  .object({
    job: optionalText(100),
    status: z.enum(runStatuses).optional(),
    trigger: z.enum(runTriggers).optional(),
    source: optionalText(64),
    since: isoDate.optional(),
    until: isoDate.optional(),
    q: optionalText(128),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: optionalText(200),
  })
  .strict();
export type RunListQuery = z.infer<typeof runListQuerySchema>;
