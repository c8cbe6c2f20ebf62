import { z } from 'zod';

const isoDate = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }).transform((value) => new Date(value));

/** `GET /api/audit` */
export const auditQuerySchema = z
  .object({
    action: z.string().trim().min(1).max(64).optional(),
    actor: z.string().trim().min(1).max(200).optional(),
    target: z.string().trim().min(1).max(200).optional(),
    since: isoDate.optional(),
    until: isoDate.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().regex(/^\d+$/, 'expected a cursor this API gave out').optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuerySchema>;
