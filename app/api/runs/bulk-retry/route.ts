import { readJsonBody } from '@/lib/api/read-body.ts';
import { errorResponse } from '@/lib/api/errors.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { retryRun } from '@/lib/runs/retry-run.ts';
import { bulkRetrySchema } from '@/lib/validations/bulk.ts';

/** Retries each selected run; answers per id (a run that may not be retried does not stop the others). */
export const POST = withAuth('runs:retry', async ({ request, principal, requestId, ip }) => {
  const { ids } = await readJsonBody(request, bulkRetrySchema);
  const results = [];
  for (const id of [...new Set(ids)]) {
    try {
      const { run } = await retryRun(id, { principal, requestId, ip });
      results.push({ id, ok: true as const, runId: run.id });
    } catch (error) {
      const { error: body } = (await errorResponse(error).json()) as { error: { code: string; message: string } };
      results.push({ id, ok: false as const, error: body });
    }
  }
  return Response.json({ results }, { status: 202 });
});
