import { z } from 'zod';
import { defineJob } from '../../define-job.ts';
import { upstreamBatchConfig } from './upstream-batch-config.ts';

/**
 * Prepares the tournament jobs' local data every hour: each league's standings (all pages),
 * its four tournaments (created when missing), and the entrants' event histories the
 * tournaments need that are not stored yet, so points-race-update and the jobs after it run
 * on the database alone. A hybrid job: it reads from the database what to fetch, calls the
 * upstream for it in rate-limited batches, and writes the answers back, in the phases
 * meta → external → integration.
 */
export const tournamentEventDataJob = defineJob({
  name: 'tournament-event-data',
  category: 'hybrid',
  description: "Refreshes league standings, creates each league's points race, battle race, knockout and cup, and fetches the entrants' missing event histories.",
  schedule: { cron: '@hourly', tz: 'Europe/London' },
  // Letletme hybrid.jobs.tournamentEventData: high. Its integration phases retry by
  // themselves (integrationRetry); a failed attempt of the run retries as the meta kind.
  priority: 'high',
  retry: { attempts: 3, backoff: 'exponential', delayMs: 60_000 },
  exclusive: { lockTtlMs: 5 * 60_000 },
  timeoutMs: 60 * 60_000,
  payload: z.object({}).strict(),
  config: z.object({
    ...upstreamBatchConfig,
    maxStandingsPages: z.number().int().min(1).max(100).default(20).meta({ title: 'Standings pages per league', description: 'Standings pages (50 rows each) read per league.' }),
    maxEntrants: z.number().int().min(2).max(256).default(32).meta({ title: 'Entrants per tournament', description: "Entrants of a new tournament: the league's top standings." }),
  }),
});
