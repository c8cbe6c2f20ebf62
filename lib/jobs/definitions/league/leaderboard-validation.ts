import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * League housekeeping, hourly: reads every league's standings back and counts them,
 * reporting ranks that repeat with different totals or skip places, and the prize pools of
 * the last days whose winner is not a member of the league. Read-only; problems fail the run
 * only with `failOnProblems`.
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
    failOnProblems: z.boolean().default(false).meta({ title: 'Fail on problems', description: 'Fail the run when it finds problems (so alerts on failed runs fire).' }),
    days: z.number().int().min(1).max(90).default(7).meta({ title: 'Prize pools of the last', description: 'Prize pools whose period started within this many days are checked.', unit: 'days' }),
  }),
});
