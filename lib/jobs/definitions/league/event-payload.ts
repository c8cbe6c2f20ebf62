import { z } from 'zod';

/** The payload of the live gameweek jobs (event-live-update, live-scores-update). */
export const eventPayload = z
  .object({
    eventId: z.number().int().min(1).max(38).optional().meta({ title: 'Gameweek', description: 'The gameweek to refresh. Default: see each job.' }),
  })
  .strict();
