import { defineJob } from '../../define-job.ts';
import { tournamentPayload } from './tournament-payload.ts';

/** One round per gameweek; the higher score goes through. Runs after battle-race-update, and scheduled as a safety net. */
export const knockoutUpdateJob = defineJob({
  name: 'knockout-update',
  category: 'tournament',
  description: 'Plays the knockouts: one round per finished gameweek from the start, the higher score goes through, losers are eliminated.',
  schedule: { cron: '40 6,8,10 * * *', tz: 'Europe/London' },
  exclusive: true,
  dependsOn: ['battle-race-update'],
  payload: tournamentPayload,
});
