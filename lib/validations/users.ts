import { z } from 'zod';
import { emailSchema, newPasswordSchema } from './auth.ts';
import { text } from './text.ts';

const role = z.enum(['admin', 'operator', 'viewer']);
/** A job name, `category:<name>`, or `*`. */
const grants = z.array(text({ max: 120 }).regex(/^(\*|category:[a-z-]+|[a-z][a-z0-9-]*)$/, 'use a job name, category:<name> or *')).max(100);

export const createUserSchema = z
  .object({
    email: emailSchema,
    name: text({ max: 100 }).default(''),
    role,
    grants: grants.default([]),
    password: newPasswordSchema,
  })
  .strict();

/** A Telegram chat linked to a user (its numeric id; the bot's /start shows it); empty or null unlinks. */
const telegramChatId = z.preprocess(
  (value) => (value === '' ? null : typeof value === 'number' ? String(value) : value),
  text({ max: 21 }).regex(/^-?\d{1,20}$/, 'a numeric chat id (send /start to the bot to see it)').nullable(),
);

export const updateUserSchema = z
  .object({
    role: role.optional(),
    grants: grants.optional(),
    disabled: z.boolean().optional(),
    password: newPasswordSchema.optional(),
    telegramChatId: telegramChatId.optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'send at least one of role, grants, disabled, password, telegramChatId');

export const createApiKeySchema = z.object({ name: text({ min: 1, max: 60 }), role, grants: grants.default([]) }).strict();
