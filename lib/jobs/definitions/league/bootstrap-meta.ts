import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * The full sync of the league's reference data (phases, teams, gameweeks, players,
 * fixtures), which every other league job reads: bootstrap-static and every fixture, checked
 * for consistency first (an inconsistent answer is refused whole and not retried), then
 * written in one transaction in reference order, changed rows only; the cache keys of what
 * changed are invalidated. Exclusive: two full syncs at once would only fight over the same
 * rows. teams-update and phases-update refresh one table between the daily full syncs.
 */
export const bootstrapMetaJob = defineJob({
  name: 'bootstrap-meta',
  category: 'meta',
  description: 'Syncs phases, teams, gameweeks, players and fixtures from bootstrap-static; refuses inconsistent data.',
  schedule: { cron: '@daily', tz: 'Europe/London' },
  priority: 'high',
  exclusive: { lockTtlMs: 5 * 60_000 },
  retry: { attempts: 3, backoff: 'exponential' },
  payload: z.object({}).strict(),
});
