import { withAuth } from '@/lib/api/with-auth.ts';
import { retryRun } from '@/lib/runs/retry-run.ts';
import { toRunDto } from '@/lib/runs/run-dto.ts';

export const POST = withAuth<{ id: string }>('runs:retry', async ({ params, principal, requestId, ip }) => {
  const { run } = await retryRun(params.id, { principal, requestId, ip });
  return Response.json({ run: toRunDto(run) }, { status: 202 });
});
