import { z } from 'zod';
import { text } from './text.ts';

/** `POST /api/runs/bulk-retry` */
export const bulkRetrySchema = z.object({ ids: z.array(text({ min: 1, max: 100 })).min(1).max(100) }).strict();
