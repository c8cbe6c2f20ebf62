import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { assertPackEnabled } from '@/lib/packs.ts';
import { NotFoundError } from '@/lib/errors.ts';
import { assertMayTrackEntries, setEntryTracked } from '@/lib/league/entry-tracking.ts';
import { entryIdSchema, entryPatchSchema } from '@/lib/validations/league-entries.ts';

/** `PATCH /api/league/entries/:id` `{ tracked }`: follow an entry (created from the upstream when new) or stop following it. */
export const PATCH = withAuth<{ id: string }>('jobs:trigger', async ({ request, params, principal, requestId, ip }) => {
  assertPackEnabled('league', `/api/league/entries/${params.id}`);
  assertMayTrackEntries(principal);
  const id = entryIdSchema.safeParse(params.id);
  if (!id.success) throw new NotFoundError('Entry', params.id);
  const { tracked } = await readJsonBody(request, entryPatchSchema);
  return Response.json(await setEntryTracked(id.data, tracked, { principal, requestId, ip }));
});
