import { defineJob } from '../../define-job.ts';
import { tournamentPayload } from './tournament-payload.ts';

/** A knockout seeded from the points race after its first gameweek. Runs after knockout-update. */
export const cupUpdateJob = defineJob({
  name: 'cup-update',
  category: 'tournament',
  description: "Plays the cups: knockouts seeded from the points race after its first gameweek, with a bye for the best seed when the field is odd.",
  exclusive: true,
  dependsOn: ['knockout-update'],
  payload: tournamentPayload,
});
