import { z } from 'zod';
import { text } from './text.ts';

/** `POST /api/runs/bulk-retry`; `override`: admins only, past the trigger limits. */
export const bulkRetrySchema = z.object({ ids: z.array(text({ min: 1, max: 100 })).min(1).max(100), override: z.boolean().optional() }).strict();
