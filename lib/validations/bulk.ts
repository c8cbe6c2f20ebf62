import { z } from 'zod';

/** `POST /api/runs/bulk-retry` */
export const bulkRetrySchema = z.object({ ids: z.array(z.string().trim().min(1).max(100)).min(1).max(100) }).strict();
