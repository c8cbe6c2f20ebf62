import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { assertHasPreferences, readPreferences, updatePreferences } from '@/lib/users/preferences.ts';
import { preferencesSchema } from '@/lib/validations/preferences.ts';

/** `GET /api/account/preferences`: your display preferences. */
export const GET = withAuth('account:edit', async ({ principal }) => Response.json({ preferences: await readPreferences(principal) }));

/** `PATCH /api/account/preferences` `{ timeZone }`: the zone the dashboard shows your times in (null: the browser's). */
export const PATCH = withAuth('account:edit', async ({ request, principal, requestId, ip }) => {
  assertHasPreferences(principal);
  const input = await readJsonBody(request, preferencesSchema);
  return Response.json({ preferences: await updatePreferences({ principal, requestId, ip }, input) });
});
