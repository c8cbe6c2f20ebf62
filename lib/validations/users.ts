import { z } from 'zod';

const role = z.enum(['admin', 'operator', 'viewer']);
/** A job name, `category:<name>`, or `*`. */
const grants = z.array(z.string().trim().regex(/^(\*|category:[a-z-]+|[a-z][a-z0-9-]*)$/, 'use a job name, category:<name> or *')).max(100);

export const createUserSchema = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email('Enter an email address')),
    name: z.string().trim().max(100).default(''),
    role,
    grants: grants.default([]),
    password: z.string().min(10, 'at least 10 characters').max(200),
  })
  .strict();

export const updateUserSchema = z
  .object({ role: role.optional(), grants: grants.optional(), disabled: z.boolean().optional(), password: z.string().min(10, 'at least 10 characters').max(200).optional() })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'send at least one of role, grants, disabled, password');

export const createApiKeySchema = z.object({ name: z.string().trim().min(1).max(60), role, grants: grants.default([]) }).strict();
