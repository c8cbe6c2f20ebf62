import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { bulkCancel, countBulkTargets } from '@/lib/runs/bulk-run-actions.ts';
import { bulkCancelSchema } from '@/lib/validations/bulk.ts';

/** Cancels the selected runs, or every queued, running or retrying run matching a filter; answers per run. */
export const POST = withAuth('runs:cancel', async ({ request, principal, requestId, ip }) => {
  const body = await readJsonBody(request, bulkCancelSchema);
  if (body.dryRun && body.filter) return Response.json(await countBulkTargets(body.filter, 'cancel'));
  return Response.json(await bulkCancel(body, { principal, requestId, ip }), { status: 202 });
});
