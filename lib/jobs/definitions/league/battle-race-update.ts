import { defineJob } from '../../define-job.ts';
import { tournamentPayload } from './tournament-payload.ts';

/** Head to head each gameweek by a round robin over the seeds; win 3, draw 1. Runs after points-race-update. */
export const battleRaceUpdateJob = defineJob({
  name: 'battle-race-update',
  category: 'tournament',
  description: 'Scores the battle races: entrants meet head to head each gameweek in a round robin, 3 points a win and 1 a draw.',
  exclusive: true,
  dependsOn: ['points-race-update'],
  payload: tournamentPayload,
});
