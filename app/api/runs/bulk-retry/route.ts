import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { bulkRetry, countBulkTargets } from '@/lib/runs/bulk-run-actions.ts';
import { bulkRetrySchema } from '@/lib/validations/bulk.ts';

/** Retries the selected runs, or every failed or cancelled run matching a filter; answers per run (one that may not be retried does not stop the others). */
export const POST = withAuth('runs:retry', async ({ request, principal, requestId, ip }) => {
  const body = await readJsonBody(request, bulkRetrySchema);
  if (body.dryRun && body.filter) return Response.json(await countBulkTargets(body.filter, 'retry'));
  return Response.json(await bulkRetry(body, { principal, requestId, ip }), { status: 202 });
});
