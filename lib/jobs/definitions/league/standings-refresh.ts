import { z } from 'zod';
import { defineJob } from '../../define-job.ts';
import { upstreamBatchConfig } from './upstream-batch-config.ts';

/**
 * Manual only (Letletme, Manual Job Triggers §3.B.2, "Standings Refresh"): the standings of
 * some leagues read again from the upstream (every page, up to `maxStandingsPages`) and stored,
 * each league in its own transaction, its cached standings pages dropped once it commits —
 * the standings the tournaments take their entrants from, which tournament-event-data reads
 * hourly. Upstream requests count against the league's shared rate limit. Medium priority, and
 * may run beside anything, itself included (two runs write the same rows the same way); the
 * specified 5-minute lock is its time limit.
 */
export const standingsRefreshJob = defineJob({
  name: 'standings-refresh',
  category: 'tournament',
  description: 'Reads the standings of the given leagues (default: every known one) from the upstream again and stores them.',
  priority: 'medium',
  timeoutMs: 5 * 60_000,
  payload: z
    .object({
      leagueIds: z
        .array(z.number().int().min(1))
        .min(1)
        .max(100)
        .refine((ids) => new Set(ids).size === ids.length, 'list each league once')
        .optional()
        .meta({ title: 'Leagues', description: 'The leagues to refresh. Default: every league stored, else the config’s “Leagues to discover”.' }),
    })
    .strict(),
  config: z.object({
    ...upstreamBatchConfig,
    maxStandingsPages: z.number().int().min(1).max(100).default(20).meta({ title: 'Standings pages per league', description: 'Standings pages (50 rows each) read per league.' }),
  }),
});
