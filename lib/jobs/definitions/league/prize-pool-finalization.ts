import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * League housekeeping, at midnight UTC: for every league, the daily prize of the day before
 * (or of `date`): the member with the most points in history rows updated that day (ties:
 * the lower entry id), or `no_activity`. When the next day is `weeklyOn`, also the weekly
 * prize of the seven days ending that day. Idempotent: a period already finalised (or
 * without activity) is left as is; a `failed` one is tried again. A league that fails gets a
 * `failed` row with the error and the others go on.
 */
export const prizePoolFinalizationJob = defineJob({
  name: 'prize-pool-finalization',
  category: 'maintenance',
  description: 'Finalises each league’s daily prize (and the weekly one on the weekly day) from the points scored.',
  schedule: { cron: '0 0 * * *', tz: 'UTC' },
  // And after the tournament chain's last job: a finished gameweek closes the day's prizes
  // (at once, rather than at the next midnight; the day is still the default's).
  dependsOn: ['cup-update'],
  priority: 'high',
  exclusive: { lockTtlMs: 10 * 60_000 },
  retry: { attempts: 3, backoff: 'exponential', delayMs: 60_000 },
  payload: z
    .object({
      date: z.iso.date().optional().meta({ title: 'Day to finalise', description: 'The day to finalise (UTC), `YYYY-MM-DD`; it must be over. Default: yesterday.' }),
    })
    .strict(),
  config: z.object({
    weeklyOn: z.number().int().min(0).max(6).default(1).meta({ title: 'Weekly prize closes on', description: 'Day of the week (0 Sunday … 6 Saturday) whose run also closes the week before it.' }),
  }),
});
