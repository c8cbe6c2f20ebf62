import { withAuth } from '@/lib/api/with-auth.ts';
import { cancelRun } from '@/lib/runs/cancel-run.ts';
import { toRunDto } from '@/lib/runs/run-dto.ts';

export const POST = withAuth<{ id: string }>('runs:cancel', async ({ params, principal, requestId, ip }) => {
  const run = await cancelRun(params.id, { principal, requestId, ip });
  return Response.json({ run: toRunDto(run) }, { status: 202 });
});
