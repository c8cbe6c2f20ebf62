import type { z } from 'zod';
import { triggerBodySchema } from './runs.ts';

/** `POST /api/league/stats-update`: the payload is fixed (`{ source: 'admin' }`); only these may be sent. */
export const statsUpdateBodySchema = triggerBodySchema.pick({ requestId: true, override: true });
export type StatsUpdateBody = z.infer<typeof statsUpdateBodySchema>;
