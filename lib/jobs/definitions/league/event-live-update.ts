import { defineJob } from '../../define-job.ts';
import { eventPayload } from './event-payload.ts';
import { matchDayRetry } from './retry-kinds.ts';

/**
 * While a gameweek is live: every player's stats in it (event/N/live), its fixtures' scores
 * and flags, and the gameweek rows (finished, isLive, dataChecked). The specification's
 * "match time" is hours 0-7 and 19-23 of its authors' clock (Beijing time: 11:00–23:59 UTC,
 * the European kick-offs and the evening the upstream settles points), read in league time:
 * the schedule fires every minute of the wall clock and the handler judges the window and
 * its condition (a gameweek is live) by the league clock (lib/league/league-clock.ts).
 */
export const eventLiveUpdateJob = defineJob({
  name: 'event-live-update',
  category: 'time-based',
  description: 'Refreshes the live gameweek: player stats, fixture scores and the gameweek status.',
  schedule: { cron: '* * * * *', tz: 'UTC' },
  window: { hours: '0-7,19-23', tz: 'Asia/Shanghai' },
  // Letletme §2.A: live jobs are critical; match-day jobs retry at once, 5 attempts (timing.matchDay).
  priority: 'critical',
  retry: matchDayRetry,
  // Fires every minute: a run must end before the next one is due.
  timeoutMs: 55_000,
  // eventId: default the live gameweek (by the upstream's clock).
  payload: eventPayload,
});
