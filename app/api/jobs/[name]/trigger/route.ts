import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { triggerRun } from '@/lib/runs/trigger-run.ts';
import { triggerBodySchema } from '@/lib/validations/runs.ts';

export const POST = withAuth<{ name: string }>('jobs:trigger', async ({ request, params, principal, requestId, ip }) => {
  const body = await readJsonBody(request, triggerBodySchema);
  const { run, created } = await triggerRun(params.name, body, { principal, requestId, ip });
  return Response.json({ runId: run.id, status: run.status, created }, { status: created ? 202 : 200 });
});
