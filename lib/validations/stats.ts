import { z } from 'zod';

/** `GET /api/stats?window=24h` */
export const statsQuerySchema = z
  .object({ window: z.enum(['1h', '6h', '24h', '7d']).default('24h') })
  .strict();
export type StatsQuery = z.infer<typeof statsQuerySchema>;

export const windowMs: Record<StatsQuery['window'], number> = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 };
