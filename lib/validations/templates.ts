import { z } from 'zod';
import { jsonValueSchema, text } from './text.ts';

/** `POST /api/jobs/:name/templates`: saves (or replaces) a named payload. */
export const templateBodySchema = z
  .object({ name: text({ min: 1, max: 60, minMessage: 'Give the template a name' }), payload: jsonValueSchema })
  .strict();
