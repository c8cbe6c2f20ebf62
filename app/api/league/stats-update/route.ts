import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { assertPackEnabled } from '@/lib/packs.ts';
import { triggerStatsUpdate } from '@/lib/league/trigger-stats-update.ts';
import { statsUpdateBodySchema } from '@/lib/validations/league-stats.ts';
import { revalidateTags } from '../../../_lib/revalidate-tags.ts';

/**
 * The "Update stats" button: queues a stats-update run with source `admin` → 202 `{ runId, status }`;
 * with the queue unreachable, runs it here → 202 `{ runId, status, fallback: true }` once it has ended.
 */
export const POST = withAuth('jobs:trigger', async ({ request, principal, requestId, ip }) => {
  assertPackEnabled('league', '/api/league/stats-update');
  const body = await readJsonBody(request, statsUpdateBodySchema);
  const { run, created, fallback } = await triggerStatsUpdate(body, { principal, requestId, ip }, revalidateTags);
  return Response.json({ runId: run.id, status: run.status, created, ...(fallback ? { fallback } : {}) }, { status: created ? 202 : 200 });
});
