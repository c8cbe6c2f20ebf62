import { errorBody } from '@/lib/api/errors.ts';
import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { triggerRun, triggerRuns } from '@/lib/runs/trigger-run.ts';
import { triggerRouteBodySchema } from '@/lib/validations/runs.ts';

export const POST = withAuth<{ name: string }>('jobs:trigger', async ({ request, params, principal, requestId, ip }) => {
  const body = await readJsonBody(request, triggerRouteBodySchema);
  if ('runs' in body) {
    const outcomes = await triggerRuns(params.name, body, { principal, requestId, ip });
    const results = outcomes.map((outcome) =>
      outcome.ok ? { ok: true as const, runId: outcome.run.id, status: outcome.run.status, created: outcome.created } : { ok: false as const, error: errorBody(outcome.error).error },
    );
    return Response.json({ results }, { status: 207 });
  }
  const { run, created } = await triggerRun(params.name, body, { principal, requestId, ip });
  return Response.json({ runId: run.id, status: run.status, created }, { status: created ? 202 : 200 });
});
