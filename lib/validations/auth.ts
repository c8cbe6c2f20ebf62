import { z } from 'zod';
import { text } from './text.ts';

/** An email as people type it: trimmed, lower-cased, at most 254 characters (RFC 5321). */
export const emailSchema = text({ max: 254 })
  .toLowerCase()
  .pipe(z.email('Enter an email address'));

/** A password as typed (not trimmed). */
const password = (min: number, minMessage: string) => text({ min, max: 200, trim: false, minMessage });

export const newPasswordSchema = password(10, 'at least 10 characters');

export const signInSchema = z.object({
  email: emailSchema,
  password: password(1, 'Enter your password'),
});
export type SignInInput = z.infer<typeof signInSchema>;

/** `POST /api/account/password`: a signed-in user changes their own password. */
export const passwordChangeSchema = z
  .object({
    currentPassword: password(1, 'Enter your current password'),
    newPassword: newPasswordSchema,
  })
  .strict()
  .refine((body) => body.currentPassword !== body.newPassword, { message: 'choose a password other than the current one', path: ['newPassword'] });
export type PasswordChange = z.infer<typeof passwordChangeSchema>;
