import { battleRaceUpdateJob } from '@/lib/jobs/definitions/league/battle-race-update.ts';
import { tournamentHandler } from './update-tournaments.ts';

/** Battle races: round robin by seed, win 3 / draw 1 (scored by update-tournaments.ts). */
export const battleRaceUpdateHandler = tournamentHandler(battleRaceUpdateJob, 'battle_race');
