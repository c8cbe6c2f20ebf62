import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * The league's hybrid jobs: they read what to do from the database, call the upstream for it
 * in rate-limited batches, and write the answers back, in the phases meta → external →
 * integration. Every upstream request of these jobs counts against one rate limit shared by
 * all workers (`league-upstream`), so together they never ask the upstream for more than
 * their `requestsPerMinute`.
 */

/** What both jobs share: how they batch upstream calls, and where to look for leagues when none is known. */
const upstreamBatchConfig = {
  /** Items per batch; entry-updates also writes each batch in one transaction. */
  batchSize: z.number().int().min(1).max(500).default(50),
  /** Upstream requests per minute, counted across every worker and both jobs. */
  requestsPerMinute: z.number().int().min(1).max(100_000).default(10),
  /** Below this share of items fetched the run fails (the circuit breaker may stop it sooner). */
  minSuccessRatio: z.number().min(0).max(1).default(0.8),
  /** Leagues to discover (first standings page) when the database knows none yet. */
  leagueIds: z.array(z.number().int().min(1)).min(1).max(100).default([1, 2, 3, 4, 5]),
};

/**
 * Keeps followed entries fresh: every half hour, up to `maxEntries` entries of the known
 * leagues (the least recently fetched first) get their summary and event history from the
 * upstream. A 404 marks an entry deleted. Exclusive, so two runs never fetch the same entries.
 */
export const entryUpdatesJob = defineJob({
  name: 'entry-updates',
  category: 'hybrid',
  description: "Fetches the summary and event history of the known leagues' entries, least recently fetched first, within the shared upstream rate limit.",
  schedule: { cron: '*/30 * * * *', tz: 'Europe/London' },
  retry: { attempts: 3, backoff: 'exponential', delayMs: 60_000 },
  exclusive: { lockTtlMs: 5 * 60_000 },
  timeoutMs: 30 * 60_000,
  payload: z.object({}).strict(),
  config: z.object({
    ...upstreamBatchConfig,
    /** Entries fetched per run (two requests each). */
    maxEntries: z.number().int().min(1).max(10_000).default(100),
  }),
});

/**
 * Prepares the tournament jobs' local data every hour: each league's standings (all pages),
 * its four tournaments (created when missing), and the entrants' event histories the
 * tournaments need that are not stored yet, so points-race-update and the jobs after it run
 * on the database alone.
 */
export const tournamentEventDataJob = defineJob({
  name: 'tournament-event-data',
  category: 'hybrid',
  description: "Refreshes league standings, creates each league's points race, battle race, knockout and cup, and fetches the entrants' missing event histories.",
  schedule: { cron: '@hourly', tz: 'Europe/London' },
  retry: { attempts: 3, backoff: 'exponential', delayMs: 60_000 },
  exclusive: { lockTtlMs: 5 * 60_000 },
  timeoutMs: 60 * 60_000,
  payload: z.object({}).strict(),
  config: z.object({
    ...upstreamBatchConfig,
    /** Standings pages (50 rows each) read per league. */
    maxStandingsPages: z.number().int().min(1).max(100).default(20),
    /** Entrants of a new tournament: the league's top standings. */
    maxEntrants: z.number().int().min(2).max(256).default(32),
  }),
});

export const hybridJobs = [entryUpdatesJob, tournamentEventDataJob] as const;
