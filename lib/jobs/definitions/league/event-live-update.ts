import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * League jobs tied to the match calendar: live gameweek data, live scores, and the entries'
 * summaries before a deadline. Their schedules fire often; each handler's condition skips a
 * fire when there is nothing to do (no live gameweek, no match in play, no deadline near).
 */

const eventPayload = z
  .object({
    /** The gameweek to refresh. Default: see each job. */
    eventId: z.number().int().min(1).max(38).optional(),
  })
  .strict();

/**
 * While a gameweek is live: every player's stats in it (event/N/live), its fixtures' scores
 * and flags, and the gameweek rows (finished, isLive, dataChecked). Hours match the UK's
 * evening and weekend kick-offs plus the night the upstream settles points.
 */
export const eventLiveUpdateJob = defineJob({
  name: 'event-live-update',
  category: 'time-based',
  description: 'Refreshes the live gameweek: player stats, fixture scores and the gameweek status.',
  schedule: { cron: '* 0-7,19-23 * * *', tz: 'Europe/London' },
  retry: { attempts: 2, backoff: 'fixed', delayMs: 5_000 },
  // Fires every minute: a run must end before the next one is due.
  timeoutMs: 55_000,
  // eventId: default the live gameweek (by the upstream's clock).
  payload: eventPayload,
});

/** Every minute while a match is in play: the current gameweek's fixture scores only (one cheap call). */
export const liveScoresUpdateJob = defineJob({
  name: 'live-scores-update',
  category: 'time-based',
  description: 'Refreshes the fixture scores of the current gameweek while matches are in play.',
  schedule: { cron: '* * * * *', tz: 'Europe/London' },
  timeoutMs: 55_000,
  // eventId: default the current gameweek (Event.isCurrent).
  payload: eventPayload,
});

/**
 * Before a deadline, when managers make their picks: refreshes the summary of every entry we
 * know (entry/N), in batches under a concurrency cap; an entry the upstream no longer has
 * (404) is marked deleted.
 */
export const picksProcessingJob = defineJob({
  name: 'picks-processing',
  category: 'time-based',
  description: 'Refreshes every known entry before the next deadline; marks entries the upstream deleted.',
  schedule: { cron: '*/5 0-4,18-23 * * *', tz: 'Europe/London' },
  payload: z.object({}).strict(),
  config: z.object({
    /** Scheduled fires run only while the next deadline is at most this many hours ahead. */
    withinHoursOfDeadline: z.number().min(1).max(7 * 24).default(24),
    /** Entries per batch (progress is reported after each). */
    batchSize: z.number().int().min(1).max(1_000).default(100),
    /** Upstream calls at once. */
    concurrency: z.number().int().min(1).max(20).default(3),
  }),
});

export const timeBasedJobs = [eventLiveUpdateJob, liveScoresUpdateJob, picksProcessingJob] as const;
