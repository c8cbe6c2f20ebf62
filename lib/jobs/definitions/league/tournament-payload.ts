import { z } from 'zod';

/**
 * The payload the four tournament jobs share: which event to score up to; default: the
 * latest finished event. Each job scores one kind of tournament (lib/league/tournament-rules.ts)
 * from the stored event histories — no upstream calls — and writes its standings and
 * results. They run as a chain after each finished gameweek: points-race-update (scheduled,
 * only when a gameweek finished since its last update) → battle-race-update →
 * knockout-update (also scheduled, as a safety net) → cup-update. Each recomputes its
 * tournaments from their first event, so a rerun for the same event changes nothing.
 */
export const tournamentPayload = z
  .object({
    eventId: z.number().int().min(1).max(38).optional().meta({ title: 'Gameweek', description: 'Score up to this finished gameweek. Default: the latest finished one.' }),
  })
  .strict();
