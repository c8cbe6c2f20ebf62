import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { retryRun } from '@/lib/runs/retry-run.ts';
import { toRunDto } from '@/lib/runs/run-dto.ts';
import { retryBodySchema } from '@/lib/validations/runs.ts';

export const POST = withAuth<{ id: string }>('runs:retry', async ({ request, params, principal, requestId, ip }) => {
  const body = await readJsonBody(request, retryBodySchema);
  const { run } = await retryRun(params.id, { principal, requestId, ip }, body);
  return Response.json({ run: toRunDto(run) }, { status: 202 });
});
