import { defineJob } from '../../define-job.ts';
import { eventPayload } from './event-payload.ts';
import { matchDayRetry } from './retry-kinds.ts';

/**
 * Every minute while a match is in play: the current gameweek's fixture scores only (one
 * cheap call). The handler's condition skips a fire while no match is in play.
 */
export const liveScoresUpdateJob = defineJob({
  name: 'live-scores-update',
  category: 'time-based',
  description: 'Refreshes the fixture scores of the current gameweek while matches are in play.',
  schedule: { cron: '* * * * *', tz: 'Europe/London' },
  // Letletme §2.A: live jobs are critical; match-day jobs retry at once, 5 attempts (timing.matchDay).
  priority: 'critical',
  retry: matchDayRetry,
  timeoutMs: 55_000,
  // eventId: default the current gameweek (Event.isCurrent).
  payload: eventPayload,
});
