import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * Historical aggregates: the materialized view "EntrySeasonStats" (per entry: events played,
 * points, best event, average, best overall rank; see the historical_stats_view migration).
 * Reading it is cheap; rebuilding it is not, so a job refreshes it hourly instead of every
 * read. CONCURRENTLY keeps it readable during the refresh.
 */
export const historicalStatsRefreshJob = defineJob({
  name: 'historical-stats-refresh',
  category: 'stats',
  description: 'Refreshes the per-entry season statistics (a materialized view) and drops the cached history.',
  schedule: { cron: '15 * * * *', tz: 'Europe/London' },
  priority: 'low',
  payload: z.object({}).strict(),
});
