import { z } from 'zod';
import { isoDateTime } from './date-time.ts';
import { text } from './text.ts';

/** The largest id a PostgreSQL bigint holds: a cursor past it is not one this API gave out. */
const maxBigint = 2n ** 63n - 1n;

/** `GET /api/audit` */
export const auditQuerySchema = z
  .object({
    action: text({ min: 1, max: 64 }).optional(),
    actor: text({ min: 1, max: 200 }).optional(),
    target: text({ min: 1, max: 200 }).optional(),
    since: isoDateTime.optional(),
    until: isoDateTime.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z
      .string()
      .refine((value) => /^\d{1,19}$/.test(value) && BigInt(value) <= maxBigint, 'expected a cursor this API gave out')
      .optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuerySchema>;
