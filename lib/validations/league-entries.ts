import { z } from 'zod';

/** An upstream entry id in a path (`/api/league/entries/:id`): a positive 32-bit integer. */
export const entryIdSchema = z.coerce.number().int().min(1).max(2_147_483_647);

/** `PATCH /api/league/entries/:id`: follow the entry (tracked-entry-updater) or stop. */
export const entryPatchSchema = z.object({ tracked: z.boolean() }).strict();
export type EntryPatch = z.infer<typeof entryPatchSchema>;
