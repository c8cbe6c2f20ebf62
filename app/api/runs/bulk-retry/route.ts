import { errorBody } from '@/lib/api/errors.ts';
import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { retryRuns } from '@/lib/runs/retry-run.ts';
import { bulkRetrySchema } from '@/lib/validations/bulk.ts';

/** Retries each selected run; answers per id (a run that may not be retried does not stop the others). */
export const POST = withAuth('runs:retry', async ({ request, principal, requestId, ip }) => {
  const { ids, override } = await readJsonBody(request, bulkRetrySchema);
  const unique = [...new Set(ids)];
  const outcomes = await retryRuns(unique, { principal, requestId, ip }, { override });
  const results = outcomes.map((outcome, index) =>
    outcome.ok ? { id: unique[index]!, ok: true as const, runId: outcome.run.id } : { id: unique[index]!, ok: false as const, error: errorBody(outcome.error).error },
  );
  return Response.json({ results }, { status: 202 });
});
