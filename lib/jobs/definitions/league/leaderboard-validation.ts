import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * League housekeeping, hourly: reads every league's standings back and counts them,
 * reporting ranks that repeat with different totals or skip places; builds each league's
 * leaderboard per period (the current gameweek, its month, the season so far) from the stored
 * history and counts and checks it; and checks the prize pools of the last days whose winner
 * is not a member of the league. Read-only; problems fail the run
 * only with `failOnProblems`.
 */
export const leaderboardValidationJob = defineJob({
  name: 'leaderboard-validation',
  category: 'maintenance',
  description: 'Checks league standings for duplicate ranks and gaps, and prize winners for membership.',
  schedule: { cron: '@hourly', tz: 'UTC' },
  // And after the tournament chain's last job, beside the prize pool (queued after it on the
  // one-at-a-time maintenance queue): the standings and winners it checks have just changed.
  dependsOn: ['cup-update'],
  priority: 'low',
  retry: { attempts: 2, backoff: 'fixed', delayMs: 30_000 },
  payload: z.object({}).strict(),
  config: z.object({
    failOnProblems: z.boolean().default(false).meta({ title: 'Fail on problems', description: 'Fail the run when it finds problems (so alerts on failed runs fire).' }),
    days: z.number().int().min(1).max(90).default(7).meta({ title: 'Prize pools of the last', description: 'Prize pools whose period started within this many days are checked.', unit: 'days' }),
  }),
});
