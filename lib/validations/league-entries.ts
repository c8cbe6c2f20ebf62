import { z } from 'zod';
import { pathParamSchema } from './text.ts';

/** An upstream entry id in a path (`/api/league/entries/:id`): a positive 32-bit integer. */
export const entryIdSchema = pathParamSchema.pipe(z.string().regex(/^\d{1,10}$/, 'expected an entry id')).transform(Number).pipe(z.number().int().min(1).max(2_147_483_647));

/** `PATCH /api/league/entries/:id`: follow the entry (tracked-entry-updater) or stop. */
export const entryPatchSchema = z.object({ tracked: z.boolean() }).strict();
export type EntryPatch = z.infer<typeof entryPatchSchema>;
