import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { deleteAlertRule, updateAlertRule } from '@/lib/alerts/alert-rules.ts';
import { alertRulePatchSchema } from '@/lib/validations/alerts.ts';

export const PATCH = withAuth<{ id: string }>('alerts:manage', async ({ request, params, principal, requestId, ip }) =>
  Response.json({ rule: await updateAlertRule(params.id, await readJsonBody(request, alertRulePatchSchema), { principal, requestId, ip }) }),
);

export const DELETE = withAuth<{ id: string }>('alerts:manage', async ({ params, principal, requestId, ip }) => {
  await deleteAlertRule(params.id, { principal, requestId, ip });
  return Response.json({ deleted: true });
});
