import { knockoutUpdateJob } from '@/lib/jobs/definitions/league/knockout-update.ts';
import { tournamentHandler } from './update-tournaments.ts';

/** Knockouts: one round per finished event, the higher score through (scored by update-tournaments.ts). */
export const knockoutUpdateHandler = tournamentHandler(knockoutUpdateJob, 'knockout');
