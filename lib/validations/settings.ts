import { z } from 'zod';
import { settingSchemas } from '../settings.ts';

/** `PATCH /api/settings`: any of the settings, each validated by its own schema. */
export const settingsPatchSchema = z
  .object(Object.fromEntries(Object.entries(settingSchemas).map(([key, schema]) => [key, schema.removeDefault().optional()])) as {
    [K in keyof typeof settingSchemas]: z.ZodOptional<ReturnType<(typeof settingSchemas)[K]['removeDefault']>>;
  })
  .strict()
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), 'send at least one setting');
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
