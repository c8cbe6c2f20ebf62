import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * Entry tracking and analysis: the entries people follow are kept fresh every minute (their
 * history, summary and league-mates), and every entry with enough history is scored for
 * unusual play (lib/league/entry-scoring.ts). Both work entry by entry, each entry's writes
 * in a transaction of its own, under the same error rules (worker/jobs/league/entry-loop.ts):
 * an upstream rate limit ends the phase, an upstream error skips the entry, a database error
 * fails the run.
 */

/**
 * Every minute: for each tracked entry (the least recently fetched first), the events of its
 * history after the last stored one (the last one again, as it may have been live), its
 * summary, and the first standings page of each of its classic leagues, whose members are
 * added as untracked entries. Skipped while nothing is tracked. Not retried: the next fire
 * is a minute away.
 */
export const trackedEntryUpdaterJob = defineJob({
  name: 'tracked-entry-updater',
  category: 'analysis',
  description: 'Refreshes the tracked entries (history, summary, league-mates) from the upstream.',
  schedule: { every: 60_000 },
  priority: 'medium',
  retry: { attempts: 1, backoff: 'none' },
  exclusive: { lockTtlMs: 2 * 60_000 },
  timeoutMs: 5 * 60_000,
  payload: z.object({}).strict(),
  config: z.object({
    /** Tracked entries refreshed per run; the rest wait for the next runs (least recently fetched first). */
    maxEntries: z.number().int().min(1).max(1_000).default(50),
  }),
});

/**
 * Every five minutes, in three phases of at most `batchSize` entries each:
 * `fetch-history` fills the history of untracked entries that have fewer than `minEvents`
 * events stored (one call gives all the upstream has); `score` scores the entries with
 * `minEvents` or more whose history changed since their last analysis; `recheck` fetches the
 * flagged entries not checked in the last hour again, and marks those the upstream no longer
 * has (404) as deleted. Not retried: the next fire is the retry.
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
      /** Events of history an entry needs before it is scored. */
      minEvents: z.number().int().min(1).max(38).default(20),
      /** Entries each phase handles per run. */
      batchSize: z.number().int().min(1).max(500).default(25),
      /** A score at or above this is `flagged` (0–100). */
      flagScore: z.number().min(0).max(100).default(70),
      /** A score at or above this, below flagScore, is `watch` (0–100). */
      watchScore: z.number().min(0).max(100).default(45),
    })
    .refine((config) => config.watchScore <= config.flagScore, { message: 'watchScore must not be above flagScore', path: ['watchScore'] }),
});

export const analysisJobs = [trackedEntryUpdaterJob, entryAnalyzerJob] as const;
