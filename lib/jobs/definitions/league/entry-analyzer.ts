import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * Every five minutes, in three phases of at most `batchSize` entries each:
 * `fetch-history` fills the history of untracked entries that have fewer than `minEvents`
 * events stored (one call gives all the upstream has); `score` scores the entries with
 * `minEvents` or more whose history changed since their last analysis, for unusual play
 * (lib/league/entry-scoring.ts); `recheck` fetches the flagged entries not checked in the
 * last hour again, and marks those the upstream no longer has (404) as deleted. Not retried:
 * the next fire is the retry. Works entry by entry, each entry's writes in a transaction of
 * its own, under the entry jobs' error rules (worker/jobs/league/entry-loop.ts): an upstream
 * rate limit ends the phase, an upstream error skips the entry, a database error fails the run.
 */
export const entryAnalyzerJob = defineJob({
  name: 'entry-analyzer',
  category: 'analysis',
  description: 'Fetches history for new entries, scores entries for unusual play, and rechecks flagged ones.',
  schedule: { every: 300_000 },
  priority: 'low',
  retry: { attempts: 1, backoff: 'none' },
  exclusive: { lockTtlMs: 10 * 60_000 },
  timeoutMs: 10 * 60_000,
  payload: z.object({}).strict(),
  config: z
    .object({
      minEvents: z.number().int().min(1).max(38).default(20).meta({ title: 'Events needed to score', description: 'Events of history an entry needs before it is scored.' }),
      batchSize: z.number().int().min(1).max(500).default(25).meta({ title: 'Entries per phase', description: 'Entries each phase handles per run.' }),
      flagScore: z.number().min(0).max(100).default(70).meta({ title: 'Flag at score', description: 'A score at or above this is `flagged` (0–100).' }),
      watchScore: z.number().min(0).max(100).default(45).meta({ title: 'Watch at score', description: 'A score at or above this, below “Flag at score”, is `watch` (0–100).' }),
    })
    .refine((config) => config.watchScore <= config.flagScore, { message: 'watchScore must not be above flagScore', path: ['watchScore'] }),
});
