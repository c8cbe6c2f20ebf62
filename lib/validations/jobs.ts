import { z } from 'zod';

export const scheduleSchema = z.union([
  z.object({ cron: z.string().trim().min(1).max(120), tz: z.string().trim().min(1).max(64).default('UTC') }).strict(),
  z.object({ every: z.number().int().min(1_000).max(7 * 86_400_000) }).strict(),
]);

/** `PATCH /api/jobs/:name`: any of the fields; `schedule: null` goes back to the schedule in code. */
export const jobPatchSchema = z
  .object({
    enabled: z.boolean().optional(),
    pausedUntil: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }).nullable().optional(),
    schedule: scheduleSchema.nullable().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'send at least one of enabled, pausedUntil, schedule, config');
export type JobPatch = z.infer<typeof jobPatchSchema>;
