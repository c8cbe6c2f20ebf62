import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * Manual only (Letletme, Manual Job Triggers §3.A.3, "Event Data Refresh"): the gameweek rows
 * (status flags, deadlines, average and highest scores) from bootstrap-static and one
 * gameweek's fixtures (kick-off times, scores, started and finished), for when a deadline or a
 * kick-off moved and the daily sync is hours away. Consistency-checked, changed rows only,
 * their cache keys dropped; the gameweek and fixture changes announce themselves on the league
 * NOTIFY channel as any write does. Exclusive with a 2-minute lock (also its time limit).
 */
export const eventDataRefreshJob = defineJob({
  name: 'event-data-refresh',
  category: 'meta',
  description: "Refreshes the gameweeks and one gameweek's fixtures from the upstream now (default: the current gameweek).",
  priority: 'high',
  exclusive: { lockTtlMs: 2 * 60_000 },
  timeoutMs: 2 * 60_000,
  payload: z
    .object({
      eventId: z.number().int().min(1).max(38).optional().meta({ title: 'Gameweek', description: "The gameweek whose fixtures to refresh. Default: the upstream's current one, else the next." }),
    })
    .strict(),
});
