import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { createAlertRule, listAlertRules } from '@/lib/alerts/alert-rules.ts';
import { alertRuleSchema } from '@/lib/validations/alerts.ts';

export const GET = withAuth('stats:read', async ({ principal }) => Response.json({ rules: await listAlertRules({ admin: principal.role === 'admin' }) }));

export const POST = withAuth('alerts:manage', async ({ request, principal, requestId, ip }) =>
  Response.json({ rule: await createAlertRule(await readJsonBody(request, alertRuleSchema), { principal, requestId, ip }) }, { status: 201 }),
);
