import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * Manual only (Letletme, Manual Job Triggers §3.B.1, "Points Recalculation"): every kind of
 * tournament of one league (or one tournament, or all) scored again from the stored event
 * histories up to `eventId` (default: the latest finished), in the chain's order, and the
 * stored results, points and standings made what the scoring says — after event points were
 * corrected, say. The same scoring as the four tournament jobs (one transaction per
 * tournament, only what differs is written, their cached standings dropped); no upstream call.
 * Exclusive with a 10-minute lock (also its time limit).
 */
export const pointsRecalculationJob = defineJob({
  name: 'points-recalculation',
  category: 'tournament',
  description: "Scores a league's tournaments (or one, or all) again from the stored histories and corrects their results and standings.",
  priority: 'high',
  exclusive: { lockTtlMs: 10 * 60_000 },
  timeoutMs: 10 * 60_000,
  payload: z
    .object({
      leagueId: z.number().int().min(1).optional().meta({ title: 'League', description: "Only this league's tournaments." }),
      tournamentId: z.uuid().optional().meta({ title: 'Tournament', description: 'Only this tournament.' }),
      eventId: z.number().int().min(1).max(38).optional().meta({ title: 'Gameweek', description: 'Score up to this finished gameweek. Default: the latest finished one.' }),
    })
    .strict(),
});
