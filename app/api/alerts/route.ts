import { readQuery } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { listAlerts } from '@/lib/alerts/alerts.ts';
import { alertsQuerySchema } from '@/lib/validations/alerts.ts';

export const GET = withAuth('stats:read', async ({ request }) => Response.json({ alerts: await listAlerts(readQuery(request, alertsQuerySchema).status) }));
