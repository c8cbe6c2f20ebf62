import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { assertPackEnabled } from '@/lib/packs.ts';
import { purgeLeagueCache } from '@/lib/league/purge-league-cache.ts';
import { cachePurgeBodySchema } from '@/lib/validations/cache.ts';

/** The cache panel's "Purge": empties the league cache's families (all by default) everywhere, audited (admins). */
export const POST = withAuth('cache:purge', async ({ request, principal, requestId, ip }) => {
  assertPackEnabled('league', '/api/league/cache/purge');
  const body = await readJsonBody(request, cachePurgeBodySchema);
  return Response.json(await purgeLeagueCache(body, { principal, requestId, ip }));
});
