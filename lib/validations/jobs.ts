import { z } from 'zod';
import { isoDateTimeString } from './date-time.ts';
import { checkStorableJson, text } from './text.ts';

export const scheduleSchema = z.union([
  z.object({ cron: text({ min: 1, max: 120 }), tz: text({ min: 1, max: 64 }).default('UTC') }).strict(),
  z.object({ every: z.number().int().min(1_000).max(7 * 86_400_000) }).strict(),
]);

/** `PATCH /api/jobs/:name`: any of the fields; `schedule: null` goes back to the schedule in code. */
export const jobPatchSchema = z
  .object({
    enabled: z.boolean().optional(),
    pausedUntil: isoDateTimeString.nullable().optional(),
    schedule: scheduleSchema.nullable().optional(),
    config: z.record(z.string(), z.unknown()).superRefine(checkStorableJson).optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'send at least one of enabled, pausedUntil, schedule, config');
export type JobPatch = z.infer<typeof jobPatchSchema>;

/** `GET /api/schedule`: how many hours ahead (default a day). */
export const scheduleQuerySchema = z
  .object({
    hours: z.coerce.number().int().min(1).max(48).default(24),
  })
  .strict();
