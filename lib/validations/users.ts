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

/** A Telegram chat linked to a user (its numeric id; the bot's /start shows it); empty or null unlinks. */
const telegramChatId = z.preprocess(
  (value) => (value === '' ? null : typeof value === 'number' ? String(value) : value),
  z.string().trim().regex(/^-?\d{1,20}$/, 'a numeric chat id (send /start to the bot to see it)').nullable(),
);

export const updateUserSchema = z
  .object({
    role: role.optional(),
    grants: grants.optional(),
    disabled: z.boolean().optional(),
    password: z.string().min(10, 'at least 10 characters').max(200).optional(),
    telegramChatId: telegramChatId.optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'send at least one of role, grants, disabled, password, telegramChatId');

export const createApiKeySchema = z.object({ name: z.string().trim().min(1).max(60), role, grants: grants.default([]) }).strict();
