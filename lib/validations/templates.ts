import { z } from 'zod';

/** `POST /api/jobs/:name/templates`: saves (or replaces) a named payload. */
export const templateBodySchema = z
  .object({ name: z.string().trim().min(1, 'Give the template a name').max(60), payload: z.unknown() })
  .strict();
