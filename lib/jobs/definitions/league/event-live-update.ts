import { defineJob } from '../../define-job.ts';
import { eventPayload } from './event-payload.ts';
import { matchDayRetry } from './retry-kinds.ts';

/**
 * While a gameweek is live: every player's stats in it (event/N/live), its fixtures' scores
 * and flags, and the gameweek rows (finished, isLive, dataChecked). Hours match the UK's
 * evening and weekend kick-offs plus the night the upstream settles points. The schedule
 * fires often; the handler's condition skips a fire while no gameweek is live.
 */
export const eventLiveUpdateJob = defineJob({
  name: 'event-live-update',
  category: 'time-based',
  description: 'Refreshes the live gameweek: player stats, fixture scores and the gameweek status.',
  schedule: { cron: '* 0-7,19-23 * * *', tz: 'Europe/London' },
  // Letletme §2.A: live jobs are critical; match-day jobs retry at once, 5 attempts (timing.matchDay).
  priority: 'critical',
  retry: matchDayRetry,
  // Fires every minute: a run must end before the next one is due.
  timeoutMs: 55_000,
  // eventId: default the live gameweek (by the upstream's clock).
  payload: eventPayload,
});
