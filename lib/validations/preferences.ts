import { z } from 'zod';

/** An IANA time zone name the runtime knows (`UTC`, `Europe/London`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** `PATCH /api/account/preferences` */
export const preferencesSchema = z
  .object({
    timeZone: z
      .string()
      .max(64)
      .refine(isTimeZone, 'is not a time zone name (such as UTC or Europe/London)')
      .nullable()
      .meta({ description: 'The IANA zone every time in the dashboard is shown in (`UTC`, `Europe/London`); null: the browser\'s' }),
  })
  .strict();
export type Preferences = z.infer<typeof preferencesSchema>;
