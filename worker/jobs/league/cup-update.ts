import { cupUpdateJob } from '@/lib/jobs/definitions/league/cup-update.ts';
import { tournamentHandler } from './update-tournaments.ts';

/** Cups: knockouts seeded from the points race after its first event (scored by update-tournaments.ts). */
export const cupUpdateHandler = tournamentHandler(cupUpdateJob, 'cup');
