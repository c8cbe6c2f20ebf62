import { defineJob } from '../../define-job.ts';
import { tournamentPayload } from './tournament-payload.ts';

/** Season-long: every entrant's event points summed. The head of the tournament chain (see tournament-payload.ts). */
export const pointsRaceUpdateJob = defineJob({
  name: 'points-race-update',
  category: 'tournament',
  description: 'Scores the points races up to the latest finished gameweek: standings by event points summed, one result per entrant per event.',
  schedule: { cron: '20 6,8,10 * * *', tz: 'Europe/London' },
  exclusive: true,
  payload: tournamentPayload,
});
