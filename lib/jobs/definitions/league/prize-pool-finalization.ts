import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * League housekeeping: closing the daily and weekly prize pools of each league, and checking
 * that the stored leaderboards (standings and prize winners) hold together.
 */

/**
 * At midnight UTC: for every league, the daily prize of the day before (or of `date`): the
 * member with the most points in history rows updated that day (ties: the lower entry id),
 * or `no_activity`. When the next day is `weeklyOn`, also the weekly prize of the seven days
 * ending that day. Idempotent: a period already finalised (or without activity) is left as
 * is; a `failed` one is tried again. A league that fails gets a `failed` row with the error
 * and the others go on.
 */
export const prizePoolFinalizationJob = defineJob({
  name: 'prize-pool-finalization',
  category: 'maintenance',
  description: 'Finalises each league’s daily prize (and the weekly one on the weekly day) from the points scored.',
  schedule: { cron: '0 0 * * *', tz: 'UTC' },
  priority: 'high',
  exclusive: { lockTtlMs: 10 * 60_000 },
  retry: { attempts: 3, backoff: 'exponential', delayMs: 60_000 },
  payload: z
    .object({
      /** The day to finalise (UTC), `YYYY-MM-DD`; it must be over. Default: yesterday. */
      date: z.iso.date().optional(),
    })
    .strict(),
  config: z.object({
    /** Day of the week (0 Sunday … 6 Saturday) whose run also closes the week before it. */
    weeklyOn: z.number().int().min(0).max(6).default(1),
  }),
});

/**
 * Hourly: reads every league's standings back and counts them, reporting ranks that repeat
 * with different totals or skip places, and the prize pools of the last days whose winner is
 * not a member of the league. Read-only; problems fail the run only with `failOnProblems`.
 */
export const leaderboardValidationJob = defineJob({
  name: 'leaderboard-validation',
  category: 'maintenance',
  description: 'Checks league standings for duplicate ranks and gaps, and prize winners for membership.',
  schedule: { cron: '@hourly', tz: 'UTC' },
  priority: 'low',
  retry: { attempts: 2, backoff: 'fixed', delayMs: 30_000 },
  payload: z.object({}).strict(),
  config: z.object({
    /** Fail the run when it finds problems (so alerts on failed runs fire). */
    failOnProblems: z.boolean().default(false),
    /** Prize pools whose period started within this many days are checked. */
    days: z.number().int().min(1).max(90).default(7),
  }),
});

export const maintenanceLeagueJobs = [prizePoolFinalizationJob, leaderboardValidationJob] as const;
