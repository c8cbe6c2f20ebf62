import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * The tournament jobs: each scores one kind of tournament (lib/league/tournament-rules.ts)
 * from the stored event histories — no upstream calls — and writes its standings and
 * results. They run as a chain after each finished gameweek: points-race-update (scheduled,
 * only when a gameweek finished since its last update) → battle-race-update →
 * knockout-update (also scheduled, as a safety net) → cup-update. Each recomputes its
 * tournaments from their first event, so a rerun for the same event changes nothing.
 */

/** Which event to score up to; default: the latest finished event. */
const tournamentPayload = z
  .object({
    eventId: z.number().int().min(1).max(38).optional(),
  })
  .strict();

/** Season-long: every entrant's event points summed. */
export const pointsRaceUpdateJob = defineJob({
  name: 'points-race-update',
  category: 'tournament',
  description: 'Scores the points races up to the latest finished gameweek: standings by event points summed, one result per entrant per event.',
  schedule: { cron: '20 6,8,10 * * *', tz: 'Europe/London' },
  exclusive: true,
  payload: tournamentPayload,
});

/** Head to head each gameweek by a round robin over the seeds; win 3, draw 1. */
export const battleRaceUpdateJob = defineJob({
  name: 'battle-race-update',
  category: 'tournament',
  description: 'Scores the battle races: entrants meet head to head each gameweek in a round robin, 3 points a win and 1 a draw.',
  exclusive: true,
  dependsOn: ['points-race-update'],
  payload: tournamentPayload,
});

/** One round per gameweek; the higher score goes through. */
export const knockoutUpdateJob = defineJob({
  name: 'knockout-update',
  category: 'tournament',
  description: 'Plays the knockouts: one round per finished gameweek from the start, the higher score goes through, losers are eliminated.',
  schedule: { cron: '40 6,8,10 * * *', tz: 'Europe/London' },
  exclusive: true,
  dependsOn: ['battle-race-update'],
  payload: tournamentPayload,
});

/** A knockout seeded from the points race after its first gameweek. */
export const cupUpdateJob = defineJob({
  name: 'cup-update',
  category: 'tournament',
  description: "Plays the cups: knockouts seeded from the points race after its first gameweek, with a bye for the best seed when the field is odd.",
  exclusive: true,
  dependsOn: ['knockout-update'],
  payload: tournamentPayload,
});

export const tournamentJobs = [pointsRaceUpdateJob, battleRaceUpdateJob, knockoutUpdateJob, cupUpdateJob] as const;
