import { z } from 'zod';

/** `POST /api/runs/bulk-retry`; `override`: admins only, past the trigger limits. */
export const bulkRetrySchema = z.object({ ids: z.array(z.string().trim().min(1).max(100)).min(1).max(100), override: z.boolean().optional() }).strict();
