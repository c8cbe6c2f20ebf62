import { z } from 'zod';
import { defineJob } from '../define-job.ts';

/**
 * Daily housekeeping: expired sessions and finished runs past the retention setting, and the
 * standings of league tournaments that ended long ago moved to TournamentStandingArchive.
 */
export const cleanupJob = defineJob({
  name: 'cleanup',
  category: 'maintenance',
  description: 'Removes expired sessions and finished runs older than the retention setting.',
  schedule: { cron: '0 3 * * *', tz: 'UTC' },
  // Quiet hours: a schedule override that fires more often still only cleans up at night.
  window: { hours: '1-5', tz: 'UTC' },
  priority: 'low',
  exclusive: { lockTtlMs: 10 * 60_000 },
  retry: { attempts: 3, backoff: 'exponential', delayMs: 60_000 },
  timeoutMs: 30 * 60_000,
  payload: z.object({}).strict(),
  config: z.object({
    sessionMaxAgeMinutes: z.number().int().min(1).max(7 * 24 * 60).default(30).meta({ title: 'Keep expired sessions for', description: 'Sessions that expired longer ago than this are removed.', unit: 'minutes' }),
    deleteBatchSize: z.number().int().min(100).max(50_000).default(5_000).meta({ title: 'Runs deleted per statement', description: 'Runs deleted per statement, so a big clean-up never holds long locks.' }),
    standingsArchiveAgeDays: z.number().int().min(1).max(3_650).default(90).meta({ title: 'Archive standings after', description: 'Standings of tournaments finished this many days ago or more (their last gameweek\'s deadline) are archived (x402\'s leaderboardArchiveAgeDays).', unit: 'days' }),
  }),
});
